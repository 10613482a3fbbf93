namespace Samsa.Consumer.Assignors;

/// <summary>
/// Kafka's eager <c>sticky</c> assignor: a balanced assignment that keeps as many partitions as possible where they
/// were. Members report their previous assignment and generation in the user data, because the eager protocol
/// revokes everything before rejoining.
/// </summary>
public sealed class StickyAssignor : IConsumerPartitionAssignor
{
    /// <inheritdoc />
    public string Name => "sticky";

    /// <inheritdoc />
    public IReadOnlyList<RebalanceProtocol> SupportedProtocols { get; } = [RebalanceProtocol.Eager];

    /// <inheritdoc />
    public byte[]? SubscriptionUserData(IReadOnlyCollection<string> topics, IReadOnlyCollection<TopicPartition> ownedPartitions, int generation) =>
        StickyUserData.WriteSticky(ownedPartitions, generation);

    /// <inheritdoc />
    public IReadOnlyDictionary<string, List<TopicPartition>> Assign(IReadOnlyDictionary<string, int> partitionsPerTopic, IReadOnlyDictionary<string, MemberSubscription> members)
    {
        var ordered = members.Values.ToList();
        ordered.Sort(MemberSubscription.CompareForAssignment);
        var view = ordered.Select((m, i) =>
        {
            List<TopicPartition> owned = [];
            int generation = StickyUserData.NoGeneration;
            if (m.UserData is { Length: > 0 } data && !StickyUserData.TryReadSticky(data, out owned, out generation))
                owned = m.OwnedPartitions?.ToList() ?? [];
            return new StickyBalancer.Member(m.MemberId, m.Topics.ToHashSet(StringComparer.Ordinal), owned, generation, i);
        }).ToList();
        return StickyBalancer.Balance(partitionsPerTopic, view);
    }
}
