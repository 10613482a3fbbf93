using System.Buffers.Binary;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Samsa.Protocol.Records;

namespace Samsa.Broker.Mini.Storage;

/// <summary>Segment roll, index and retention limits, from the topic's effective configs (Kafka's defaults for the index ones).</summary>
internal readonly record struct LogLimits(
    int SegmentBytes, long SegmentMs, long RetentionMs, long RetentionBytes,
    int IndexIntervalBytes = LogLimits.DefaultIndexIntervalBytes, int SegmentIndexBytes = LogLimits.DefaultSegmentIndexBytes)
{
    public const int DefaultIndexIntervalBytes = 4096;
    public const int DefaultSegmentIndexBytes = 10 * 1024 * 1024;

    /// <summary>Limits that never roll nor retain, with the default index settings.</summary>
    public static LogLimits Unbounded => new(int.MaxValue, long.MaxValue, -1, -1);
}

/// <summary>
/// The segmented log of one partition: append, read, offset/time lookups, log start offset, leader epoch cache,
/// roll by bytes/time and retention by time/bytes. In disk mode each segment is a <c>{baseOffset:D20}.log</c> file under
/// the partition directory and the log start offset is checkpointed; recovery truncates a torn or corrupt tail.
/// Not thread-safe: the cluster lock guards it.
/// </summary>
internal sealed partial class PartitionLog : IDisposable
{
    private const string LogStartCheckpoint = "log-start-offset";
    private readonly List<LogSegment> _segments = new();
    private readonly List<(int Epoch, long StartOffset)> _epochs = new();
    private readonly string? _dir;
    private readonly string _name;
    private readonly ILogger _logger;
    private LogLimits _limits;

    private PartitionLog(string name, string? dir, ILogger logger, in LogLimits limits)
    {
        _name = name;
        _dir = dir;
        _logger = logger;
        _limits = limits;
    }

    public long LogStartOffset { get; private set; }

    public long LogEndOffset => _segments[^1].NextOffset;

    public IReadOnlyList<LogSegment> Segments => _segments;

    public long SizeInBytes => _segments.Sum(s => (long)s.Length);

    /// <summary>
    /// Opens (and recovers) the log in <paramref name="dir"/>, or creates an in-memory log when it is null.
    /// <paramref name="limits"/> supplies the index settings for the segments it opens (Kafka's defaults when null).
    /// </summary>
    public static PartitionLog Open(string name, string? dir, long nowMs, ILogger logger, LogLimits? limits = null)
    {
        var log = new PartitionLog(name, dir, logger, limits ?? LogLimits.Unbounded);
        if (dir is null)
        {
            log._segments.Add(log.NewSegment(0, nowMs));
            return log;
        }
        Directory.CreateDirectory(dir);
        log.Recover(nowMs);
        return log;
    }

    /// <summary>Appends one batch (offsets already assigned), rolling first when the active segment is full or old.</summary>
    public void Append(ReadOnlySpan<byte> batch, in RecordBatchHeader header, in LogLimits limits, long nowMs)
    {
        _limits = limits;
        var active = _segments[^1];
        if (!active.IsEmpty && (active.Length + (long)batch.Length > limits.SegmentBytes || nowMs - active.CreatedMs >= limits.SegmentMs
            || active.MustRollFor(header.LastOffset)))
            active = Roll(nowMs);
        active.IndexIntervalBytes = limits.IndexIntervalBytes;
        active.Append(batch, header);
        active.LastModifiedMs = nowMs;
        active.MayHaveTombstones = true;
        if (header.PartitionLeaderEpoch >= 0 && (_epochs.Count == 0 || header.PartitionLeaderEpoch > _epochs[^1].Epoch))
            _epochs.Add((header.PartitionLeaderEpoch, header.BaseOffset));
    }

    /// <summary>Records that <paramref name="epoch"/> starts at the current log end (a new leader's first offset).</summary>
    public void AssignEpoch(int epoch)
    {
        if (_epochs.Count == 0 || epoch > _epochs[^1].Epoch) _epochs.Add((epoch, LogEndOffset));
    }

    /// <summary>
    /// Whole batches from the one containing <paramref name="offset"/>, within one segment, up to <paramref name="maxBytes"/>
    /// (at least one batch when <paramref name="minOneBatch"/>), below <paramref name="upperBound"/>. The position comes
    /// from the segment's offset index plus a short scan. No copy is made.
    /// </summary>
    public ReadOnlyMemory<byte> Read(long offset, int maxBytes, bool minOneBatch, long upperBound)
    {
        for (int s = FindSegment(offset); s < _segments.Count; s++)
        {
            var segment = _segments[s];
            int position = segment.PositionOf(offset);
            if (position < segment.Length) return segment.Read(position, maxBytes, minOneBatch, upperBound);
        }
        return ReadOnlyMemory<byte>.Empty;
    }

    /// <summary>Every stored batch from the one containing <paramref name="offset"/> on, in order (for lookups that look inside batches).</summary>
    public IEnumerable<ReadOnlyMemory<byte>> BatchesFrom(long offset)
    {
        for (int s = FindSegment(offset); s < _segments.Count; s++)
        {
            var segment = _segments[s];
            foreach (var batch in segment.Batches(segment.PositionOf(offset))) yield return batch;
        }
    }

    /// <summary>
    /// The first record at or after <paramref name="timestamp"/> (offset, timestamp, leader epoch), or null: Kafka's
    /// lookup through the first segment whose max timestamp reaches it, its time index, its offset index, then a scan.
    /// </summary>
    public (long Offset, long Timestamp, int Epoch)? FindByTimestamp(long timestamp)
    {
        foreach (var segment in _segments)
        {
            if (segment.MaxTimestamp < timestamp) continue;
            foreach (var batch in segment.Batches(segment.PositionForTimestamp(timestamp)))
            {
                var header = RecordBatchHeader.Read(batch.Span);
                if (header.MaxTimestamp < timestamp || header.LastOffset < LogStartOffset) continue;
                var found = FirstRecordAtOrAfter(batch, timestamp, LogStartOffset);
                if (found is { } hit) return (hit.Offset, hit.Timestamp, header.PartitionLeaderEpoch);
            }
        }
        return null;
    }

    /// <summary>The record with the largest timestamp (the earliest such record on ties), or null for an empty log.</summary>
    public (long Offset, long Timestamp, int Epoch)? FindMaxTimestamp()
    {
        (LogSegment Segment, long Timestamp, long Offset)? best = null;
        foreach (var segment in _segments)
        {
            var (timestamp, offset) = (segment.MaxTimestamp, segment.OffsetOfMaxTimestamp);
            if (offset < LogStartOffset && timestamp >= 0)
            {
                // The segment's max lies below the log start (DeleteRecords): look at what is left of it.
                (timestamp, offset) = (-1, -1);
                foreach (var batch in segment.Batches(segment.PositionOf(LogStartOffset)))
                {
                    var h = RecordBatchHeader.Read(batch.Span);
                    if (h.MaxTimestamp > timestamp) (timestamp, offset) = (h.MaxTimestamp, h.LastOffset);
                }
            }
            if (timestamp >= 0 && timestamp > (best?.Timestamp ?? -1)) best = (segment, timestamp, offset);
        }
        if (best is not { } b) return null;
        var bytes = b.Segment.BatchAt(b.Segment.PositionOf(b.Offset));
        var header = RecordBatchHeader.Read(bytes.Span);
        var hit = FirstRecordAtOrAfter(bytes, b.Timestamp, LogStartOffset);
        return hit is { } x ? (x.Offset, x.Timestamp, header.PartitionLeaderEpoch) : null;
    }

    /// <summary>The leader epoch of the batch holding <paramref name="offset"/>, or -1.</summary>
    public int EpochAt(long offset)
    {
        int epoch = -1;
        foreach (var (e, start) in _epochs)
        {
            if (start > offset) break;
            epoch = e;
        }
        return epoch;
    }

    /// <summary>Kafka's OffsetsForLeaderEpoch answer: the largest epoch not above <paramref name="requested"/> and its end offset.</summary>
    public (int Epoch, long EndOffset) EndOffsetForEpoch(int requested)
    {
        if (requested < 0 || _epochs.Count == 0) return (-1, -1);
        if (requested == _epochs[^1].Epoch) return (requested, LogEndOffset);
        int higher = _epochs.FindIndex(x => x.Epoch > requested);
        if (higher < 0) return (-1, -1);
        return higher == 0 ? (requested, _epochs[0].StartOffset) : (_epochs[higher - 1].Epoch, _epochs[higher].StartOffset);
    }

    /// <summary>Advances the log start offset (DeleteRecords) and drops segments wholly below it.</summary>
    public void AdvanceLogStart(long offset)
    {
        if (offset <= LogStartOffset) return;
        LogStartOffset = offset;
        while (_segments.Count > 1 && _segments[1].BaseOffset <= offset) DropFirstSegment();
        WriteCheckpoint();
    }

    /// <summary>Deletes whole segments past retention.ms or beyond retention.bytes, never the active one nor past <paramref name="highWatermark"/>.</summary>
    public int ApplyRetention(in LogLimits limits, long nowMs, long highWatermark)
    {
        int deleted = 0;
        long size = SizeInBytes;
        while (_segments.Count > 1)
        {
            var first = _segments[0];
            if (_segments[1].BaseOffset > highWatermark) break;
            bool byTime = limits.RetentionMs >= 0 && first.MaxTimestamp >= 0 && nowMs - first.MaxTimestamp > limits.RetentionMs;
            bool bySize = limits.RetentionBytes >= 0 && size - first.Length >= limits.RetentionBytes;
            if (!byTime && !bySize) break;
            size -= first.Length;
            DropFirstSegment();
            deleted++;
        }
        if (deleted > 0)
        {
            LogStartOffset = Math.Max(LogStartOffset, _segments[0].BaseOffset);
            WriteCheckpoint();
        }
        return deleted;
    }

    /// <summary>Deletes every file of this log (topic deletion).</summary>
    public void Delete()
    {
        foreach (var s in _segments) s.DeleteFile();
        if (_dir is not null && Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    public void Dispose()
    {
        foreach (var s in _segments) s.Dispose();
    }

    private LogSegment Roll(long nowMs)
    {
        long baseOffset = LogEndOffset;
        _segments[^1].OnBecomeInactive();
        var segment = NewSegment(baseOffset, nowMs);
        _segments.Add(segment);
        Log.SegmentRolled(_logger, _name, baseOffset);
        return segment;
    }

    private void DropFirstSegment()
    {
        var first = _segments[0];
        _segments.RemoveAt(0);
        first.DeleteFile();
        Log.SegmentDeleted(_logger, _name, first.BaseOffset);
        while (_epochs.Count > 1 && _epochs[1].StartOffset <= _segments[0].BaseOffset) _epochs.RemoveAt(0);
    }

    private int FindSegment(long offset)
    {
        int lo = 0, hi = _segments.Count - 1;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) >>> 1;
            if (_segments[mid].BaseOffset <= offset) lo = mid; else hi = mid - 1;
        }
        return lo;
    }

    private LogSegment NewSegment(long baseOffset, long nowMs) => new(baseOffset, nowMs, SegmentPath(baseOffset), _limits);

    private string? SegmentPath(long baseOffset) =>
        _dir is null ? null : System.IO.Path.Combine(_dir, baseOffset.ToString("D20", CultureInfo.InvariantCulture) + ".log");

    private void WriteCheckpoint()
    {
        if (_dir is null) return;
        string path = System.IO.Path.Combine(_dir, LogStartCheckpoint);
        File.WriteAllText(path + ".tmp", LogStartOffset.ToString(CultureInfo.InvariantCulture));
        File.Move(path + ".tmp", path, overwrite: true);
    }

    private static (long Offset, long Timestamp)? FirstRecordAtOrAfter(ReadOnlyMemory<byte> batch, long timestamp, long minOffset)
    {
        var header = RecordBatchHeader.Read(batch.Span);
        if (header.TimestampType == TimestampType.LogAppendTime)
            return header.MaxTimestamp >= timestamp ? (Math.Max(header.BaseOffset, minOffset), header.MaxTimestamp) : null;
        using var reader = new RecordBatchReader(batch, verifyCrc: false);
        if (!reader.MoveNextBatch()) return null;
        foreach (var record in reader.GetRecords())
            if (record.Offset >= minOffset && record.Timestamp >= timestamp) return (record.Offset, record.Timestamp);
        return null;
    }

    internal static long ReadBatchLength(ReadOnlySpan<byte> span) => BinaryPrimitives.ReadInt32BigEndian(span[8..]);
}
