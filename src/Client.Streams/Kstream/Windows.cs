namespace Samsa.Streams.Kstream;

/// <summary>
/// Fixed-size windows aligned to the epoch (Kafka's <c>TimeWindows</c>): tumbling when the advance equals the size,
/// hopping when it is smaller. A window [start, start + size) accepts records until stream time passes its end plus
/// the grace period; later records are dropped.
/// </summary>
public sealed record TimeWindows
{
    private TimeWindows(long sizeMs, long advanceMs, long graceMs)
    {
        SizeMs = sizeMs;
        AdvanceMs = advanceMs;
        GraceMs = graceMs;
    }

    /// <summary>Window size in ms.</summary>
    public long SizeMs { get; }

    /// <summary>Distance between window starts in ms.</summary>
    public long AdvanceMs { get; }

    /// <summary>Grace period in ms.</summary>
    public long GraceMs { get; }

    /// <summary>Tumbling windows without grace.</summary>
    public static TimeWindows OfSizeWithNoGrace(TimeSpan size) => OfSizeAndGrace(size, TimeSpan.Zero);

    /// <summary>Tumbling windows with a grace period.</summary>
    public static TimeWindows OfSizeAndGrace(TimeSpan size, TimeSpan grace)
    {
        long sizeMs = WindowArgs.Positive(size, nameof(size), "Window size");
        return new TimeWindows(sizeMs, sizeMs, WindowArgs.Grace(grace));
    }

    /// <summary>Hopping windows: starts every <paramref name="advance"/> (at most the size).</summary>
    public TimeWindows AdvanceBy(TimeSpan advance)
    {
        long advanceMs = (long)advance.TotalMilliseconds;
        if (advanceMs <= 0 || advanceMs > SizeMs)
            throw new ArgumentOutOfRangeException(nameof(advance), "The advance must be positive and not larger than the window size.");
        return new TimeWindows(SizeMs, advanceMs, GraceMs);
    }

    /// <summary>Windows containing <paramref name="timestamp"/>, by start.</summary>
    public IEnumerable<long> WindowStartsFor(long timestamp)
    {
        long start = Math.Max(0, timestamp - SizeMs + AdvanceMs);
        start -= start % AdvanceMs;
        for (; start <= timestamp; start += AdvanceMs)
            yield return start;
    }
}

/// <summary>
/// Per-key sessions separated by gaps of inactivity (Kafka's <c>SessionWindows</c>). A record within the gap of a
/// session extends it, and can merge two sessions. Session bounds are inclusive.
/// </summary>
public sealed record SessionWindows
{
    private SessionWindows(long gapMs, long graceMs)
    {
        InactivityGapMs = gapMs;
        GraceMs = graceMs;
    }

    /// <summary>Inactivity gap in ms.</summary>
    public long InactivityGapMs { get; }

    /// <summary>Grace period in ms.</summary>
    public long GraceMs { get; }

    /// <summary>Sessions without grace.</summary>
    public static SessionWindows OfInactivityGapWithNoGrace(TimeSpan gap) => OfInactivityGapAndGrace(gap, TimeSpan.Zero);

    /// <summary>Sessions with a grace period.</summary>
    public static SessionWindows OfInactivityGapAndGrace(TimeSpan gap, TimeSpan grace)
    {
        return new SessionWindows(WindowArgs.Positive(gap, nameof(gap), "The inactivity gap"), WindowArgs.Grace(grace));
    }
}

/// <summary>
/// The window of a stream-stream join (Kafka's <c>JoinWindows</c>): a record with timestamp ts joins the other
/// side's records with timestamps in [ts - before, ts + after].
/// </summary>
public sealed record JoinWindows
{
    private JoinWindows(long beforeMs, long afterMs, long graceMs)
    {
        BeforeMs = beforeMs;
        AfterMs = afterMs;
        GraceMs = graceMs;
    }

    /// <summary>How far the other side may lag behind, in ms.</summary>
    public long BeforeMs { get; }

    /// <summary>How far the other side may run ahead, in ms.</summary>
    public long AfterMs { get; }

    /// <summary>Grace period in ms.</summary>
    public long GraceMs { get; }

    /// <summary>Symmetric windows of <paramref name="difference"/> without grace.</summary>
    public static JoinWindows OfTimeDifferenceWithNoGrace(TimeSpan difference) => OfTimeDifferenceAndGrace(difference, TimeSpan.Zero);

    /// <summary>Symmetric windows of <paramref name="difference"/> with grace.</summary>
    public static JoinWindows OfTimeDifferenceAndGrace(TimeSpan difference, TimeSpan grace)
    {
        long ms = WindowArgs.NotNegative(difference, nameof(difference), "The time difference");
        return new JoinWindows(ms, ms, WindowArgs.Grace(grace));
    }

    /// <summary>This with another lower bound.</summary>
    public JoinWindows Before(TimeSpan before) => new((long)before.TotalMilliseconds, AfterMs, GraceMs);

    /// <summary>This with another upper bound.</summary>
    public JoinWindows After(TimeSpan after) => new(BeforeMs, (long)after.TotalMilliseconds, GraceMs);
}

/// <summary>Argument checks of the window specifications.</summary>
internal static class WindowArgs
{
    /// <summary><paramref name="value"/> in ms, which must be positive.</summary>
    public static long Positive(TimeSpan value, string parameter, string what)
    {
        long ms = (long)value.TotalMilliseconds;
        return ms > 0 ? ms : throw new ArgumentOutOfRangeException(parameter, $"{what} must be positive.");
    }

    /// <summary><paramref name="value"/> in ms, which must not be negative.</summary>
    public static long NotNegative(TimeSpan value, string parameter, string what)
    {
        long ms = (long)value.TotalMilliseconds;
        return ms >= 0 ? ms : throw new ArgumentOutOfRangeException(parameter, $"{what} must not be negative.");
    }

    /// <summary>A grace period in ms.</summary>
    public static long Grace(TimeSpan grace) => NotNegative(grace, nameof(grace), "Grace");
}
