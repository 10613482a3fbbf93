using Samsa.Protocol.Messages;

namespace Samsa.Broker.Mini.Coordinators;

/// <summary>States of a classic group, with Kafka's names (ListGroups and DescribeGroups report them verbatim).</summary>
internal enum GroupState
{
    Empty,
    PreparingRebalance,
    CompletingRebalance,
    Stable,
    Dead,
}

/// <summary>A committed offset as the coordinator keeps it.</summary>
internal sealed record CommittedOffset(long Offset, int LeaderEpoch, string Metadata, long CommitTimestamp, long ExpireTimestamp);

/// <summary>One member of a classic group.</summary>
internal sealed class ClassicMember(string memberId, string? instanceId)
{
    public string MemberId { get; set; } = memberId;

    public string? InstanceId { get; } = instanceId;

    public string ClientId { get; set; } = "";

    public string ClientHost { get; set; } = "";

    public int SessionTimeoutMs { get; set; }

    public int RebalanceTimeoutMs { get; set; }

    public string ProtocolType { get; set; } = "";

    /// <summary>Supported protocols in preference order, with their metadata.</summary>
    public List<(string Name, byte[] Metadata)> Protocols { get; set; } = new();

    public byte[] Assignment { get; set; } = [];

    /// <summary>A pending JoinGroup long-poll, completed when the join phase ends.</summary>
    public TaskCompletionSource<JoinGroupResponse>? JoinWaiter { get; set; }

    /// <summary>A pending SyncGroup long-poll, completed when the leader's assignment arrives.</summary>
    public TaskCompletionSource<SyncGroupResponse>? SyncWaiter { get; set; }

    /// <summary>When the session expires (Unix ms), unless a heartbeat, join or sync pushes it back.</summary>
    public long SessionDeadline { get; set; }

    public ITimer? SessionTimer { get; set; }

    public bool IsRemoved { get; set; }

    /// <summary>Whether this member has joined since the current rebalance started (JoinGroup while preparing).</summary>
    public bool IsAwaitingJoin => JoinWaiter is not null;

    public byte[] MetadataFor(string protocol)
    {
        foreach (var (name, metadata) in Protocols)
            if (name == protocol) return metadata;
        return [];
    }

    public bool SameProtocols(List<(string Name, byte[] Metadata)> other) =>
        Protocols.Count == other.Count && Protocols.Zip(other).All(p => p.First.Name == p.Second.Name && p.First.Metadata.AsSpan().SequenceEqual(p.Second.Metadata));
}

/// <summary>A group: classic membership state (KIP-848 state lives in <see cref="ConsumerGroupState"/>) and committed offsets.</summary>
internal sealed class Group(string id)
{
    public string Id { get; } = id;

    public GroupState State { get; set; } = GroupState.Empty;

    /// <summary>Null until a member joins (a group created by an offset commit has no type).</summary>
    public string? ProtocolType { get; set; }

    public string? ProtocolName { get; set; }

    public int Generation { get; set; }

    public string? LeaderId { get; set; }

    public Dictionary<string, ClassicMember> Members { get; } = new(StringComparer.Ordinal);

    /// <summary>Static members: group.instance.id to current member id.</summary>
    public Dictionary<string, string> StaticMembers { get; } = new(StringComparer.Ordinal);

    /// <summary>Member ids handed out with MEMBER_ID_REQUIRED that have not joined yet, with their expiry (Unix ms).</summary>
    public Dictionary<string, long> PendingMembers { get; } = new(StringComparer.Ordinal);

    /// <summary>Members given a JoinGroup response that have not sent SyncGroup yet.</summary>
    public HashSet<string> PendingSync { get; } = new(StringComparer.Ordinal);

    public Dictionary<(string Topic, int Partition), CommittedOffset> Offsets { get; } = new();

    /// <summary>Offsets committed by ongoing transactions (TxnOffsetCommit), by producer id, until the COMMIT or ABORT marker.</summary>
    public Dictionary<long, Dictionary<(string Topic, int Partition), CommittedOffset>> PendingTxnOffsets { get; } = new();

    /// <summary>Whether an ongoing transaction holds an offset for the partition (OffsetFetch's require_stable).</summary>
    public bool HasPendingTxnOffset(string topic, int partition) => PendingTxnOffsets.Values.Any(p => p.ContainsKey((topic, partition)));

    /// <summary>Bumped whenever a rebalance starts or ends, so stale join/sync timers can tell they no longer apply.</summary>
    public int RebalanceVersion { get; set; }

    /// <summary>The generation whose leader assignment is being written (answered once replicated), or -1.</summary>
    public int StoringGeneration { get; set; } = -1;

    public ITimer? RebalanceTimer { get; set; }

    /// <summary>Unix ms when the current join phase must end (the rebalance timeout).</summary>
    public long JoinDeadline { get; set; }

    /// <summary>Number of members when the initial-rebalance delay was last armed (a new joiner extends the delay).</summary>
    public int MembersAtDelayStart { get; set; }

    /// <summary>True while the first rebalance of an empty group waits out <c>group.initial.rebalance.delay.ms</c>.</summary>
    public bool InInitialDelay { get; set; }

    /// <summary>When the group last became Empty (Unix ms); offsets expire relative to it.</summary>
    public long EmptySinceMs { get; set; }

    /// <summary>KIP-848 state when this is a consumer-protocol group; null for classic groups.</summary>
    public ConsumerGroupState? Consumer { get; set; }

    public bool IsConsumerGroup => Consumer is not null;

    public bool HasAllMembersJoined => PendingMembers.Count == 0 && Members.Values.All(m => m.IsAwaitingJoin);

    public int MaxRebalanceTimeoutMs => Members.Count == 0 ? 0 : Members.Values.Max(m => m.RebalanceTimeoutMs);

    public bool Is(GroupState state) => State == state;

    /// <summary>
    /// Picks the protocol every member supports that most members list first among those candidates (Kafka's vote);
    /// ties go to the protocol the first member prefers. Null when there is no common protocol.
    /// </summary>
    public string? SelectProtocol()
    {
        var candidates = Candidates();
        if (candidates.Count == 0) return null;
        var votes = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var m in Members.Values)
        {
            string vote = m.Protocols.First(p => candidates.Contains(p.Name)).Name;
            votes[vote] = votes.GetValueOrDefault(vote) + 1;
        }
        int best = votes.Values.Max();
        var first = Members.Values.First();
        return first.Protocols.Select(p => p.Name).First(n => votes.GetValueOrDefault(n) == best);
    }

    /// <summary>Protocols every current member supports.</summary>
    public HashSet<string> Candidates()
    {
        HashSet<string>? common = null;
        foreach (var m in Members.Values)
        {
            var names = m.Protocols.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
            if (common is null) common = names;
            else common.IntersectWith(names);
        }
        return common ?? new HashSet<string>(StringComparer.Ordinal);
    }

    /// <summary>Whether a joiner with these protocols could be a member: same type and at least one protocol in common.</summary>
    public bool SupportsProtocols(string protocolType, IEnumerable<string> protocols)
    {
        if (Members.Count == 0) return protocolType.Length > 0 && protocols.Any();
        if (ProtocolType != protocolType) return false;
        var candidates = Candidates();
        return protocols.Any(candidates.Contains);
    }

    /// <summary>Kafka's group state names.</summary>
    public string StateName => Consumer is { } c ? c.StateName : State.ToString();
}
