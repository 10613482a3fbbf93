using Samsa.Broker.Mini.Storage;
using Samsa.Protocol.Primitives;

namespace Samsa.Broker.Mini.Cluster;

/// <summary>A topic: its id, partitions and dynamic config overrides.</summary>
internal sealed class TopicState(string name, Uuid id)
{
    public string Name { get; } = name;

    public Uuid Id { get; } = id;

    public List<PartitionState> Partitions { get; } = new();

    /// <summary>Dynamic topic configs (DYNAMIC_TOPIC_CONFIG), set at creation or by AlterConfigs.</summary>
    public Dictionary<string, string> Overrides { get; } = new(StringComparer.Ordinal);

    /// <summary>Effective configs; refreshed by the cluster whenever a config layer changes.</summary>
    public TopicConfig Config { get; set; } = null!;

    public bool IsInternal => Name.StartsWith("__", StringComparison.Ordinal);
}

/// <summary>
/// A partition: replica assignment, leader, leader epoch, ISR and one <see cref="Replica"/> (own log and producer
/// state) per assigned broker. The leader's replica serves produce and consume; followers copy its batches
/// (<c>Cluster/ClusterState.Replication.cs</c>). The high watermark is the minimum log end offset across the ISR.
/// </summary>
internal sealed class PartitionState
{
    private Replica _current;

    public PartitionState(TopicState topic, int index, int[] replicas, Func<int, Replica> open)
    {
        Topic = topic;
        Index = index;
        Replicas = replicas;
        Isr = new List<int>(replicas);
        Leader = replicas.Length > 0 ? replicas[0] : -1;
        foreach (int r in replicas) ReplicaStates[r] = open(r);
        _current = replicas.Length > 0 ? ReplicaStates[replicas[0]] : open(-1);
    }

    public TopicState Topic { get; }

    public int Index { get; }

    public int[] Replicas { get; }

    public List<int> Isr { get; }

    /// <summary>Each assigned broker's replica, by broker id.</summary>
    public Dictionary<int, Replica> ReplicaStates { get; } = new();

    public int Leader
    {
        get;
        set
        {
            field = value;
            if (value >= 0 && ReplicaStates.TryGetValue(value, out var r)) _current = r;
        }
    }

    public int LeaderEpoch { get; set; }

    /// <summary>The leader's replica (the last leader's while the partition is offline).</summary>
    public Replica LeaderReplica => _current;

    /// <summary>The leader's log: what clients read and coordinators load.</summary>
    public PartitionLog Log => _current.Log;

    /// <summary>The leader's producer state.</summary>
    public ProducerStateTable Producers => _current.Producers;

    /// <summary>The minimum log end offset across the ISR, maintained by the cluster as replicas append.</summary>
    public long HighWatermark { get; set; }

    /// <summary>The first offset of the oldest ongoing transaction, capped at the high watermark (read_committed's limit).</summary>
    public long LastStableOffset => Math.Min(Producers.FirstUnstableOffset ?? long.MaxValue, HighWatermark);

    public string Name => $"{Topic.Name}-{Index}";
}
