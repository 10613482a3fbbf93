namespace Samsa.Streams.Kstream;

/// <summary>What a suppression does when its buffer is full (Kafka's <c>BufferFullStrategy</c>).</summary>
public enum BufferFullStrategy
{
    /// <summary>Emit the oldest buffered records early, before their time.</summary>
    EmitEarly,

    /// <summary>Fail the task with a <see cref="StreamsException"/>.</summary>
    ShutDown,
}

/// <summary>
/// The size limit of a suppression buffer (Kafka's <c>Suppressed.BufferConfig</c>). Bytes count each buffered key and
/// its serialized entry (values, timestamp and headers).
/// </summary>
public sealed record BufferConfig
{
    private BufferConfig(long maxRecords, long maxBytes, BufferFullStrategy strategy)
    {
        MaxRecordCount = maxRecords;
        MaxByteCount = maxBytes;
        FullStrategy = strategy;
    }

    /// <summary>At most this many keys are buffered (<see cref="long.MaxValue"/>: no limit).</summary>
    public long MaxRecordCount { get; private init; }

    /// <summary>At most this many bytes are buffered (<see cref="long.MaxValue"/>: no limit).</summary>
    public long MaxByteCount { get; private init; }

    /// <summary>What happens when a limit is exceeded.</summary>
    public BufferFullStrategy FullStrategy { get; private init; }

    /// <summary>True (the default) when the buffer is backed by a changelog topic, so it survives restarts.</summary>
    public bool LoggingEnabled { get; private init; } = true;

    /// <summary>Changelog topic configs added to the defaults.</summary>
    public IReadOnlyDictionary<string, string>? LogConfig { get; private init; }

    /// <summary>No limit: the buffer may use all the memory it needs (fails rather than emitting early).</summary>
    public static BufferConfig Unbounded() => new(long.MaxValue, long.MaxValue, BufferFullStrategy.ShutDown);

    /// <summary>At most <paramref name="records"/> keys; emits early when full unless told otherwise.</summary>
    public static BufferConfig MaxRecords(long records) => new(Positive(records, nameof(records)), long.MaxValue, BufferFullStrategy.EmitEarly);

    /// <summary>At most <paramref name="bytes"/> bytes; emits early when full unless told otherwise.</summary>
    public static BufferConfig MaxBytes(long bytes) => new(long.MaxValue, Positive(bytes, nameof(bytes)), BufferFullStrategy.EmitEarly);

    /// <summary>This with a record limit as well.</summary>
    public BufferConfig WithMaxRecords(long records) => this with { MaxRecordCount = Positive(records, nameof(records)) };

    /// <summary>This with a byte limit as well.</summary>
    public BufferConfig WithMaxBytes(long bytes) => this with { MaxByteCount = Positive(bytes, nameof(bytes)) };

    /// <summary>Emits the oldest records early when full (intermediate results may appear).</summary>
    public BufferConfig EmitEarlyWhenFull() => this with { FullStrategy = BufferFullStrategy.EmitEarly };

    /// <summary>Fails the task when full, so that no intermediate result is ever emitted.</summary>
    public BufferConfig ShutDownWhenFull() => this with { FullStrategy = BufferFullStrategy.ShutDown };

    /// <summary>Backs the buffer with a changelog, with extra topic configs.</summary>
    public BufferConfig WithLoggingEnabled(IReadOnlyDictionary<string, string>? config = null) => this with { LoggingEnabled = true, LogConfig = config };

    /// <summary>Keeps the buffer in memory only: its contents are lost on restart.</summary>
    public BufferConfig WithLoggingDisabled() => this with { LoggingEnabled = false, LogConfig = null };

    private static long Positive(long value, string parameter) =>
        value > 0 ? value : throw new ArgumentOutOfRangeException(parameter, "A buffer limit must be positive.");
}

/// <summary>
/// How <see cref="IKTable{TKey, TValue}.Suppress"/> holds back a table's updates (Kafka's <c>Suppressed</c>): until its
/// window closes (final results of windowed aggregations), or for a time limit per key (rate limiting). Time is stream
/// time, the largest timestamp the suppression has seen.
/// </summary>
public sealed record Suppressed
{
    private Suppressed(BufferConfig buffer) => Buffer = buffer;

    /// <summary>True for final results of windows; false for a time limit.</summary>
    public bool IsUntilWindowCloses { get; private init; }

    /// <summary>How long an update of a key is held, in ms (time-limit suppression).</summary>
    public long TimeLimitMs { get; private init; }

    /// <summary>The buffer's limits.</summary>
    public BufferConfig Buffer { get; }

    /// <summary>The processor name; the buffer store is this plus <c>-store</c>.</summary>
    public string? Name { get; private init; }

    /// <summary>
    /// Emits each window's final result once, when stream time passes the window end plus the grace period. The buffer
    /// must not emit early (<see cref="BufferConfig.Unbounded"/> or a limit with <see cref="BufferConfig.ShutDownWhenFull"/>).
    /// </summary>
    public static Suppressed UntilWindowCloses(BufferConfig buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        if (buffer.FullStrategy == BufferFullStrategy.EmitEarly)
            throw new ArgumentException("Final results need a strict buffer: use BufferConfig.Unbounded() or ShutDownWhenFull().", nameof(buffer));
        return new Suppressed(buffer) { IsUntilWindowCloses = true };
    }

    /// <summary>Emits the latest update of a key once stream time passes the time of its first held update plus <paramref name="timeToWaitForMoreEvents"/>.</summary>
    public static Suppressed UntilTimeLimit(TimeSpan timeToWaitForMoreEvents, BufferConfig buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        long ms = (long)timeToWaitForMoreEvents.TotalMilliseconds;
        if (ms < 0)
            throw new ArgumentOutOfRangeException(nameof(timeToWaitForMoreEvents), "The time limit must not be negative.");
        return new Suppressed(buffer) { TimeLimitMs = ms };
    }

    /// <summary>This with a processor name.</summary>
    public Suppressed WithName(string name) => this with { Name = name };
}
