using Samsa.Broker.Mini.Configs;

namespace Samsa.Broker.Mini.Cluster;

/// <summary>Which leader an ElectLeaders request asks for (Kafka's ElectionType).</summary>
internal enum ElectionKind : sbyte
{
    /// <summary>Move leadership to the preferred replica (the first in the assignment) if it is live and in sync.</summary>
    Preferred = 0,

    /// <summary>Give a leaderless partition a leader: a live in-sync replica, else any live replica.</summary>
    Unclean = 1,
}

internal sealed partial class ClusterState
{
    /// <summary>
    /// One partition of an ElectLeaders request, as Kafka's controller answers it:
    /// <list type="bullet">
    /// <item>preferred: ELECTION_NOT_NEEDED when the preferred replica already leads, PREFERRED_LEADER_NOT_AVAILABLE when it
    /// is stopped or out of the ISR, otherwise it becomes leader with an epoch bump;</item>
    /// <item>unclean: ELECTION_NOT_NEEDED when the partition has a live leader; otherwise a live in-sync replica leads,
    /// or else the first live replica (the ISR becomes that replica, as in unclean election), or
    /// ELIGIBLE_LEADERS_NOT_AVAILABLE when no replica is live.</item>
    /// </list>
    /// The caller saves the metadata and signals <see cref="DataArrived"/> after a batch of elections.
    /// </summary>
    public (ErrorCode Error, string? Message) ElectLeader(PartitionState p, ElectionKind kind)
    {
        if (kind == ElectionKind.Preferred)
        {
            int preferred = p.Replicas[0];
            if (p.Leader == preferred) return (ErrorCode.ElectionNotNeeded, $"Leader of {p.Name} is already its preferred replica {preferred}.");
            if (!Brokers[preferred].IsAlive || !p.Isr.Contains(preferred))
                return (ErrorCode.PreferredLeaderNotAvailable, $"The preferred replica {preferred} of {p.Name} is not {(Brokers[preferred].IsAlive ? "in sync" : "live")}.");
            ChangeLeader(p, preferred);
            Log.LeaderElected(Logger, "Preferred", p.Name, preferred, p.LeaderEpoch);
            return (ErrorCode.None, null);
        }
        if (p.Leader >= 0 && Brokers[p.Leader].IsAlive) return (ErrorCode.ElectionNotNeeded, $"{p.Name} already has leader {p.Leader}.");
        int clean = p.Isr.FirstOrDefault(r => Brokers[r].IsAlive, -1);
        if (clean >= 0)
        {
            ChangeLeader(p, clean);
            Log.LeaderElected(Logger, "Unclean (clean choice)", p.Name, clean, p.LeaderEpoch);
            return (ErrorCode.None, null);
        }
        int any = p.Replicas.FirstOrDefault(r => Brokers[r].IsAlive, -1);
        if (any < 0) return (ErrorCode.EligibleLeadersNotAvailable, $"No replica of {p.Name} is live.");
        p.Isr.Clear();
        p.Isr.Add(any);
        Log.UncleanElection(Logger, p.Name, any);
        ChangeLeader(p, any);
        return (ErrorCode.None, null);
    }

    /// <summary>Whether the background leader balancer runs (<c>auto.leader.rebalance.enable</c>).</summary>
    public bool AutoLeaderRebalanceEnabled => BrokerBool(BrokerConfigs.AutoLeaderRebalanceEnable);

    /// <summary>How often the balancer runs (<c>leader.imbalance.check.interval.seconds</c>).</summary>
    public TimeSpan LeaderImbalanceCheckInterval =>
        TimeSpan.FromSeconds(long.Parse(BrokerConfig(Math.Max(ControllerId, 0), BrokerConfigs.LeaderImbalanceCheckIntervalSeconds).Value!, System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>
    /// The KRaft controller's leader balancing: every partition led by a replica other than its preferred one moves
    /// back to the preferred replica when that replica is live and in sync. Returns how many partitions moved.
    /// </summary>
    public int BalanceLeaders()
    {
        int moved = 0;
        foreach (var p in Topics.Values.SelectMany(t => t.Partitions))
        {
            int preferred = p.Replicas[0];
            if (p.Leader == preferred || !Brokers[preferred].IsAlive || !p.Isr.Contains(preferred)) continue;
            if (ElectLeader(p, ElectionKind.Preferred).Error == ErrorCode.None) moved++;
        }
        if (moved == 0) return 0;
        SaveMetadata();
        SignalDataArrived();
        return moved;
    }
}
