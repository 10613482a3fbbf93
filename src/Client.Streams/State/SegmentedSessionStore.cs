using Samsa.Streams.State.Internals;

namespace Samsa.Streams.State;

/// <summary>
/// Kafka's session bytes store over time segments (by session end): keys <c>[key][end][start]</c>. Sessions whose
/// end falls out of retention are dropped. Timestamps must be non-negative. Not thread-safe.
/// </summary>
internal sealed class SegmentedSessionStore : SegmentedStoreBase, ISessionStore<byte[], byte[]>
{
    public SegmentedSessionStore(string name, long retentionMs, long segmentIntervalMs, bool persistent, LogStructuredStoreOptions options)
        : base(name, retentionMs, segmentIntervalMs, persistent, options)
    {
    }

    public void Put(Windowed<byte[]> session, byte[] value)
    {
        Validate(session);
        EnsureOpen();
        if (value is null)
        {
            Remove(session);
            return;
        }
        Segments.SegmentForWrite(session.Window.End)?.Put(WindowKeys.ToSessionKey(session.Key, session.Window.Start, session.Window.End), value);
    }

    public void Remove(Windowed<byte[]> session)
    {
        Validate(session);
        EnsureOpen();
        Segments.Existing(session.Window.End)?.Put(WindowKeys.ToSessionKey(session.Key, session.Window.Start, session.Window.End), null);
    }

    /// <summary>The aggregate of exactly this session, or null.</summary>
    public byte[]? FetchSession(byte[] key, long start, long end)
    {
        ArgumentNullException.ThrowIfNull(key);
        EnsureOpen();
        if (end < Segments.MinLiveTimestamp) return null;
        return Segments.Existing(end)?.Get(WindowKeys.ToSessionKey(key, start, end));
    }

    public IKeyValueIterator<Windowed<byte[]>, byte[]> FindSessions(byte[] key, long earliestSessionEnd, long latestSessionStart)
    {
        ArgumentNullException.ThrowIfNull(key);
        EnsureOpen();
        long from = Math.Max(Math.Max(earliestSessionEnd, Segments.MinLiveTimestamp), 0);
        var low = WindowKeys.ToSessionKey(key, 0, from);
        var high = WindowKeys.ToSessionKey(key, long.MaxValue, long.MaxValue);
        return new SegmentIterator<Windowed<byte[]>>(Segments.Between(from, long.MaxValue, reverse: false), s => s.Range(low, high, reverse: false),
            k => WindowKeys.HasKey(k, key, WindowKeys.SessionSuffix) && WindowKeys.SessionEnd(k) >= from && WindowKeys.SessionStart(k) <= latestSessionStart,
            ToWindowed);
    }

    public IKeyValueIterator<Windowed<byte[]>, byte[]> Fetch(byte[] key) => FindSessions(key, 0, long.MaxValue);

    protected override long SegmentTimestamp(byte[] storeKey) => WindowKeys.SessionEnd(storeKey);

    private static Windowed<byte[]> ToWindowed(byte[] storeKey) =>
        new(WindowKeys.SessionRawKey(storeKey), new TimeWindow(WindowKeys.SessionStart(storeKey), WindowKeys.SessionEnd(storeKey)));

    private static void Validate(Windowed<byte[]> session)
    {
        if (session.Key is null) throw new ArgumentException("Session keys cannot be null.", nameof(session));
        if (session.Window.Start < 0 || session.Window.End < session.Window.Start)
            throw new ArgumentException($"Invalid session window [{session.Window.Start}, {session.Window.End}].", nameof(session));
    }
}
