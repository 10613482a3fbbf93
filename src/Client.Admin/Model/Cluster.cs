using Samsa.Client;

namespace Samsa.Admin;

/// <summary>The cluster's id, controller and brokers.</summary>
/// <param name="ClusterId">Cluster id.</param>
/// <param name="Controller">The controller, or null when unknown.</param>
/// <param name="Brokers">Live brokers with their racks, by node id.</param>
/// <param name="AuthorizedOperations">Cluster operations the caller may perform, when asked for.</param>
public sealed record ClusterDescription(string? ClusterId, BrokerInfo? Controller, IReadOnlyList<BrokerInfo> Brokers,
    IReadOnlySet<AclOperation>? AuthorizedOperations);

/// <summary>One log directory of a broker.</summary>
/// <param name="Path">Directory path.</param>
/// <param name="Error">The directory's error (KAFKA_STORAGE_ERROR when offline), or null.</param>
/// <param name="TotalBytes">Volume size, or -1.</param>
/// <param name="UsableBytes">Free space, or -1.</param>
/// <param name="Replicas">Replicas stored there.</param>
public sealed record LogDirDescription(string Path, AdminError? Error, long TotalBytes, long UsableBytes, IReadOnlyList<ReplicaLogInfo> Replicas);

/// <summary>One replica in a log directory.</summary>
public sealed record ReplicaLogInfo(TopicPartition Partition, long Size, long OffsetLag, bool IsFuture);

/// <summary>Which leader an election picks.</summary>
public enum ElectionType : sbyte
{
    /// <summary>The preferred (first) replica.</summary>
    Preferred = 0,
    /// <summary>Any replica, even out of sync, when no in-sync replica is available.</summary>
    Unclean = 1,
}

/// <summary>An ongoing partition reassignment.</summary>
public sealed record PartitionReassignment(IReadOnlyList<int> Replicas, IReadOnlyList<int> AddingReplicas, IReadOnlyList<int> RemovingReplicas);

/// <summary>A feature's version range.</summary>
public readonly record struct FeatureRange(short MinVersion, short MaxVersion);

/// <summary>The cluster's finalized features and what the answering broker supports.</summary>
/// <param name="FinalizedFeatures">Features finalized cluster-wide.</param>
/// <param name="FinalizedFeaturesEpoch">Epoch of the finalized features, or -1.</param>
/// <param name="SupportedFeatures">Features the broker supports.</param>
public sealed record FeatureMetadata(IReadOnlyDictionary<string, FeatureRange> FinalizedFeatures, long FinalizedFeaturesEpoch,
    IReadOnlyDictionary<string, FeatureRange> SupportedFeatures);
