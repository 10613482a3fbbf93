using Samsa.Protocol;


namespace Samsa.Client;

/// <summary>A broker as metadata describes it.</summary>
/// <param name="NodeId">The broker's node id.</param>
/// <param name="Host">Advertised host.</param>
/// <param name="Port">Advertised port.</param>
/// <param name="Rack">Rack, if configured.</param>
public sealed record BrokerInfo(int NodeId, string Host, int Port, string? Rack = null)
{
    /// <summary>The broker's address.</summary>
    public BrokerAddress Address => new(Host, Port);
}

/// <summary>One partition's leadership and replicas.</summary>
/// <param name="Partition">Partition index.</param>
/// <param name="LeaderId">Leader node id, or -1 when there is none.</param>
/// <param name="LeaderEpoch">Leader epoch, or -1 when unknown (brokers before Kafka 2.1).</param>
/// <param name="Replicas">Replica node ids.</param>
/// <param name="Isr">In-sync replica node ids.</param>
/// <param name="OfflineReplicas">Offline replica node ids.</param>
/// <param name="Error">The partition-level error from the broker.</param>
public sealed record PartitionMetadata(int Partition, int LeaderId, int LeaderEpoch, IReadOnlyList<int> Replicas,
    IReadOnlyList<int> Isr, IReadOnlyList<int> OfflineReplicas, ErrorCode Error = ErrorCode.None);

/// <summary>One topic's id and partitions.</summary>
/// <param name="Name">Topic name.</param>
/// <param name="TopicId">Topic id (zero before Kafka 2.8 / Metadata v10).</param>
/// <param name="IsInternal">True for internal topics such as <c>__consumer_offsets</c>.</param>
/// <param name="Partitions">Partitions by index.</param>
/// <param name="Error">The topic-level error from the broker.</param>
public sealed record TopicMetadata(string Name, Uuid TopicId, bool IsInternal, IReadOnlyDictionary<int, PartitionMetadata> Partitions,
    ErrorCode Error = ErrorCode.None);

/// <summary>An immutable snapshot of the cluster: brokers, controller and the topics the client tracks.</summary>
public sealed class ClusterMetadata
{
    /// <summary>The snapshot before any metadata has arrived.</summary>
    public static readonly ClusterMetadata Empty = new(null, -1, new Dictionary<int, BrokerInfo>(), new Dictionary<string, TopicMetadata>(), 0);

    internal ClusterMetadata(string? clusterId, int controllerId, IReadOnlyDictionary<int, BrokerInfo> brokers,
        IReadOnlyDictionary<string, TopicMetadata> topics, long updatedTimestamp)
    {
        ClusterId = clusterId;
        ControllerId = controllerId;
        Brokers = brokers;
        Topics = topics;
        UpdatedTimestamp = updatedTimestamp;
        var ids = new Dictionary<Uuid, string>();
        foreach (var topic in topics.Values)
        {
            if (topic.TopicId != Uuid.Zero) ids[topic.TopicId] = topic.Name;
        }
        TopicNamesById = ids;
    }

    /// <summary>The cluster id (Metadata v2+), or null.</summary>
    public string? ClusterId { get; }

    /// <summary>The controller's node id, or -1.</summary>
    public int ControllerId { get; }

    /// <summary>Live brokers by node id.</summary>
    public IReadOnlyDictionary<int, BrokerInfo> Brokers { get; }

    /// <summary>Tracked topics by name.</summary>
    public IReadOnlyDictionary<string, TopicMetadata> Topics { get; }

    /// <summary>Topic names by topic id.</summary>
    public IReadOnlyDictionary<Uuid, string> TopicNamesById { get; }

    /// <summary>The <see cref="TimeProvider"/> timestamp of the update that produced this snapshot.</summary>
    public long UpdatedTimestamp { get; }

    /// <summary>The partition's metadata, or null when unknown.</summary>
    public PartitionMetadata? Partition(string topic, int partition) =>
        Topics.TryGetValue(topic, out var t) && t.Partitions.TryGetValue(partition, out var p) ? p : null;
}
