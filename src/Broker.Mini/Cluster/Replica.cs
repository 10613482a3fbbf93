using Samsa.Broker.Mini.Storage;
using Samsa.Protocol.Records;

namespace Samsa.Broker.Mini.Cluster;

/// <summary>
/// One broker's copy of a partition: its own log and the producer state (sequences, open transactions, aborted index)
/// derived from that log. Leader and followers apply batches through the same <see cref="Apply"/>, so every replica
/// holds the same bytes at the same offsets and equivalent producer state. Guarded by the cluster lock.
/// </summary>
internal sealed class Replica(int brokerId, PartitionLog log)
{
    public int BrokerId { get; } = brokerId;

    public PartitionLog Log { get; } = log;

    public ProducerStateTable Producers { get; private set; } = new();

    public long LogEndOffset => Log.LogEndOffset;

    /// <summary>When this follower last had everything the leader had (Kafka's lastCaughtUpTimeMs), for ISR expiry.</summary>
    public long LastCaughtUpMs { get; set; }

    /// <summary>Set when leadership changes or the broker restarts: the follower must reconcile its tail before copying.</summary>
    public bool NeedsTruncation { get; set; }

    /// <summary>Appends one stored batch (offsets and leader epoch already assigned) and updates the producer state from it.</summary>
    public RecordBatchHeader Apply(ReadOnlyMemory<byte> batch, in LogLimits limits, long nowMs)
    {
        var header = RecordBatchHeader.Read(batch.Span);
        Log.Append(batch.Span, header, limits, nowMs);
        Producers.Replay(batch);
        return header;
    }

    /// <summary>Rebuilds the producer state by replaying the whole log (recovery and truncation).</summary>
    public void RebuildProducerState()
    {
        Producers = new ProducerStateTable();
        foreach (var batch in Log.BatchesFrom(Log.LogStartOffset)) Producers.Replay(batch);
    }

    /// <summary>Drops every batch at or after <paramref name="offset"/> and rebuilds the producer state.</summary>
    public void TruncateTo(long offset)
    {
        if (offset >= Log.LogEndOffset) return;
        Log.TruncateTo(offset);
        RebuildProducerState();
    }
}
