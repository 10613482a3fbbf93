namespace Samsa.Admin;

/// <summary>A group as ListGroups reports it.</summary>
/// <param name="GroupId">Group id.</param>
/// <param name="ProtocolType">"consumer" for consumer groups; empty for simple (commit-only) groups.</param>
/// <param name="State">State (Stable, Empty, PreparingRebalance, CompletingRebalance, Dead), when the broker reports it (v4+).</param>
/// <param name="Type">Group type (classic, consumer, share), when the broker reports it (v5+).</param>
/// <param name="CoordinatorId">The broker that reported (and coordinates) the group.</param>
public sealed record ConsumerGroupListing(string GroupId, string ProtocolType, string? State, string? Type, int CoordinatorId)
{
    /// <summary>True for groups that only commit offsets (no protocol type).</summary>
    public bool IsSimpleConsumerGroup => ProtocolType.Length == 0;
}

/// <summary>A consumer group's state, assignor, coordinator and members.</summary>
/// <param name="GroupId">Group id.</param>
/// <param name="State">State: Stable, Empty, PreparingRebalance, CompletingRebalance or Dead.</param>
/// <param name="ProtocolType">"consumer" for consumer groups.</param>
/// <param name="Protocol">The chosen assignor (range, roundrobin, cooperative-sticky…).</param>
/// <param name="CoordinatorId">The coordinator's broker id.</param>
/// <param name="Members">Members with their decoded assignments.</param>
/// <param name="AuthorizedOperations">Operations the caller may perform, when asked for.</param>
public sealed record ConsumerGroupDescription(string GroupId, string State, string ProtocolType, string Protocol, int CoordinatorId,
    IReadOnlyList<GroupMemberDescription> Members, IReadOnlySet<AclOperation>? AuthorizedOperations)
{
    /// <summary>True for groups that only commit offsets (no protocol type).</summary>
    public bool IsSimpleConsumerGroup => ProtocolType.Length == 0;
}

/// <summary>One member of a group.</summary>
/// <param name="MemberId">Member id.</param>
/// <param name="GroupInstanceId">Static member id, if any.</param>
/// <param name="ClientId">The member's <c>client.id</c>.</param>
/// <param name="Host">The member's host.</param>
/// <param name="Assignment">Partitions assigned (decoded from the consumer protocol's <c>ConsumerProtocolAssignment</c>).</param>
/// <param name="SubscribedTopics">Topics subscribed to (decoded from <c>ConsumerProtocolSubscription</c>).</param>
public sealed record GroupMemberDescription(string MemberId, string? GroupInstanceId, string ClientId, string Host,
    IReadOnlyList<TopicPartition> Assignment, IReadOnlyList<string> SubscribedTopics);

/// <summary>A committed offset.</summary>
/// <param name="Offset">The next offset to consume.</param>
/// <param name="LeaderEpoch">The leader epoch of the last consumed record, or -1.</param>
/// <param name="Metadata">Commit metadata.</param>
public sealed record OffsetAndMetadata(long Offset, int LeaderEpoch = -1, string? Metadata = null);
