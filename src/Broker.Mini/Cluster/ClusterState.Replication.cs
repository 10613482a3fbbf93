using Samsa.Broker.Mini.Configs;
using Samsa.Broker.Mini.Storage;
using Samsa.Protocol.Records;

namespace Samsa.Broker.Mini.Cluster;

/// <summary>
/// Replication: the one append path (<see cref="AppendAsLeader"/>), follower catch-up (<see cref="Replicate"/>, run by
/// each broker's <see cref="ReplicaFetcher"/>), the high watermark, ISR shrink and expansion, and leader
/// election when brokers stop and start. Everything here runs under <see cref="Sync"/>.
/// </summary>
internal sealed partial class ClusterState
{
    /// <summary>Most bytes a follower copies per partition in one pass, so one busy partition cannot hog the lock.</summary>
    private const int ReplicaFetchMaxBytes = 1 << 20;

    /// <summary><c>replica.lag.time.max.ms</c>: how long a follower may stay behind before it leaves the ISR.</summary>
    public long ReplicaLagTimeMaxMs => long.Parse(BrokerConfig(Math.Max(ControllerId, 0), BrokerConfigs.ReplicaLagTimeMaxMs).Value!, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Appends one batch to the leader's replica: assigns its base offset and the leader epoch, applies it (log and
    /// producer state) and advances the high watermark if the leader is the only in-sync replica. The caller signals
    /// <see cref="DataArrived"/> (followers and fetches wake on it).
    /// </summary>
    public RecordBatchHeader AppendAsLeader(PartitionState p, Memory<byte> batch, long nowMs)
    {
        RecordBatchHeader.SetBaseOffset(batch.Span, p.Log.LogEndOffset);
        RecordBatchHeader.SetPartitionLeaderEpoch(batch.Span, p.LeaderEpoch);
        var header = p.LeaderReplica.Apply(batch, p.Topic.Config.Limits, nowMs);
        UpdateHighWatermark(p);
        return header;
    }

    /// <summary>Recomputes the high watermark as the minimum log end offset across the ISR (live or not); true when it moved.</summary>
    public bool UpdateHighWatermark(PartitionState p)
    {
        long hw = p.LeaderReplica.LogEndOffset;
        foreach (int r in p.Isr)
            if (p.ReplicaStates.TryGetValue(r, out var replica)) hw = Math.Min(hw, replica.LogEndOffset);
        hw = Math.Max(hw, p.Log.LogStartOffset);
        if (hw == p.HighWatermark) return false;
        p.HighWatermark = hw;
        return true;
    }

    /// <summary>
    /// One catch-up pass for every live follower replica on <paramref name="brokerId"/>: reconcile a divergent tail,
    /// copy batches past its log end from the leader, join the ISR once caught up to the high watermark, and advance
    /// the high watermark. Returns true when anything was copied or changed (the caller then loops without waiting).
    /// </summary>
    public bool Replicate(int brokerId)
    {
        var broker = Brokers[brokerId];
        if (!broker.IsAlive || broker.ReplicationPaused) return false;
        bool progress = false, signal = false, save = false;
        long now = NowMs;
        foreach (var topic in Topics.Values)
        {
            foreach (var p in topic.Partitions)
            {
                if (p.Leader < 0 || p.Leader == brokerId || !Brokers[p.Leader].IsAlive || !p.ReplicaStates.TryGetValue(brokerId, out var follower)) continue;
                var leader = p.LeaderReplica;
                if (follower.NeedsTruncation)
                {
                    Reconcile(p, follower, leader, now);
                    follower.NeedsTruncation = false;
                    progress = true;
                }
                if (follower.LogEndOffset < leader.LogEndOffset)
                {
                    var limits = topic.Config.Limits;
                    int copied = 0;
                    foreach (var batch in leader.Log.BatchesFrom(follower.LogEndOffset))
                    {
                        long baseOffset = RecordBatchHeader.Read(batch.Span).BaseOffset;
                        if (baseOffset < follower.LogEndOffset) follower.TruncateTo(baseOffset);
                        follower.Apply(batch, limits, now);
                        copied += batch.Length;
                        if (copied >= ReplicaFetchMaxBytes) break;
                    }
                    progress = true;
                }
                if (follower.Log.LogStartOffset < leader.Log.LogStartOffset) follower.Log.AdvanceLogStart(Math.Min(leader.Log.LogStartOffset, follower.LogEndOffset));
                if (follower.LogEndOffset >= leader.LogEndOffset) follower.LastCaughtUpMs = now;
                if (!p.Isr.Contains(brokerId) && follower.LogEndOffset >= p.HighWatermark && follower.LogEndOffset >= leader.LogEndOffset)
                {
                    p.Isr.Add(brokerId);
                    Log.IsrChanged(Logger, p.Name, string.Join(",", p.Isr));
                    save = signal = progress = true;
                }
                if (UpdateHighWatermark(p)) signal = true;
            }
        }
        if (save) SaveMetadata();
        if (signal) SignalDataArrived();
        return progress;
    }

    /// <summary>
    /// Removes from each ISR the followers that have not caught up with their leader for longer than
    /// <c>replica.lag.time.max.ms</c> (Kafka's isr-expiration task). Caught-up live followers refresh their clock here, so
    /// an idle partition never shrinks.
    /// </summary>
    public void ExpireIsr()
    {
        long now = NowMs, maxLag = ReplicaLagTimeMaxMs;
        bool changed = false;
        foreach (var p in Topics.Values.SelectMany(t => t.Partitions))
        {
            if (p.Leader < 0 || !Brokers[p.Leader].IsAlive) continue;
            var leader = p.LeaderReplica;
            foreach (int r in p.Isr.ToArray())
            {
                if (r == p.Leader || !p.ReplicaStates.TryGetValue(r, out var follower)) continue;
                if (follower.LogEndOffset >= leader.LogEndOffset && !Brokers[r].ReplicationPaused && Brokers[r].IsAlive)
                {
                    follower.LastCaughtUpMs = now;
                    continue;
                }
                if (now - follower.LastCaughtUpMs <= maxLag) continue;
                p.Isr.Remove(r);
                Log.IsrChanged(Logger, p.Name, string.Join(",", p.Isr));
                UpdateHighWatermark(p);
                changed = true;
            }
        }
        if (!changed) return;
        SaveMetadata();
        SignalDataArrived();
    }

    /// <summary>
    /// Marks a broker stopped: its replicas stop, it leaves every ISR, and its leaderships move to a live in-sync
    /// replica (or, with <c>unclean.leader.election.enable</c>, to any live replica) with a leader-epoch bump. As in
    /// Kafka, the last in-sync replica stays in the ISR when it goes down and the partition goes offline.
    /// </summary>
    public void OnBrokerStopped(int brokerId)
    {
        Brokers[brokerId].IsAlive = false;
        foreach (var p in Topics.Values.SelectMany(t => t.Partitions))
        {
            if (!p.ReplicaStates.ContainsKey(brokerId)) continue;
            if (p.Leader != brokerId)
            {
                if (p.Isr.Remove(brokerId)) UpdateHighWatermark(p);
                continue;
            }
            Elect(p, excluded: brokerId);
        }
        SaveMetadata();
        SignalDataArrived();
    }

    /// <summary>
    /// Marks a broker started: its replicas reconcile with their leaders and rejoin the ISR once caught up. A
    /// leaderless partition gets it as leader if it is the last in-sync replica (or any replica, when unclean
    /// election is enabled).
    /// </summary>
    public void OnBrokerStarted(int brokerId)
    {
        Brokers[brokerId].IsAlive = true;
        long now = NowMs;
        foreach (var p in Topics.Values.SelectMany(t => t.Partitions))
        {
            if (!p.ReplicaStates.TryGetValue(brokerId, out var replica)) continue;
            replica.NeedsTruncation = true;
            replica.LastCaughtUpMs = now;
            if (p.Leader >= 0 && Brokers[p.Leader].IsAlive) continue;
            Elect(p, excluded: -1);
        }
        SaveMetadata();
        SignalDataArrived();
    }

    /// <summary>Picks a new leader among live replicas other than <paramref name="excluded"/>; clean first, unclean only when allowed.</summary>
    private void Elect(PartitionState p, int excluded)
    {
        int next = p.Isr.FirstOrDefault(r => r != excluded && Brokers[r].IsAlive, -1);
        if (next >= 0)
        {
            if (excluded >= 0) p.Isr.Remove(excluded);
            ChangeLeader(p, next);
            return;
        }
        if (TopicConfigValue(p.Topic, TopicConfigs.UncleanLeaderElectionEnable).Value == "true"
            && p.Replicas.FirstOrDefault(r => r != excluded && Brokers[r].IsAlive, -1) is var unclean and >= 0)
        {
            p.Isr.Clear();
            p.Isr.Add(unclean);
            Log.UncleanElection(Logger, p.Name, unclean);
            ChangeLeader(p, unclean);
            return;
        }
        if (p.Leader >= 0 && p.Leader == excluded) ChangeLeader(p, -1);
    }

    private void ChangeLeader(PartitionState p, int leader)
    {
        p.Leader = leader;
        p.LeaderEpoch++;
        if (leader >= 0)
        {
            p.Log.AssignEpoch(p.LeaderEpoch);
            long now = NowMs;
            foreach (var r in p.ReplicaStates.Values)
            {
                if (r.BrokerId == leader) continue;
                r.NeedsTruncation = true;
                r.LastCaughtUpMs = now;
            }
            // A new leader's high watermark is what the new ISR shares (lower than before only after an unclean election).
            p.HighWatermark = Math.Min(p.HighWatermark, p.Log.LogEndOffset);
            UpdateHighWatermark(p);
        }
        Log.LeaderChanged(Logger, p.Name, leader, p.LeaderEpoch);
    }

    /// <summary>
    /// Kafka's follower truncation by leader epoch (KIP-101/KIP-279): ask the leader where the follower's latest epoch
    /// ends, cut the follower there (never past its own end for that epoch), and restart an empty follower at the
    /// leader's log start when it is wholly behind it.
    /// </summary>
    private static void Reconcile(PartitionState p, Replica follower, Replica leader, long now)
    {
        if (follower.LogEndOffset < leader.Log.LogStartOffset)
        {
            follower.Log.ResetTo(leader.Log.LogStartOffset, now);
            follower.RebuildProducerState();
            return;
        }
        int followerEpoch = follower.Log.LatestEpoch;
        var (epoch, endOffset) = leader.Log.EndOffsetForEpoch(followerEpoch);
        long target = epoch < 0
            ? Math.Min(p.HighWatermark, follower.LogEndOffset)
            : Math.Min(endOffset, follower.Log.EndOffsetForEpoch(epoch).EndOffset is var own and >= 0 ? own : follower.LogEndOffset);
        follower.TruncateTo(target);
    }
}
