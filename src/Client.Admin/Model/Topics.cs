using Samsa.Protocol;

namespace Samsa.Admin;

/// <summary>A topic to create: a partition count and replication factor (-1: the broker's defaults), or explicit replica assignments.</summary>
/// <param name="Name">Topic name.</param>
/// <param name="NumPartitions">Partition count, or -1 for <c>num.partitions</c> (must be -1 with <see cref="ReplicaAssignments"/>).</param>
/// <param name="ReplicationFactor">Replication factor, or -1 for <c>default.replication.factor</c>.</param>
public sealed record NewTopic(string Name, int NumPartitions = -1, short ReplicationFactor = -1)
{
    /// <summary>Replica broker ids per partition index, instead of a count and factor.</summary>
    public IReadOnlyDictionary<int, IReadOnlyList<int>>? ReplicaAssignments { get; init; }

    /// <summary>Topic configs (<c>cleanup.policy</c>, <c>retention.ms</c>…).</summary>
    public IReadOnlyDictionary<string, string?>? Configs { get; init; }
}

/// <summary>What the broker reports for a created topic (CreateTopics v5+ returns the effective settings).</summary>
/// <param name="TopicId">The topic id (v7+), else zero.</param>
/// <param name="NumPartitions">Partition count, or -1 when the broker did not say.</param>
/// <param name="ReplicationFactor">Replication factor, or -1 when the broker did not say.</param>
/// <param name="Configs">Effective configs, when the broker returned them.</param>
public sealed record CreatedTopic(Uuid TopicId, int NumPartitions, short ReplicationFactor, IReadOnlyList<ConfigEntry> Configs);

/// <summary>A topic in the cluster.</summary>
public sealed record TopicListing(string Name, Uuid TopicId, bool IsInternal);

/// <summary>A topic's partitions, replicas and id.</summary>
/// <param name="Name">Topic name.</param>
/// <param name="TopicId">Topic id (zero before Metadata v10).</param>
/// <param name="IsInternal">True for internal topics.</param>
/// <param name="Partitions">Partitions in index order.</param>
/// <param name="AuthorizedOperations">Operations the caller may perform, when asked for (null otherwise).</param>
public sealed record TopicDescription(string Name, Uuid TopicId, bool IsInternal, IReadOnlyList<PartitionDescription> Partitions,
    IReadOnlySet<AclOperation>? AuthorizedOperations);

/// <summary>One partition's leader, replicas and in-sync replicas (broker ids).</summary>
public sealed record PartitionDescription(int Partition, int LeaderId, int LeaderEpoch, IReadOnlyList<int> Replicas,
    IReadOnlyList<int> Isr, IReadOnlyList<int> OfflineReplicas);

/// <summary>A partition count increase: the new total and, optionally, replicas for each added partition.</summary>
public sealed record NewPartitions(int TotalCount, IReadOnlyList<IReadOnlyList<int>>? Assignments = null);

/// <summary>Operations an ACL can allow or deny (Kafka's <c>AclOperation</c> codes).</summary>
public enum AclOperation : sbyte
{
    /// <summary>Unknown.</summary>
    Unknown = 0,
    /// <summary>Filter: any operation.</summary>
    Any = 1,
    /// <summary>All operations.</summary>
    All = 2,
    /// <summary>Read.</summary>
    Read = 3,
    /// <summary>Write.</summary>
    Write = 4,
    /// <summary>Create.</summary>
    Create = 5,
    /// <summary>Delete.</summary>
    Delete = 6,
    /// <summary>Alter.</summary>
    Alter = 7,
    /// <summary>Describe.</summary>
    Describe = 8,
    /// <summary>Cluster action.</summary>
    ClusterAction = 9,
    /// <summary>Describe configs.</summary>
    DescribeConfigs = 10,
    /// <summary>Alter configs.</summary>
    AlterConfigs = 11,
    /// <summary>Idempotent write.</summary>
    IdempotentWrite = 12,
    /// <summary>Create delegation tokens.</summary>
    CreateTokens = 13,
    /// <summary>Describe delegation tokens.</summary>
    DescribeTokens = 14,
}
