using System.Globalization;
using Samsa.Protocol;
using Samsa.Protocol.Records;

namespace Samsa.Broker.Mini.Storage;

internal sealed partial class PartitionLog
{
    /// <summary>How many segments' index files recovery rebuilt from the log (missing, short or inconsistent ones).</summary>
    public int IndexesRebuilt { get; private set; }

    /// <summary>
    /// Loads every segment file in order, validating each batch's framing, magic and CRC. The first bad or torn batch
    /// ends the log: its file is truncated there and later segment files are deleted, as Kafka's recovery does.
    /// </summary>
    private void Recover(long nowMs)
    {
        var files = Directory.GetFiles(_dir!, "*.log")
            .Select(p => (Path: p, Base: long.TryParse(System.IO.Path.GetFileNameWithoutExtension(p), NumberStyles.None, CultureInfo.InvariantCulture, out long b) ? b : -1))
            .Where(f => f.Base >= 0)
            .OrderBy(f => f.Base)
            .ToList();
        // A cleaned copy that never replaced its segment (a crash during cleaning) is discarded; the original is intact.
        foreach (string leftover in Directory.GetFiles(_dir!, "*" + CleanedSuffix)) File.Delete(leftover);
        // Index files whose segment is gone (Kafka deletes them too).
        foreach (string index in Directory.GetFiles(_dir!, "*.*index"))
            if (!File.Exists(System.IO.Path.ChangeExtension(index, ".log"))) File.Delete(index);
        bool torn = false;
        foreach (var (path, baseOffset) in files)
        {
            if (torn)
            {
                File.Delete(path);
                continue;
            }
            byte[] bytes = File.ReadAllBytes(path);
            var segment = new LogSegment(baseOffset, nowMs, path, _limits, bytes.Length, recovering: true)
            {
                LastModifiedMs = new DateTimeOffset(File.GetLastWriteTimeUtc(path)).ToUnixTimeMilliseconds(),
            };
            int position = 0;
            while (position < bytes.Length)
            {
                int size = ValidBatchSize(bytes.AsSpan(position));
                if (size < 0)
                {
                    torn = true;
                    break;
                }
                var span = bytes.AsSpan(position, size);
                var header = RecordBatchHeader.Read(span);
                segment.Append(span, header, writeFile: false);
                if (header.PartitionLeaderEpoch >= 0 && (_epochs.Count == 0 || header.PartitionLeaderEpoch > _epochs[^1].Epoch))
                    _epochs.Add((header.PartitionLeaderEpoch, header.BaseOffset));
                position += size;
            }
            if (torn)
            {
                segment.TruncateFile(position);
                Log.TruncatedTail(_logger, path, position);
            }
            if (segment.IsEmpty && _segments.Count > 0)
            {
                segment.DeleteFile();
                continue;
            }
            _segments.Add(segment);
        }
        if (_segments.Count == 0) _segments.Add(NewSegment(0, nowMs));
        for (int i = 0; i < _segments.Count; i++)
        {
            var segment = _segments[i];
            if (segment.FinishRecovery(active: i == _segments.Count - 1) is not { } reason) continue;
            IndexesRebuilt++;
            Log.IndexRebuilt(_logger, segment.Path!, reason);
        }
        LogStartOffset = _segments[0].BaseOffset;
        string checkpoint = System.IO.Path.Combine(_dir!, LogStartCheckpoint);
        if (File.Exists(checkpoint) && long.TryParse(File.ReadAllText(checkpoint), NumberStyles.Integer, CultureInfo.InvariantCulture, out long saved))
            LogStartOffset = Math.Clamp(saved, LogStartOffset, LogEndOffset);
    }

    /// <summary>The size of the valid v2 batch at the start of <paramref name="span"/>, or -1 when it is torn or corrupt.</summary>
    internal static int ValidBatchSize(ReadOnlySpan<byte> span)
    {
        if (span.Length < RecordBatchHeader.Size) return -1;
        long length = ReadBatchLength(span);
        if (length < RecordBatchHeader.Size - RecordBatchHeader.LogOverhead || length > span.Length - RecordBatchHeader.LogOverhead) return -1;
        int size = (int)length + RecordBatchHeader.LogOverhead;
        var batch = span[..size];
        try
        {
            var header = RecordBatchHeader.Read(batch);
            if (header.Magic != RecordBatchHeader.CurrentMagic || !RecordBatchHeader.IsCrcValid(batch)) return -1;
        }
        catch (KafkaProtocolException)
        {
            return -1;
        }
        return size;
    }
}
