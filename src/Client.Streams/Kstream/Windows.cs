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
        long sizeMs = (long)size.TotalMilliseconds;
        if (sizeMs <= 0)
            throw new ArgumentOutOfRangeException(nameof(size), "Window size must be positive.");
        if (grace < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(grace), "Grace must not be negative.");
        return new TimeWindows(sizeMs, sizeMs, (long)grace.TotalMilliseconds);
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
        long gapMs = (long)gap.TotalMilliseconds;
        if (gapMs <= 0)
            throw new ArgumentOutOfRangeException(nameof(gap), "The inactivity gap must be positive.");
        if (grace < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(grace), "Grace must not be negative.");
        return new SessionWindows(gapMs, (long)grace.TotalMilliseconds);
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
        long ms = (long)difference.TotalMilliseconds;
        if (ms < 0)
            throw new ArgumentOutOfRangeException(nameof(difference), "The time difference must not be negative.");
        if (grace < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(grace), "Grace must not be negative.");
        return new JoinWindows(ms, ms, (long)grace.TotalMilliseconds);
    }

    /// <summary>This with another lower bound.</summary>
    public JoinWindows Before(TimeSpan before) => new((long)before.TotalMilliseconds, AfterMs, GraceMs);

    /// <summary>This with another upper bound.</summary>
    public JoinWindows After(TimeSpan after) => new(BeforeMs, (long)after.TotalMilliseconds, GraceMs);
}
