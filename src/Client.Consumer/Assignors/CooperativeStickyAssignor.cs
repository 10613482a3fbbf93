namespace Samsa.Consumer.Assignors;

/// <summary>
/// Kafka's <c>cooperative-sticky</c> assignor (KIP-429): the sticky assignment, used with the cooperative protocol.
/// Owned partitions come from the subscription (v1+) and the generation from the subscription (v2+) or the 4-byte
/// user data. <see cref="CooperativeAssignment.WithholdMovingPartitions"/> then keeps a partition away from its
/// new owner until the old owner has revoked it in a follow-up rebalance.
/// </summary>
public sealed class CooperativeStickyAssignor : IConsumerPartitionAssignor
{
    /// <inheritdoc />
    public string Name => "cooperative-sticky";

    /// <inheritdoc />
    public IReadOnlyList<RebalanceProtocol> SupportedProtocols { get; } = [RebalanceProtocol.Cooperative, RebalanceProtocol.Eager];

    /// <inheritdoc />
    public byte[]? SubscriptionUserData(IReadOnlyCollection<string> topics, IReadOnlyCollection<TopicPartition> ownedPartitions, int generation) =>
        StickyUserData.WriteCooperative(generation);

    /// <inheritdoc />
    public IReadOnlyDictionary<string, List<TopicPartition>> Assign(IReadOnlyDictionary<string, int> partitionsPerTopic, IReadOnlyDictionary<string, MemberSubscription> members)
    {
        var ordered = members.Values.ToList();
        ordered.Sort(MemberSubscription.CompareForAssignment);
        var view = ordered.Select((m, i) =>
        {
            int generation = m.GenerationId >= 0 ? m.GenerationId : StickyUserData.ReadCooperativeGeneration(m.UserData);
            IReadOnlyList<TopicPartition> owned = m.OwnedPartitions ?? [];
            // librdkafka sends the sticky format here; use its previous assignment when the subscription has none.
            if (owned.Count == 0 && m.UserData is { Length: > 4 } data && StickyUserData.TryReadSticky(data, out var sticky, out int stickyGeneration))
            {
                owned = sticky;
                generation = Math.Max(generation, stickyGeneration);
            }
            return new StickyBalancer.Member(m.MemberId, m.Topics.ToHashSet(StringComparer.Ordinal), owned, generation, i);
        }).ToList();
        return StickyBalancer.Balance(partitionsPerTopic, view);
    }
}

/// <summary>The leader-side step of the cooperative protocol (KIP-429).</summary>
public static class CooperativeAssignment
{
    /// <summary>
    /// Removes from each member's new assignment the partitions another member still owns, so that the owner revokes
    /// them first. Returns true when something was withheld: the owners will rejoin after revoking, and the follow-up
    /// rebalance hands the partitions over.
    /// </summary>
    public static bool WithholdMovingPartitions(IDictionary<string, List<TopicPartition>> assignment, IReadOnlyDictionary<string, MemberSubscription> members)
    {
        var ownedBy = new Dictionary<TopicPartition, string>();
        foreach (var m in members.Values)
            foreach (var tp in m.OwnedPartitions ?? [])
                ownedBy.TryAdd(tp, m.MemberId);
        bool withheld = false;
        foreach (var (memberId, partitions) in assignment)
        {
            int removed = partitions.RemoveAll(tp => ownedBy.TryGetValue(tp, out var owner) && owner != memberId);
            withheld |= removed > 0;
        }
        return withheld;
    }
}
