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
/// A partition: replica assignment, leader, leader epoch, ISR, its log and its idempotent producer state.
/// Replication is logical: all replicas share the one log, so the high watermark equals the log end offset and
/// every live replica is in sync. Stopping a broker shrinks ISRs and moves leadership with an epoch bump.
/// </summary>
internal sealed class PartitionState(TopicState topic, int index, int[] replicas, PartitionLog log)
{
    public TopicState Topic { get; } = topic;

    public int Index { get; } = index;

    public int[] Replicas { get; set; } = replicas;

    public List<int> Isr { get; } = new(replicas);

    public int Leader { get; set; } = replicas.Length > 0 ? replicas[0] : -1;

    public int LeaderEpoch { get; set; }

    public PartitionLog Log { get; } = log;

    public ProducerStateTable Producers { get; } = new();

    public long HighWatermark => Log.LogEndOffset;

    /// <summary>The first offset of the oldest ongoing transaction, capped at the high watermark (read_committed's limit).</summary>
    public long LastStableOffset => Math.Min(Producers.FirstUnstableOffset ?? long.MaxValue, HighWatermark);

    public string Name => $"{Topic.Name}-{Index}";
}
