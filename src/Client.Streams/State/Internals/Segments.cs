namespace Samsa.Streams.State.Internals;

/// <summary>
/// Time segments of a window or session store (Kafka's <c>Segments</c>): segment id = timestamp / interval; as stream
/// time (the largest timestamp written) advances, segments wholly older than the retention period are destroyed and
/// records older than <see cref="MinLiveTimestamp"/> are neither written nor returned. The segment table is locked,
/// so interactive queries may read while the owning task writes.
/// </summary>
internal sealed class Segments
{
    private readonly SortedDictionary<long, IBytesMap> _segments = new();
    private readonly Func<long, IBytesMap> _open;
    private readonly Lock _lock = new();

    public Segments(long retentionMs, long intervalMs, Func<long, IBytesMap> open)
    {
        RetentionMs = retentionMs;
        IntervalMs = intervalMs;
        _open = open;
    }

    public long RetentionMs { get; }

    public long IntervalMs { get; }

    /// <summary>The largest timestamp written (Kafka's observed stream time); -1 before the first write.</summary>
    public long ObservedStreamTime { get; set; } = -1;

    /// <summary>The oldest timestamp still retained.</summary>
    public long MinLiveTimestamp => ObservedStreamTime - RetentionMs + 1;

    /// <summary>Open segments.</summary>
    public int Count
    {
        get { lock (_lock) return _segments.Count; }
    }

    /// <summary>Open segment ids, oldest first.</summary>
    public IReadOnlyList<long> Ids
    {
        get { lock (_lock) return [.. _segments.Keys]; }
    }

    public long SegmentId(long timestamp) => timestamp >= 0 ? timestamp / IntervalMs : -((-timestamp + IntervalMs - 1) / IntervalMs);

    /// <summary>Adds a segment found on disk.</summary>
    public void AddExisting(long id, IBytesMap segment)
    {
        lock (_lock) _segments[id] = segment;
    }

    /// <summary>Advances stream time to <paramref name="timestamp"/>, drops expired segments and returns the live segment for it (or null when it is expired).</summary>
    public IBytesMap? SegmentForWrite(long timestamp)
    {
        lock (_lock) return SegmentForWriteLocked(timestamp);
    }

    private IBytesMap? SegmentForWriteLocked(long timestamp)
    {
        if (timestamp > ObservedStreamTime) ObservedStreamTime = timestamp;
        long minLiveSegment = SegmentId(ObservedStreamTime - RetentionMs);
        DropEarlierThan(minLiveSegment);
        if (timestamp < MinLiveTimestamp) return null;
        long id = SegmentId(timestamp);
        if (!_segments.TryGetValue(id, out var segment))
        {
            segment = _open(id);
            _segments.Add(id, segment);
        }
        return segment;
    }

    /// <summary>The segment holding <paramref name="timestamp"/>, if open.</summary>
    public IBytesMap? Existing(long timestamp)
    {
        lock (_lock) return _segments.GetValueOrDefault(SegmentId(timestamp));
    }

    /// <summary>Open segments covering [<paramref name="from"/>, <paramref name="to"/>], in time order or reversed (a snapshot).</summary>
    public List<IBytesMap> Between(long from, long to, bool reverse)
    {
        long first = SegmentId(from), last = SegmentId(to);
        var result = new List<IBytesMap>();
        lock (_lock)
        {
            foreach (var (id, segment) in _segments)
                if (id >= first && id <= last) result.Add(segment);
        }
        if (reverse) result.Reverse();
        return result;
    }

    public void FlushAll()
    {
        lock (_lock)
            foreach (var segment in _segments.Values) segment.Flush();
    }

    public void CloseAll()
    {
        lock (_lock)
        {
            foreach (var segment in _segments.Values) segment.Close();
            _segments.Clear();
            ObservedStreamTime = -1;
        }
    }

    private void DropEarlierThan(long minLiveSegment)
    {
        while (_segments.Count > 0)
        {
            var (id, segment) = _segments.First();
            if (id >= minLiveSegment) break;
            _segments.Remove(id);
            segment.Destroy();
        }
    }
}
