namespace Samsa.Consumer.Assignors;

/// <summary>How members give up partitions during a rebalance.</summary>
public enum RebalanceProtocol
{
    /// <summary>Every member revokes everything before the rebalance (range, roundrobin, sticky).</summary>
    Eager,
    /// <summary>KIP-429: members revoke only the partitions that move, in a follow-up rebalance (cooperative-sticky).</summary>
    Cooperative,
}

/// <summary>
/// A client-side partition assignor of the classic group protocol. The group leader runs it; its <see cref="Name"/>
/// is the protocol name members advertise in JoinGroup, so assignors with the same name must be wire-compatible
/// across clients (Java, librdkafka, Samsa).
/// </summary>
public interface IConsumerPartitionAssignor
{
    /// <summary>The protocol name: <c>range</c>, <c>roundrobin</c>, <c>sticky</c>, <c>cooperative-sticky</c> or a custom one.</summary>
    string Name { get; }

    /// <summary>The rebalance protocols this assignor supports, preferred first.</summary>
    IReadOnlyList<RebalanceProtocol> SupportedProtocols { get; }

    /// <summary>User data for this member's subscription (null for none).</summary>
    /// <param name="topics">The topics the member subscribes to.</param>
    /// <param name="ownedPartitions">The partitions the member owns now.</param>
    /// <param name="generation">The member's last generation, or -1.</param>
    byte[]? SubscriptionUserData(IReadOnlyCollection<string> topics, IReadOnlyCollection<TopicPartition> ownedPartitions, int generation);

    /// <summary>Computes the group's assignment. Run by the leader only.</summary>
    /// <param name="partitionsPerTopic">Partition counts of the subscribed topics that exist.</param>
    /// <param name="members">Every member's subscription, keyed by member id.</param>
    IReadOnlyDictionary<string, List<TopicPartition>> Assign(IReadOnlyDictionary<string, int> partitionsPerTopic, IReadOnlyDictionary<string, MemberSubscription> members);
}

/// <summary>One member's subscription as the leader sees it in the JoinGroup response.</summary>
/// <param name="MemberId">The member id.</param>
/// <param name="GroupInstanceId">The static member id, if any.</param>
/// <param name="Topics">The subscribed topics.</param>
/// <param name="UserData">Assignor-specific user data.</param>
/// <param name="OwnedPartitions">Partitions the member says it owns (subscription v1+).</param>
/// <param name="GenerationId">The member's generation (subscription v2+), or -1.</param>
/// <param name="RackId">The member's rack (subscription v3+), if any.</param>
public sealed record MemberSubscription(
    string MemberId,
    string? GroupInstanceId,
    IReadOnlyList<string> Topics,
    byte[]? UserData = null,
    IReadOnlyList<TopicPartition>? OwnedPartitions = null,
    int GenerationId = -1,
    string? RackId = null)
{
    /// <summary>
    /// Kafka's member order: static members first by instance id, then dynamic members by member id (ordinal),
    /// which the range and round-robin assignors rely on to agree across clients.
    /// </summary>
    public static int CompareForAssignment(MemberSubscription a, MemberSubscription b)
    {
        if (a.GroupInstanceId is { } ai && b.GroupInstanceId is { } bi) return string.CompareOrdinal(ai, bi);
        if (a.GroupInstanceId is not null) return -1;
        if (b.GroupInstanceId is not null) return 1;
        return string.CompareOrdinal(a.MemberId, b.MemberId);
    }
}
