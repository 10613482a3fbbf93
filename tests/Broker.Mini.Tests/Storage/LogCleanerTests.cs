using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Samsa.Broker.Mini.Storage;
using Samsa.Protocol.Compression;
using Samsa.Protocol.Records;

namespace Samsa.Broker.Mini.Tests.Storage;

/// <summary>The cleaner against a bare in-memory log: transactions, the LSO bound, compression and the lag settings.</summary>
public sealed class LogCleanerTests
{
    private static readonly LogLimits OneBatchPerSegment = new(1, long.MaxValue, -1, -1);
    private static readonly CleanerSettings Eager = new(0.0, 0, long.MaxValue, 86_400_000);
    private readonly PartitionLog _log = PartitionLog.Open("t-0", null, 0, NullLogger.Instance);
    private readonly ProducerStateTable _producers = new();

    [Fact]
    public void Clean_AbortedAndOpenTransactions_DropsAbortedDataAndNeverTouchesTheOpenTransaction()
    {
        Append(Batch(-1, false, ("k", "plain")));                 // 0
        Append(Batch(5, true, ("k", "aborted")));                 // 1: producer 5's transaction ...
        Marker(5, commit: false);                                  // 2: ... aborted
        Append(Batch(6, true, ("k", "open")));                     // 3: producer 6's transaction, still open
        Append(Batch(-1, false, ("j", "x")));                      // 4 (active segment)
        Assert.Equal(3, _producers.FirstUnstableOffset);

        LogCleaner.Clean(_log, _producers, Eager, lastStableOffset: 3, nowMs: 1000);
        // The aborted batch is emptied (kept: producer 5's last batch); "plain" is still the latest committed value.
        Assert.Equal([(0L, "k=plain"), (1L, ""), (2L, "marker"), (3L, "k=open"), (4L, "j=x")], Contents());

        Marker(6, commit: true);                                   // 5
        Append(Batch(-1, false, ("j", "y")));                      // 6 (active segment)
        LogCleaner.Clean(_log, _producers, Eager, lastStableOffset: _log.LogEndOffset, nowMs: 2000);
        // j=x stays: the newer j=y is in the active segment, which is never cleaned nor used to shadow.
        Assert.Equal([(1L, ""), (2L, "marker"), (3L, "k=open"), (4L, "j=x"), (5L, "marker"), (6L, "j=y")], Contents());
    }

    [Fact]
    public void Clean_CompressedBatch_RewrittenWithItsCodecAndOffsets()
    {
        Append(Batch(-1, false, CompressionType.Gzip, ("a", "1"), ("b", "2"), ("a", "3"), ("c", "4")));
        Append(Batch(-1, false, ("b", "5")));
        Append(Batch(-1, false, ("z", "active")));
        LogCleaner.Clean(_log, _producers, Eager, _log.LogEndOffset, 1000);
        var first = RecordBatchHeader.Read(_log.BatchesFrom(0).First().Span);
        Assert.Equal(CompressionType.Gzip, first.Compression);
        Assert.Equal((0L, 3), (first.BaseOffset, first.LastOffsetDelta));
        Assert.Equal([(2L, "a=3"), (3L, "c=4"), (4L, "b=5"), (5L, "z=active")], Contents());
    }

    [Fact]
    public void Clean_DirtyRatioAndMinCompactionLag_HoldCleaningBack()
    {
        for (int i = 0; i < 4; i++) Append(Batch(-1, false, ("k", $"v{i}")), timestamp: 1000);
        Append(Batch(-1, false, ("x", "active")), timestamp: 1000);
        var lagged = Eager with { MinCompactionLagMs = 10_000 };
        Assert.Equal(0, LogCleaner.Clean(_log, _producers, lagged, _log.LogEndOffset, nowMs: 5_000).SegmentsCleaned);
        Assert.Equal(3, LogCleaner.Clean(_log, _producers, lagged, _log.LogEndOffset, nowMs: 20_000).SegmentsCleaned);

        Append(Batch(-1, false, ("k", "v4")), timestamp: 1000);
        Append(Batch(-1, false, ("y", "active")), timestamp: 1000); // dirty now: x and v4, against the clean v3 (2/3)
        var strict = Eager with { MinCleanableDirtyRatio = 0.9 };
        Assert.Equal(0, LogCleaner.Clean(_log, _producers, strict, _log.LogEndOffset, nowMs: 30_000).SegmentsCleaned);
        Assert.True(LogCleaner.Clean(_log, _producers, Eager, _log.LogEndOffset, nowMs: 30_000).SegmentsCleaned > 0);
        Assert.Equal([(4L, "x=active"), (5L, "k=v4"), (6L, "y=active")], Contents());
    }

    private List<(long Offset, string Text)> Contents()
    {
        var result = new List<(long, string)>();
        foreach (var batch in _log.BatchesFrom(0))
        {
            var header = RecordBatchHeader.Read(batch.Span);
            if (header.IsControl)
            {
                result.Add((header.BaseOffset, "marker"));
                continue;
            }
            if (header.RecordCount == 0) result.Add((header.BaseOffset, ""));
            using var reader = new RecordBatchReader(batch);
            while (reader.MoveNextBatch())
                foreach (var r in reader.GetRecords())
                    result.Add((r.Offset, Encoding.UTF8.GetString(r.Key.Span) + "=" + Encoding.UTF8.GetString(r.Value.Span)));
        }
        return result;
    }

    private static byte[] Batch(long producerId, bool transactional, params (string Key, string Value)[] records) =>
        Batch(producerId, transactional, CompressionType.None, records);

    private static byte[] Batch(long producerId, bool transactional, CompressionType compression, params (string Key, string Value)[] records)
    {
        using var builder = new RecordBatchBuilder
        {
            ProducerId = producerId, ProducerEpoch = (short)(producerId >= 0 ? 0 : -1), BaseSequence = producerId >= 0 ? 0 : -1,
            IsTransactional = transactional, Compression = compression,
        };
        foreach (var (k, v) in records) builder.Append(1000, Encoding.UTF8.GetBytes(k), Encoding.UTF8.GetBytes(v));
        return builder.Build().ToArray();
    }

    private void Marker(long producerId, bool commit)
    {
        using var builder = new RecordBatchBuilder { ProducerId = producerId, ProducerEpoch = 0 };
        builder.AppendEndTransactionMarker(1000, commit ? ControlRecordType.Commit : ControlRecordType.Abort, 0);
        long offset = _log.LogEndOffset;
        Append(builder.Build().ToArray());
        _producers.CompleteTransaction(producerId, 0, offset, commit, 0, 1000);
    }

    private void Append(byte[] batch, long timestamp = 1000)
    {
        RecordBatchHeader.SetBaseOffset(batch, _log.LogEndOffset);
        var header = RecordBatchHeader.Read(batch);
        _log.Append(batch, header, OneBatchPerSegment, timestamp);
        if (!header.IsControl) _producers.Update(header, timestamp);
    }
}
