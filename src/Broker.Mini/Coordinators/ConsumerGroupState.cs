namespace Samsa.Broker.Mini.Coordinators;

/// <summary>Partitions by topic id, kept sorted so assignments compare and print deterministically.</summary>
internal sealed class PartitionSet : SortedDictionary<Uuid, SortedSet<int>>
{
    private static readonly IComparer<Uuid> ById = Comparer<Uuid>.Create((a, b) => string.CompareOrdinal(a.ToString(), b.ToString()));

    public PartitionSet() : base(ById) { }

    public PartitionSet(IEnumerable<(Uuid Topic, int Partition)> items) : base(ById)
    {
        foreach (var (t, p) in items) Add(t, p);
    }

    public IEnumerable<(Uuid Topic, int Partition)> Items => this.SelectMany(kv => kv.Value.Select(p => (kv.Key, p)));

    public int Total => Values.Sum(v => v.Count);

    public void Add(Uuid topic, int partition)
    {
        if (!TryGetValue(topic, out var set)) this[topic] = set = new SortedSet<int>();
        set.Add(partition);
    }

    public bool Has(Uuid topic, int partition) => TryGetValue(topic, out var set) && set.Contains(partition);

    public PartitionSet Except(PartitionSet other) => new(Items.Where(i => !other.Has(i.Topic, i.Partition)));

    public PartitionSet Intersect(PartitionSet other) => new(Items.Where(i => other.Has(i.Topic, i.Partition)));

    public bool SameAs(PartitionSet other) => Total == other.Total && Items.All(i => other.Has(i.Topic, i.Partition));
}

/// <summary>A member of a consumer (KIP-848) group.</summary>
internal sealed class ConsumerMember(string memberId)
{
    public string MemberId { get; } = memberId;

    public string? InstanceId { get; set; }

    public string? RackId { get; set; }

    public string ClientId { get; set; } = "";

    public string ClientHost { get; set; } = "";

    public int RebalanceTimeoutMs { get; set; }

    public List<string> SubscribedTopics { get; set; } = new();

    public string? SubscribedRegex { get; set; }

    public string? ServerAssignor { get; set; }

    public int MemberEpoch { get; set; }

    /// <summary>Partitions the member owns in the coordinator's view (what the last response told it to own).</summary>
    public PartitionSet Assigned { get; set; } = new();

    /// <summary>Partitions the member must give up before it may move to the target epoch.</summary>
    public PartitionSet PendingRevocation { get; set; } = new();

    /// <summary>Unix ms by which a pending revocation must be acknowledged (the rebalance timeout).</summary>
    public long RevocationDeadline { get; set; }

    public long SessionDeadline { get; set; }

    public ITimer? SessionTimer { get; set; }

    public bool IsRemoved { get; set; }
}

/// <summary>
/// The KIP-848 state of a consumer group: the group epoch (bumped by membership or subscription changes), the target
/// assignment computed by the server-side assignor at an assignment epoch, and members converging to it.
/// </summary>
internal sealed class ConsumerGroupState
{
    public int GroupEpoch { get; set; }

    public int AssignmentEpoch { get; set; }

    public string AssignorName { get; set; } = "";

    public Dictionary<string, ConsumerMember> Members { get; } = new(StringComparer.Ordinal);

    /// <summary>The target assignment of each member at <see cref="AssignmentEpoch"/>.</summary>
    public Dictionary<string, PartitionSet> Target { get; } = new(StringComparer.Ordinal);

    /// <summary>Kafka's consumer group states: Empty, Assigning, Reconciling or Stable.</summary>
    public string StateName =>
        Members.Count == 0 ? "Empty"
        : GroupEpoch > AssignmentEpoch ? "Assigning"
        : Members.Values.Any(m => m.MemberEpoch != AssignmentEpoch || m.PendingRevocation.Count > 0
            || !m.Assigned.SameAs(Target.GetValueOrDefault(m.MemberId) ?? new PartitionSet())) ? "Reconciling"
        : "Stable";
}
