using System.Buffers.Binary;

namespace Samsa.Broker.Mini.Storage;

internal sealed partial class LogSegment
{
    /// <summary>
    /// Ends recovery of a segment loaded with <c>recovering: true</c>: the <c>.index</c> and <c>.timeindex</c> files are
    /// checked against the recovered batches and adopted when sound; when missing, short or inconsistent (a kill -9
    /// between a log write and its index write, a torn tail, a damaged file) both are rebuilt from the log, as Kafka's
    /// recovery does. Returns why they were rebuilt, or null when the files were adopted.
    /// </summary>
    public string? FinishRecovery(bool active)
    {
        if (Path is null) return null;
        byte[]? offsets = _offsetIndex.ReadFileEntries();
        byte[]? times = _timeIndex.ReadFileEntries();
        string? problem = offsets is null || times is null ? "missing"
            : CheckOffsetIndex(offsets) ?? CheckTimeIndex(times, offsets);
        if (problem is null)
        {
            _offsetIndex.Load(offsets);
            _timeIndex.Load(times);
            _offsetIndex.OpenFile(active);
            _timeIndex.OpenFile(active);
            return null;
        }
        // Rebuilt in memory while loading; a closed segment also gets the time entry Kafka adds when it rolls.
        if (!active) _timeIndex.MaybeAppend(MaxTimestamp, OffsetOfMaxTimestamp);
        _offsetIndex.CreateFile(active);
        _timeIndex.CreateFile(active);
        return problem;
    }

    /// <summary>
    /// Kafka's offset index sanity check, made exact: entries strictly increase, each points at a batch boundary and
    /// names that batch's last offset, and no more than index.interval.bytes lie between the last entry and the last batch.
    /// </summary>
    private string? CheckOffsetIndex(ReadOnlySpan<byte> entries)
    {
        if (entries.Length % 8 != 0) return "offset index length is not a multiple of 8";
        int batch = 0, lastPosition = 0;
        long lastRelative = -1;
        for (int i = 0; i < entries.Length; i += 8)
        {
            int relative = BinaryPrimitives.ReadInt32BigEndian(entries[i..]);
            int position = BinaryPrimitives.ReadInt32BigEndian(entries[(i + 4)..]);
            if (relative <= lastRelative || position <= lastPosition || position >= Length)
                return $"offset index entry {i / 8} is out of order or past the log";
            while (batch < position) batch += SizeAt(batch);
            if (batch != position || LastOffsetAt(position) != BaseOffset + relative)
                return $"offset index entry {i / 8} does not point at its batch";
            lastRelative = relative;
            lastPosition = position;
        }
        int lastBatch = LastBatchPosition();
        if (lastBatch - lastPosition > IndexIntervalBytes) return "offset index is short";
        return null;
    }

    /// <summary>
    /// Each time index entry must be the running max timestamp at the end of the batch whose last offset it names (so
    /// every record up to that offset is no newer), timestamps strictly increase, and the last entry is no older than
    /// the running max at the last offset index entry (where Kafka appends one).
    /// </summary>
    private string? CheckTimeIndex(ReadOnlySpan<byte> entries, ReadOnlySpan<byte> offsetEntries)
    {
        if (entries.Length % 12 != 0) return "time index length is not a multiple of 12";
        int batch = 0;
        long runningMax = -1, lastTimestamp = -1;
        for (int i = 0; i < entries.Length; i += 12)
        {
            long timestamp = BinaryPrimitives.ReadInt64BigEndian(entries[i..]);
            long offset = BaseOffset + BinaryPrimitives.ReadInt32BigEndian(entries[(i + 8)..]);
            if (timestamp <= lastTimestamp || offset < BaseOffset || offset >= NextOffset)
                return $"time index entry {i / 12} is out of order or past the log";
            while (batch < Length && LastOffsetAt(batch) < offset)
            {
                runningMax = Math.Max(runningMax, MaxTimestampAt(batch));
                batch += SizeAt(batch);
            }
            if (batch >= Length || LastOffsetAt(batch) != offset || Math.Max(runningMax, MaxTimestampAt(batch)) != timestamp)
                return $"time index entry {i / 12} does not match its batch";
            lastTimestamp = timestamp;
        }
        if (offsetEntries.Length > 0)
        {
            int lastIndexed = BinaryPrimitives.ReadInt32BigEndian(offsetEntries[^4..]);
            long maxThere = -1;
            for (int p = 0; p <= lastIndexed; p += SizeAt(p)) maxThere = Math.Max(maxThere, MaxTimestampAt(p));
            if (maxThere > lastTimestamp) return "time index is short";
        }
        return null;
    }

    private int LastBatchPosition()
    {
        int last = 0;
        for (int p = 0; p < Length; p += SizeAt(p)) last = p;
        return last;
    }
}
