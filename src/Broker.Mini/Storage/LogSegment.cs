using System.Buffers.Binary;
using Samsa.Protocol.Records;

namespace Samsa.Broker.Mini.Storage;

/// <summary>
/// One log segment: batches laid end to end in a <see cref="SegmentBuffer"/> (mirrored to a <c>.log</c> file in disk mode), with
/// Kafka's sparse offset and time indexes (<see cref="OffsetIndex"/>, <see cref="TimeIndex"/>; <c>.index</c> and
/// <c>.timeindex</c> files in disk mode). An index entry is added for a batch when more than <c>index.interval.bytes</c>
/// lie between the last indexed batch and it; lookups binary-search the index, then scan batch headers from there.
/// Bytes below <see cref="Length"/> never change, so readers may keep slices while appends continue.
/// </summary>
internal sealed partial class LogSegment : IDisposable
{
    private const int LastOffsetDeltaOffset = 23;
    private const int MaxTimestampOffset = 35;
    private readonly SegmentBuffer _buffer;
    private FileStream? _file;
    private readonly OffsetIndex _offsetIndex;
    private readonly TimeIndex _timeIndex;

    /// <summary>
    /// A segment at <paramref name="baseOffset"/>. When <paramref name="recovering"/>, recovery is loading it: the indexes
    /// are built in memory and reconciled with the files by <see cref="FinishRecovery"/>; otherwise index files are created empty.
    /// </summary>
    public LogSegment(long baseOffset, long createdMs, string? path, in LogLimits limits, int initialCapacity = 4096, bool recovering = false)
    {
        BaseOffset = baseOffset;
        CreatedMs = createdMs;
        LastModifiedMs = createdMs;
        Path = path;
        NextOffset = baseOffset;
        IndexIntervalBytes = limits.IndexIntervalBytes;
        _buffer = new SegmentBuffer(initialCapacity);
        _offsetIndex = new OffsetIndex(baseOffset, IndexPath(path, ".index"), limits.SegmentIndexBytes);
        _timeIndex = new TimeIndex(baseOffset, IndexPath(path, ".timeindex"), limits.SegmentIndexBytes);
        if (path is null) return;
        _file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 1, FileOptions.None);
        if (!recovering)
        {
            _offsetIndex.CreateFile(active: true);
            _timeIndex.CreateFile(active: true);
        }
    }

    public long BaseOffset { get; }

    /// <summary>Wall-clock time of the segment's creation, for segment.ms rolls.</summary>
    public long CreatedMs { get; }

    public string? Path { get; }

    /// <summary>index.interval.bytes for this segment's future appends (the topic's current value).</summary>
    public int IndexIntervalBytes { get; set; }

    /// <summary>Wall-clock time of the last append (the file's last write time after recovery): the cleaner's tombstone clock.</summary>
    public long LastModifiedMs { get; set; }

    /// <summary>False only once the cleaner has seen that this segment holds no tombstone.</summary>
    public bool MayHaveTombstones { get; set; } = true;

    public int Length => _buffer.Length;

    public bool IsEmpty => Length == 0;

    /// <summary>The next offset after this segment's last batch, or the base offset when empty.</summary>
    public long NextOffset { get; private set; }

    /// <summary>The largest batch max timestamp in the segment, or -1.</summary>
    public long MaxTimestamp { get; private set; } = -1;

    /// <summary>The last offset of the (first) batch holding <see cref="MaxTimestamp"/> (Kafka's shallow offset of the max timestamp).</summary>
    public long OffsetOfMaxTimestamp { get; private set; } = -1;

    /// <summary>Batch headers read by lookups and reads so far (tests check that an index lookup scans only a few).</summary>
    public long BatchesScanned { get; private set; }

    public OffsetIndex OffsetIndex => _offsetIndex;

    public TimeIndex TimeIndex => _timeIndex;

    /// <summary>True when another batch ending at <paramref name="lastOffset"/> could not be indexed: roll first.</summary>
    public bool MustRollFor(long lastOffset) =>
        _offsetIndex.IsFull || _timeIndex.IsFull || lastOffset - BaseOffset > int.MaxValue;

    /// <summary>Appends a batch whose offsets are already assigned; writes it through to the file in disk mode.</summary>
    public void Append(ReadOnlySpan<byte> batch, in RecordBatchHeader header, bool writeFile = true)
    {
        int position = Length;
        _buffer.Append(batch);
        if (_file is not null && writeFile)
        {
            _file.Position = position;
            _file.Write(batch);
        }
        NextOffset = header.LastOffset + 1;
        if (header.MaxTimestamp > MaxTimestamp)
        {
            MaxTimestamp = header.MaxTimestamp;
            OffsetOfMaxTimestamp = header.LastOffset;
        }
        // Kafka's LogSegment.append: bytesSinceLastIndexEntry counts from the start of the last indexed batch.
        if (position - _offsetIndex.LastPosition > IndexIntervalBytes)
        {
            _offsetIndex.Append(header.LastOffset, position);
            _timeIndex.MaybeAppend(MaxTimestamp, OffsetOfMaxTimestamp);
        }
    }

    /// <summary>The position of the first batch whose last offset is at least <paramref name="offset"/>, or <see cref="Length"/>.</summary>
    public int PositionOf(long offset) => ScanForOffset(_offsetIndex.Lookup(offset), offset);

    /// <summary>A position at or before the first batch whose max timestamp reaches <paramref name="timestamp"/>.</summary>
    public int PositionForTimestamp(long timestamp)
    {
        long below = _timeIndex.LookupBelow(timestamp);
        return below < 0 ? 0 : PositionOf(below);
    }

    /// <summary>The stored bytes of the batch at <paramref name="position"/> (no copy).</summary>
    public ReadOnlyMemory<byte> BatchAt(int position) => _buffer.Slice(position, SizeAt(position));

    /// <summary>The next batch position after the one at <paramref name="position"/>.</summary>
    public int NextPosition(int position) => position + SizeAt(position);

    /// <summary>Every batch from <paramref name="position"/> to the end, in order.</summary>
    public IEnumerable<ReadOnlyMemory<byte>> Batches(int position = 0)
    {
        while (position < Length)
        {
            var batch = BatchAt(position);
            position += batch.Length;
            yield return batch;
        }
    }

    /// <summary>The max timestamp of the first batch, or -1 when empty.</summary>
    public long FirstBatchMaxTimestamp => Length == 0 ? -1 : MaxTimestampAt(0);

    /// <summary>
    /// Whole batches from <paramref name="position"/> on, at most <paramref name="maxBytes"/> (but at least one batch when
    /// <paramref name="minOneBatch"/>), stopping before any batch that starts at or beyond <paramref name="upperBound"/>.
    /// Returns a slice of the stored bytes, not a copy, so it also stops where the buffer's contiguous run ends.
    /// </summary>
    public ReadOnlyMemory<byte> Read(int position, int maxBytes, bool minOneBatch, long upperBound)
    {
        if (position >= Length) return ReadOnlyMemory<byte>.Empty;
        int end = position, limit = _buffer.ContiguousEnd(position);
        while (end < limit)
        {
            BatchesScanned++;
            if (BaseOffsetAt(end) >= upperBound) break;
            int size = SizeAt(end);
            if (end - position + size > maxBytes && !(minOneBatch && end == position)) break;
            end += size;
        }
        return _buffer.Slice(position, end - position);
    }

    /// <summary>Drops every batch whose base offset is at or after <paramref name="offset"/>, and the index entries past the cut.</summary>
    public void TruncateFrom(long offset)
    {
        int position = PositionOf(offset);
        if (position < Length && BaseOffsetAt(position) < offset) position += SizeAt(position);
        if (position >= Length) return;
        _buffer.Truncate(position);
        _file?.SetLength(position);
        RecomputeTail();
        _offsetIndex.TruncateToPosition(position);
        _timeIndex.TruncateToOffset(NextOffset);
    }

    /// <summary>Kafka's onBecomeInactiveSegment: a last time index entry for the max timestamp, then both index files trimmed.</summary>
    public void OnBecomeInactive()
    {
        _timeIndex.MaybeAppend(MaxTimestamp, OffsetOfMaxTimestamp);
        _offsetIndex.Trim();
        _timeIndex.Trim();
    }

    /// <summary>Cuts the file to <paramref name="length"/> bytes (a torn tail found at recovery).</summary>
    public void TruncateFile(long length) => _file?.SetLength(length);

    /// <summary>Deletes the segment's files and lets go of its bytes: the segment is empty afterwards.</summary>
    public void DeleteFile()
    {
        _file?.Dispose();
        _file = null;
        if (Path is not null && File.Exists(Path)) File.Delete(Path);
        _offsetIndex.DeleteFile();
        _timeIndex.DeleteFile();
        _buffer.Release();
    }

    /// <summary>Kafka's LogSegment.close: a last time index entry for the max timestamp, then the files are trimmed and closed.</summary>
    public void Dispose()
    {
        _file?.Dispose();
        _file = null;
        _timeIndex.MaybeAppend(MaxTimestamp, OffsetOfMaxTimestamp);
        _offsetIndex.Dispose();
        _timeIndex.Dispose();
    }

    internal static string? IndexPath(string? logPath, string extension) =>
        logPath is null ? null : System.IO.Path.ChangeExtension(logPath, extension);

    private int ScanForOffset(int position, long offset)
    {
        while (position < Length)
        {
            BatchesScanned++;
            if (LastOffsetAt(position) >= offset) return position;
            position += SizeAt(position);
        }
        return Length;
    }

    /// <summary>Recomputes the next offset and the max timestamp from the batches (after truncation).</summary>
    private void RecomputeTail()
    {
        NextOffset = BaseOffset;
        MaxTimestamp = -1;
        OffsetOfMaxTimestamp = -1;
        for (int p = 0; p < Length; p += SizeAt(p))
        {
            NextOffset = LastOffsetAt(p) + 1;
            if (MaxTimestampAt(p) > MaxTimestamp)
            {
                MaxTimestamp = MaxTimestampAt(p);
                OffsetOfMaxTimestamp = LastOffsetAt(p);
            }
        }
    }

    private long BaseOffsetAt(int position) => BinaryPrimitives.ReadInt64BigEndian(_buffer.Slice(position, 8).Span);

    private int SizeAt(int position) => BinaryPrimitives.ReadInt32BigEndian(_buffer.Slice(position + 8, 4).Span) + RecordBatchHeader.LogOverhead;

    private long LastOffsetAt(int position) => BaseOffsetAt(position) + BinaryPrimitives.ReadInt32BigEndian(_buffer.Slice(position + LastOffsetDeltaOffset, 4).Span);

    private long MaxTimestampAt(int position) => BinaryPrimitives.ReadInt64BigEndian(_buffer.Slice(position + MaxTimestampOffset, 8).Span);
}
