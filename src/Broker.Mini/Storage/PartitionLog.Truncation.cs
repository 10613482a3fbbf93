namespace Samsa.Broker.Mini.Storage;

internal sealed partial class PartitionLog
{
    /// <summary>The latest leader epoch in the epoch cache, or -1.</summary>
    public int LatestEpoch => _epochs.Count == 0 ? -1 : _epochs[^1].Epoch;

    /// <summary>
    /// Drops every batch whose base offset is at or after <paramref name="offset"/> (a follower reconciling a divergent
    /// tail with its leader): later segments are deleted, the one holding the offset is cut along with its index entries
    /// past the cut, and epochs past it forgotten.
    /// </summary>
    public void TruncateTo(long offset)
    {
        if (offset >= LogEndOffset) return;
        offset = Math.Max(offset, LogStartOffset);
        while (_segments.Count > 1 && _segments[^1].BaseOffset >= offset)
        {
            var last = _segments[^1];
            _segments.RemoveAt(_segments.Count - 1);
            last.DeleteFile();
        }
        _segments[^1].TruncateFrom(offset);
        _epochs.RemoveAll(e => e.StartOffset >= LogEndOffset);
        Log.LogTruncated(_logger, _name, LogEndOffset);
    }

    /// <summary>Discards the whole log and restarts it empty at <paramref name="offset"/> (a follower behind its leader's log start).</summary>
    public void ResetTo(long offset, long nowMs)
    {
        foreach (var s in _segments) s.DeleteFile();
        _segments.Clear();
        _epochs.Clear();
        _segments.Add(NewSegment(offset, nowMs));
        LogStartOffset = offset;
        WriteCheckpoint();
        Log.LogTruncated(_logger, _name, offset);
    }
}
