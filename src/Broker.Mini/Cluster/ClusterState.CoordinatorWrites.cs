using Samsa.Broker.Mini.Configs;

namespace Samsa.Broker.Mini.Cluster;

/// <summary>A coordinator record append that its response must wait for: done once the high watermark reaches <see cref="RequiredOffset"/>.</summary>
internal readonly record struct CoordinatorWrite(PartitionState Partition, int Leader, int LeaderEpoch, long RequiredOffset);

internal sealed partial class ClusterState
{
    /// <summary>The writes of the request being handled on this thread (see <see cref="TrackCoordinatorWrites"/>); null when none is tracked.</summary>
    [ThreadStatic]
    private static List<CoordinatorWrite>? t_trackedWrites;

    /// <summary>
    /// Appends coordinator records (<c>__consumer_offsets</c>, <c>__transaction_state</c>) as the partition leader and
    /// returns the write to wait for. Inside <see cref="TrackCoordinatorWrites"/> the write is also collected for the
    /// request's response. Coordinator timers (expiry, timeouts) append without anyone waiting.
    /// </summary>
    public CoordinatorWrite AppendCoordinatorRecords(PartitionState p, byte[] batch, long nowMs)
    {
        var header = AppendAsLeader(p, batch, nowMs);
        var write = new CoordinatorWrite(p, p.Leader, p.LeaderEpoch, header.LastOffset + 1);
        t_trackedWrites?.Add(write);
        return write;
    }

    /// <summary>
    /// Collects the coordinator writes a handler makes on this thread while the returned scope is open (open it and
    /// dispose it inside the same <c>lock (Sync)</c> region), so the response can wait for them as Kafka's coordinators
    /// wait for their acks=all appends.
    /// </summary>
    public static WriteScope TrackCoordinatorWrites()
    {
        var writes = new List<CoordinatorWrite>();
        t_trackedWrites = writes;
        return new WriteScope(writes);
    }

    /// <summary>The open collection of a handler's coordinator writes.</summary>
    public readonly struct WriteScope(List<CoordinatorWrite> writes) : IDisposable
    {
        public List<CoordinatorWrite> Writes { get; } = writes;

        public void Dispose() => t_trackedWrites = null;
    }

    /// <summary>How long group coordinator writes wait for replication (<c>offsets.commit.timeout.ms</c>).</summary>
    public int GroupWriteTimeoutMs => BrokerInt(BrokerConfigs.OffsetsCommitTimeoutMs);

    /// <summary>How long transaction coordinator writes wait for replication (the broker's <c>request.timeout.ms</c>).</summary>
    public int TransactionWriteTimeoutMs => BrokerInt(BrokerConfigs.RequestTimeoutMs);

    /// <summary>
    /// Waits (outside the lock, woken by replication) until the high watermark covers every write, and answers as
    /// Kafka's coordinators do for a failed append: NOT_COORDINATOR when leadership of the partition moved,
    /// COORDINATOR_NOT_AVAILABLE when the in-sync replicas did not catch up within <paramref name="timeoutMs"/> or the
    /// ISR shrank below <c>min.insync.replicas</c>.
    /// </summary>
    public async Task<ErrorCode> AwaitCoordinatorWritesAsync(IReadOnlyList<CoordinatorWrite> writes, int timeoutMs, CancellationToken cancellationToken)
    {
        if (writes.Count == 0) return ErrorCode.None;
        var deadline = Time.GetUtcNow().AddMilliseconds(Math.Max(timeoutMs, 0));
        while (true)
        {
            Task wake;
            lock (Sync)
            {
                var state = WriteState(writes);
                if (state != null) return state.Value;
                wake = DataArrived;
            }
            var remaining = deadline - Time.GetUtcNow();
            if (remaining <= TimeSpan.Zero) break;
            await Task.WhenAny(wake, Task.Delay(remaining, Time, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
        lock (Sync)
        {
            var state = WriteState(writes);
            if (state != null) return state.Value;
            Log.CoordinatorWriteTimedOut(Logger, writes[0].Partition.Name, timeoutMs);
            return ErrorCode.CoordinatorNotAvailable;
        }
    }

    /// <summary>Null while any write is still below the high watermark; otherwise its outcome (under the lock).</summary>
    private static ErrorCode? WriteState(IReadOnlyList<CoordinatorWrite> writes)
    {
        bool waiting = false;
        foreach (var w in writes)
        {
            var p = w.Partition;
            if (p.Leader != w.Leader || p.LeaderEpoch != w.LeaderEpoch) return ErrorCode.NotCoordinator;
            if (p.HighWatermark < w.RequiredOffset) waiting = true;
        }
        if (waiting) return null;
        foreach (var w in writes)
            if (w.Partition.Isr.Count < w.Partition.Topic.Config.MinInsyncReplicas) return ErrorCode.CoordinatorNotAvailable;
        return ErrorCode.None;
    }
}
