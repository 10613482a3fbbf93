namespace Samsa.Broker.Mini.Storage;

internal sealed partial class PartitionLog
{
    private const string CleanedSuffix = ".cleaned";

    /// <summary>
    /// The cleaner's checkpoint: offsets below it have been compacted at least once (Kafka's cleaner-offset-checkpoint).
    /// In memory only, so after a restart the whole log counts as dirty once.
    /// </summary>
    public long CleanerCheckpoint { get; set; }

    /// <summary>
    /// Swaps segment <paramref name="index"/> (never the active one) for one holding <paramref name="batches"/>, which
    /// keep their offsets. In disk mode the new contents are written beside the old file and renamed over it, so a
    /// crash leaves either the old or the new segment. An emptied segment is dropped unless it is the first.
    /// Slices handed out earlier stay valid: they point at the old segment's buffer.
    /// </summary>
    public void ReplaceSegment(int index, IReadOnlyList<ReadOnlyMemory<byte>> batches, bool mayHaveTombstones)
    {
        if (index < 0 || index >= _segments.Count - 1) throw new ArgumentOutOfRangeException(nameof(index), index, "Only closed segments are cleaned.");
        var old = _segments[index];
        if (batches.Count == 0 && index > 0)
        {
            _segments.RemoveAt(index);
            old.DeleteFile();
            return;
        }
        int size = batches.Sum(b => b.Length);
        if (old.Path is { } path)
        {
            using (var file = new FileStream(path + CleanedSuffix, FileMode.Create, FileAccess.Write, FileShare.None, 1))
            {
                foreach (var batch in batches) file.Write(batch.Span);
                file.Flush(flushToDisk: true);
            }
            old.Dispose();
            File.Move(path + CleanedSuffix, path, overwrite: true);
        }
        var cleaned = new LogSegment(old.BaseOffset, old.CreatedMs, old.Path, _limits, size)
        {
            LastModifiedMs = old.LastModifiedMs,
            MayHaveTombstones = mayHaveTombstones,
        };
        foreach (var batch in batches)
            cleaned.Append(batch.Span, Protocol.Records.RecordBatchHeader.Read(batch.Span), writeFile: false);
        cleaned.OnBecomeInactive();
        _segments[index] = cleaned;
        if (old.Path is null) old.Dispose();
    }
}
