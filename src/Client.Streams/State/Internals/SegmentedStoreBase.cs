using System.Globalization;

namespace Samsa.Streams.State.Internals;

/// <summary>
/// Opening, flushing and closing of a segmented store. Persistent segments live in
/// <c>&lt;state dir&gt;/&lt;store&gt;/&lt;store&gt;.&lt;segment start ms&gt;/</c> (Kafka's segment naming), each a <see cref="LogFile"/>.
/// </summary>
internal abstract class SegmentedStoreBase : IStateStore, IStateRestoreCallback
{
    private readonly LogStructuredStoreOptions _options;
    private string? _directory;

    protected SegmentedStoreBase(string name, long retentionMs, long segmentIntervalMs, bool persistent, LogStructuredStoreOptions options)
    {
        StoreArguments.RequireName(name);
        if (retentionMs < 0) throw new ArgumentException("Retention period cannot be negative.", nameof(retentionMs));
        if (segmentIntervalMs < 1) throw new ArgumentException("Segment interval must be at least 1 ms.", nameof(segmentIntervalMs));
        Name = name;
        Persistent = persistent;
        _options = options;
        Segments = new Segments(retentionMs, segmentIntervalMs, OpenSegment);
    }

    public string Name { get; }

    public bool Persistent { get; }

    public bool IsOpen { get; private set; }

    /// <summary>The store's segments.</summary>
    internal Segments Segments { get; }

    public void Init(IStateStoreContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (IsOpen) throw new InvalidOperationException($"Store {Name} is already open.");
        if (Persistent)
        {
            string root = context.StateDirectory ?? throw new InvalidOperationException($"Persistent store {Name} needs a state directory (state.dir).");
            _directory = Path.Combine(root, Name);
            Directory.CreateDirectory(_directory);
            OpenExisting(_directory);
        }
        context.Register(this, this);
        IsOpen = true;
    }

    public void Flush() => Segments.FlushAll();

    public void Close()
    {
        Segments.CloseAll();
        IsOpen = false;
    }

    /// <summary>Applies changelog records (binary store keys) without logging them.</summary>
    public void RestoreBatch(IReadOnlyList<KeyValuePair<byte[], byte[]?>> records)
    {
        foreach (var record in records) Segments.SegmentForWrite(SegmentTimestamp(record.Key))?.Put(record.Key, record.Value);
    }

    /// <summary>The timestamp that places a binary store key in a segment (window start or session end).</summary>
    protected abstract long SegmentTimestamp(byte[] storeKey);

    protected void EnsureOpen()
    {
        if (!IsOpen) throw new InvalidOperationException($"Store {Name} is not open.");
    }

    private IBytesMap OpenSegment(long id)
    {
        if (!Persistent) return new InMemoryBytesMap();
        string path = Path.Combine(_directory!, Name + "." + (id * Segments.IntervalMs).ToString(CultureInfo.InvariantCulture));
        return new LogFileBytesMap(LogFile.Open(path, _options));
    }

    private void OpenExisting(string directory)
    {
        string prefix = Name + ".";
        foreach (var path in Directory.EnumerateDirectories(directory))
        {
            string file = Path.GetFileName(path);
            if (!file.StartsWith(prefix, StringComparison.Ordinal)) continue;
            if (!long.TryParse(file.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out long start)) continue;
            Segments.AddExisting(start / Segments.IntervalMs, new LogFileBytesMap(LogFile.Open(path, _options)));
        }
        // Stream time comes back as the newest timestamp on disk, so retention holds across restarts.
        foreach (var id in Segments.Ids.Reverse())
        {
            var segment = Segments.Between(id * Segments.IntervalMs, id * Segments.IntervalMs, reverse: false)[0];
            using var all = segment.Range(null, null, reverse: false);
            long max = -1;
            while (all.MoveNext()) max = Math.Max(max, SegmentTimestamp(all.Current.Key));
            if (max < 0) continue;
            Segments.ObservedStreamTime = max;
            break;
        }
    }
}
