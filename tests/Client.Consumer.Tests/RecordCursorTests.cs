using System.Text;
using Samsa.Consumer.Internal;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Records;

namespace Samsa.Consumer.Tests;

/// <summary>read_committed filtering and position handling of <see cref="RecordCursor"/> over hand-built record sets.</summary>
public sealed class RecordCursorTests
{
    [Fact]
    public void TryNext_ReadCommitted_SkipsAbortedBatchesAndControlMarkers()
    {
        // offsets 0-1: producer 7 (aborted), 2-3: producer 8 (committed), 4: abort marker for 7, 5: commit marker for 8, 6: plain
        var records = Concat(
            Batch(0, 7, transactional: true, "a0", "a1"),
            Batch(2, 8, transactional: true, "c0", "c1"),
            Marker(4, 7, ControlRecordType.Abort),
            Marker(5, 8, ControlRecordType.Commit),
            Batch(6, -1, transactional: false, "p0"));
        var aborted = new List<FetchResponse.AbortedTransaction> { new() { ProducerId = 7, FirstOffset = 0 } };
        var values = Read(records, aborted, out long position);
        Assert.Equal(["c0", "c1", "p0"], values);
        Assert.Equal(7, position);
    }

    [Fact]
    public void TryNext_ReadUncommitted_ReturnsEverythingButMarkers()
    {
        var records = Concat(Batch(0, 7, transactional: true, "a0", "a1"), Marker(2, 7, ControlRecordType.Abort), Batch(3, -1, false, "p0"));
        Assert.Equal(["a0", "a1", "p0"], Read(records, null, out long position));
        Assert.Equal(4, position);
    }

    [Fact]
    public void TryNext_StartsAtFetchOffsetInsideABatch_AndSkipsEarlierRecords()
    {
        var records = Batch(10, -1, false, "r10", "r11", "r12");
        Assert.Equal(["r12"], Read(records, null, out long position, fetchOffset: 12));
        Assert.Equal(13, position);
    }

    private static List<string> Read(ReadOnlyMemory<byte> records, List<FetchResponse.AbortedTransaction>? aborted, out long position, long fetchOffset = 0)
    {
        using var cursor = new RecordCursor(checkCrcs: true);
        var state = new PartitionState(new TopicPartition("t", 0));
        cursor.Start(new CompletedFetch(state, 0, fetchOffset, records, aborted, null));
        var values = new List<string>();
        while (cursor.TryNext(out var view)) values.Add(Encoding.UTF8.GetString(view.Value.Span));
        position = cursor.Position;
        return values;
    }

    private static byte[] Batch(long baseOffset, long producerId, bool transactional, params string[] values)
    {
        using var builder = new RecordBatchBuilder { BaseOffset = baseOffset, ProducerId = producerId, ProducerEpoch = 0, BaseSequence = 0, IsTransactional = transactional };
        foreach (var v in values) builder.Append(1_000, null, Encoding.UTF8.GetBytes(v));
        return builder.Build().ToArray();
    }

    private static byte[] Marker(long offset, long producerId, ControlRecordType type)
    {
        using var builder = new RecordBatchBuilder { BaseOffset = offset, ProducerId = producerId, ProducerEpoch = 0, IsTransactional = true, IsControl = true };
        builder.AppendEndTransactionMarker(1_000, type, 0);
        return builder.Build().ToArray();
    }

    private static ReadOnlyMemory<byte> Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();
}
