using Samsa.Streams.State.Internals;

namespace Samsa.Streams.State;

/// <summary>
/// Kafka's window bytes store (RocksDB or in-memory role) over time segments: keys <c>[key][window start][seq]</c>,
/// segments of <c>max(retention / 2, 60 s)</c> by default, expired segments dropped as stream time advances.
/// Window starts must be non-negative (keys sort by their big-endian bytes). Not thread-safe.
/// </summary>
internal sealed class SegmentedWindowStore : SegmentedStoreBase, IWindowStore<byte[], byte[]>
{
    private int _sequence;

    public SegmentedWindowStore(string name, long retentionMs, long windowSizeMs, bool retainDuplicates, long segmentIntervalMs, bool persistent, LogStructuredStoreOptions options)
        : base(name, retentionMs, segmentIntervalMs, persistent, options)
    {
        WindowSizeMs = windowSizeMs;
        RetainDuplicates = retainDuplicates;
    }

    public long WindowSizeMs { get; }

    public bool RetainDuplicates { get; }

    public void Put(byte[] key, byte[]? value, long windowStart)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (windowStart < 0) throw new ArgumentException("Window start cannot be negative.", nameof(windowStart));
        EnsureOpen();
        if (RetainDuplicates && value is null) return; // Kafka: duplicates are never deleted, only expired
        int sequence = RetainDuplicates ? NextSequence() : 0;
        Segments.SegmentForWrite(windowStart)?.Put(WindowKeys.ToWindowKey(key, windowStart, sequence), value);
    }

    public byte[]? Fetch(byte[] key, long windowStart)
    {
        ArgumentNullException.ThrowIfNull(key);
        EnsureOpen();
        if (windowStart < Segments.MinLiveTimestamp) return null;
        var segment = Segments.Existing(windowStart);
        if (segment is null) return null;
        if (!RetainDuplicates) return segment.Get(WindowKeys.ToWindowKey(key, windowStart, 0));
        using var range = segment.Range(WindowKeys.ToWindowKey(key, windowStart, 0), WindowKeys.ToWindowKey(key, windowStart, int.MaxValue), reverse: false);
        return range.MoveNext() ? range.Current.Value : null;
    }

    public IKeyValueIterator<long, byte[]> Fetch(byte[] key, long timeFrom, long timeTo)
    {
        ArgumentNullException.ThrowIfNull(key);
        EnsureOpen();
        long from = Math.Max(Math.Max(timeFrom, Segments.MinLiveTimestamp), 0);
        if (from > timeTo) return EmptyIterator<long, byte[]>.Instance;
        var low = WindowKeys.ToWindowKey(key, from, 0);
        var high = WindowKeys.ToWindowKey(key, timeTo, int.MaxValue);
        return new SegmentIterator<long>(Segments.Between(from, timeTo, reverse: false), s => s.Range(low, high, reverse: false),
            k => WindowKeys.HasKey(k, key, WindowKeys.WindowSuffix) && WindowKeys.WindowStart(k) is var t && t >= from && t <= timeTo,
            k => WindowKeys.WindowStart(k));
    }

    public IKeyValueIterator<Windowed<byte[]>, byte[]> FetchAll(long timeFrom, long timeTo)
    {
        EnsureOpen();
        long from = Math.Max(Math.Max(timeFrom, Segments.MinLiveTimestamp), 0);
        if (from > timeTo) return EmptyIterator<Windowed<byte[]>, byte[]>.Instance;
        return new SegmentIterator<Windowed<byte[]>>(Segments.Between(from, timeTo, reverse: false), s => s.Range(null, null, reverse: false),
            k => WindowKeys.WindowStart(k) is var t && t >= from && t <= timeTo, ToWindowed);
    }

    public IKeyValueIterator<Windowed<byte[]>, byte[]> All()
    {
        EnsureOpen();
        long from = Math.Max(Segments.MinLiveTimestamp, 0);
        return new SegmentIterator<Windowed<byte[]>>(Segments.Between(from, long.MaxValue, reverse: false), s => s.Range(null, null, reverse: false),
            k => WindowKeys.WindowStart(k) >= from, ToWindowed);
    }

    protected override long SegmentTimestamp(byte[] storeKey) => WindowKeys.WindowStart(storeKey);

    private Windowed<byte[]> ToWindowed(byte[] storeKey)
    {
        long start = WindowKeys.WindowStart(storeKey);
        long end = start > long.MaxValue - WindowSizeMs ? long.MaxValue : start + WindowSizeMs;
        return new Windowed<byte[]>(WindowKeys.WindowRawKey(storeKey), new TimeWindow(start, end));
    }

    private int NextSequence() => _sequence = (_sequence + 1) & int.MaxValue;
}
