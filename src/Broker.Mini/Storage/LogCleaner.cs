using Samsa.Protocol.Records;

namespace Samsa.Broker.Mini.Storage;

/// <summary>A compacted topic's cleaner settings, from its effective configs.</summary>
internal readonly record struct CleanerSettings(double MinCleanableDirtyRatio, long MinCompactionLagMs, long MaxCompactionLagMs, long DeleteRetentionMs);

/// <summary>What one cleaning pass did (for logs and tests).</summary>
internal readonly record struct CleanerResult(int SegmentsCleaned, int RecordsRemoved, long CleanableEnd)
{
    public static CleanerResult None => new(0, 0, -1);
}

/// <summary>
/// Kafka's log cleaner for <c>cleanup.policy=compact</c>, one partition per call, run under the cluster lock.
/// <list type="bullet">
/// <item>Only closed segments are cleaned, and only up to the first segment that still holds the last stable offset
/// (open transactions are never compacted) or records younger than <c>min.compaction.lag.ms</c>.</item>
/// <item>A pass runs when the dirty share (bytes past the cleaner checkpoint) reaches <c>min.cleanable.dirty.ratio</c>,
/// when the oldest dirty record is older than <c>max.compaction.lag.ms</c>, or when a cleaned segment may hold
/// tombstones that are due for removal.</item>
/// <item>The offset map (key → last offset) covers the whole cleanable range; a keyed record survives only as the
/// latest of its key. Offsets never change (gaps appear, as in Kafka). Records of aborted transactions are dropped;
/// transaction markers and keyless records are kept.</item>
/// <item>A tombstone that is the latest of its key is removed once its segment was last written more than
/// <c>delete.retention.ms</c> ago (Kafka's pre-KIP-534 delete horizon, measured from now).</item>
/// <item>A batch whose records all go is dropped, except a producer's last batch, kept empty to preserve its sequence.</item>
/// </list>
/// </summary>
internal static class LogCleaner
{
    /// <summary>Cleans <paramref name="log"/> if it is due; <paramref name="lastStableOffset"/> bounds the cleanable range.</summary>
    public static CleanerResult Clean(PartitionLog log, ProducerStateTable producers, in CleanerSettings settings, long lastStableOffset, long nowMs)
    {
        var segments = log.Segments;
        int cleanable = CountCleanable(segments, settings, lastStableOffset, nowMs);
        if (cleanable == 0) return CleanerResult.None;
        long cleanableEnd = segments[cleanable].BaseOffset;
        if (!IsDue(log, segments, cleanable, settings, nowMs)) return CleanerResult.None;

        var aborted = producers.AbortedBetween(log.LogStartOffset, cleanableEnd);
        var latest = new Dictionary<byte[], long>(ByteArrayComparer.Instance);
        var latestLookup = latest.GetAlternateLookup<ReadOnlySpan<byte>>();
        var lastBatchOf = new Dictionary<long, long>();
        for (int s = 0; s < segments.Count; s++)
        {
            foreach (var bytes in segments[s].Batches())
            {
                var header = RecordBatchHeader.Read(bytes.Span);
                if (header.ProducerId >= 0 && !header.IsControl) lastBatchOf[header.ProducerId] = header.BaseOffset;
                if (s >= cleanable || header.IsControl || IsAborted(header, aborted)) continue;
                BatchFilter.ForEach(bytes, (in CleanerRecord r) =>
                {
                    if (!r.KeyIsNull) latestLookup[r.Key] = r.Offset;
                    return true;
                });
            }
        }

        int cleaned = 0, removed = 0;
        var lookup = latestLookup;
        foreach (var segment in segments.Take(cleanable).ToList())
        {
            bool tombstonesExpire = nowMs - segment.LastModifiedMs > settings.DeleteRetentionMs;
            bool retainedTombstone = false;
            int dropped = 0;
            var kept = new List<ReadOnlyMemory<byte>>();
            foreach (var bytes in segment.Batches())
            {
                var header = RecordBatchHeader.Read(bytes.Span);
                if (header.IsControl)
                {
                    kept.Add(bytes);
                    continue;
                }
                bool abortedBatch = IsAborted(header, aborted);
                bool keepEmpty = header.ProducerId >= 0 && lastBatchOf.TryGetValue(header.ProducerId, out long last) && last == header.BaseOffset;
                var result = BatchFilter.Filter(bytes, (in CleanerRecord r) =>
                {
                    bool keep = !abortedBatch && (r.KeyIsNull
                        || (lookup.TryGetValue(r.Key, out long newest) && newest == r.Offset && !(r.IsTombstone && tombstonesExpire)));
                    if (keep && r.IsTombstone) retainedTombstone = true;
                    if (!keep) dropped++;
                    return keep;
                }, keepEmpty);
                if (result.Length > 0) kept.Add(result);
            }
            if (dropped > 0)
            {
                log.ReplaceSegment(IndexOf(log.Segments, segment), kept, retainedTombstone);
                cleaned++;
                removed += dropped;
            }
            else
            {
                segment.MayHaveTombstones = retainedTombstone;
            }
        }
        log.CleanerCheckpoint = cleanableEnd;
        return new CleanerResult(cleaned, removed, cleanableEnd);
    }

    /// <summary>How many leading segments may be cleaned: closed, wholly below the LSO, and older than the minimum lag.</summary>
    private static int CountCleanable(IReadOnlyList<LogSegment> segments, in CleanerSettings settings, long lastStableOffset, long nowMs)
    {
        int n = 0;
        while (n < segments.Count - 1)
        {
            var segment = segments[n];
            if (segments[n + 1].BaseOffset > lastStableOffset) break;
            if (settings.MinCompactionLagMs > 0 && !segment.IsEmpty && segment.MaxTimestamp > nowMs - settings.MinCompactionLagMs) break;
            n++;
        }
        return n;
    }

    private static bool IsDue(PartitionLog log, IReadOnlyList<LogSegment> segments, int cleanable, in CleanerSettings settings, long nowMs)
    {
        long firstDirty = Math.Max(log.CleanerCheckpoint, log.LogStartOffset);
        long dirty = 0, total = 0;
        long oldestDirty = long.MaxValue;
        bool tombstonesDue = false;
        for (int s = 0; s < cleanable; s++)
        {
            var segment = segments[s];
            total += segment.Length;
            if (segments[s + 1].BaseOffset > firstDirty)
            {
                dirty += segment.Length;
                if (!segment.IsEmpty) oldestDirty = Math.Min(oldestDirty, segment.FirstBatchMaxTimestamp);
            }
            else if (segment.MayHaveTombstones && nowMs - segment.LastModifiedMs > settings.DeleteRetentionMs)
            {
                tombstonesDue = true;
            }
        }
        if (total == 0) return false;
        if (dirty > 0 && (double)dirty / total >= settings.MinCleanableDirtyRatio) return true;
        if (dirty > 0 && settings.MaxCompactionLagMs < long.MaxValue && oldestDirty < nowMs - settings.MaxCompactionLagMs) return true;
        return tombstonesDue;
    }

    private static int IndexOf(IReadOnlyList<LogSegment> segments, LogSegment segment)
    {
        for (int i = 0; i < segments.Count; i++)
            if (ReferenceEquals(segments[i], segment)) return i;
        throw new InvalidOperationException("The segment being cleaned left the log.");
    }

    private static bool IsAborted(in RecordBatchHeader header, List<AbortedTxn> aborted)
    {
        if (!header.IsTransactional || header.IsControl) return false;
        foreach (var a in aborted)
            if (a.ProducerId == header.ProducerId && header.BaseOffset >= a.FirstOffset && header.BaseOffset < a.LastOffset) return true;
        return false;
    }

    /// <summary>Compares keys by content, and lets the offset map be probed with a span (no copy per record).</summary>
    private sealed class ByteArrayComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
    {
        public static readonly ByteArrayComparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj) => GetHashCode((ReadOnlySpan<byte>)obj);

        public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

        public int GetHashCode(ReadOnlySpan<byte> alternate)
        {
            var hash = new HashCode();
            hash.AddBytes(alternate);
            return hash.ToHashCode();
        }

        public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();
    }
}
