using System.Text.Json;
using Samsa.Protocol.Primitives;

namespace Samsa.Broker.Mini.Cluster;

internal sealed partial class ClusterState
{
    private const string MetadataFileName = "cluster-metadata.json";
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    private sealed class MetadataFile
    {
        public string ClusterId { get; set; } = "";
        public long NextProducerId { get; set; }
        public List<TopicRecord> Topics { get; set; } = new();
        public Dictionary<string, string> DynamicDefaultBrokerConfigs { get; set; } = new();
        public Dictionary<int, Dictionary<string, string>> DynamicBrokerConfigs { get; set; } = new();
    }

    private sealed class TopicRecord
    {
        public string Name { get; set; } = "";
        public string Id { get; set; } = "";
        public Dictionary<string, string> Configs { get; set; } = new();
        public List<PartitionRecord> Partitions { get; set; } = new();
    }

    private sealed class PartitionRecord
    {
        public int[] Replicas { get; set; } = [];
        public int LeaderEpoch { get; set; }
        public int Leader { get; set; } = -1;
        public int[]? Isr { get; set; }
    }

    private string? MetadataPath => Options.DataDirectory is null ? null : Path.Combine(Options.DataDirectory, MetadataFileName);

    /// <summary>Writes topics, ids, assignments, epochs and dynamic configs to the data directory (atomically), in disk mode.</summary>
    public void SaveMetadata()
    {
        if (MetadataPath is not { } path) return;
        var file = new MetadataFile
        {
            ClusterId = ClusterId,
            NextProducerId = _nextProducerId,
            DynamicDefaultBrokerConfigs = new(DynamicDefaultBrokerConfigs),
            DynamicBrokerConfigs = DynamicBrokerConfigs.ToDictionary(kv => kv.Key, kv => new Dictionary<string, string>(kv.Value)),
            Topics = Topics.Values.Select(t => new TopicRecord
            {
                Name = t.Name,
                Id = t.Id.ToString(),
                Configs = new(t.Overrides),
                Partitions = t.Partitions.Select(p => new PartitionRecord { Replicas = p.Replicas, LeaderEpoch = p.LeaderEpoch, Leader = p.Leader, Isr = p.Isr.ToArray() }).ToList(),
            }).ToList(),
        };
        Directory.CreateDirectory(Options.DataDirectory!);
        File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(file, JsonOptions));
        File.Move(path + ".tmp", path, overwrite: true);
    }

    /// <summary>
    /// Loads saved metadata and recovers every partition log; call after the brokers are marked alive. Each partition
    /// gets a new leader epoch (a restart is a new leadership) and its idempotent producer state is rebuilt from the log.
    /// </summary>
    public void LoadMetadata()
    {
        if (MetadataPath is not { } path || !File.Exists(path)) return;
        var file = JsonSerializer.Deserialize<MetadataFile>(File.ReadAllText(path), JsonOptions) ?? new MetadataFile();
        if (Options.ClusterId is null && file.ClusterId.Length > 0) ClusterId = file.ClusterId;
        _nextProducerId = file.NextProducerId;
        foreach (var (k, v) in file.DynamicDefaultBrokerConfigs) DynamicDefaultBrokerConfigs[k] = v;
        foreach (var (id, configs) in file.DynamicBrokerConfigs) DynamicBrokerConfigs[id] = new(configs, StringComparer.Ordinal);
        foreach (var record in file.Topics)
        {
            var topic = new TopicState(record.Name, Uuid.Parse(record.Id));
            foreach (var (k, v) in record.Configs) topic.Overrides[k] = v;
            RefreshTopicConfig(topic);   // the index settings of the segments its replicas open
            Topics[topic.Name] = topic;
            TopicsById[topic.Id] = topic;
            foreach (var pr in record.Partitions)
            {
                int index = topic.Partitions.Count;
                var replicas = pr.Replicas.Where(r => r >= 0 && r < Brokers.Length).ToArray();
                var p = new PartitionState(topic, index, replicas, broker => OpenReplica(topic, index, broker)) { LeaderEpoch = pr.LeaderEpoch + 1 };
                foreach (var r in p.ReplicaStates.Values)
                {
                    r.RebuildProducerState();
                    r.NeedsTruncation = true;
                }
                // The saved ISR holds every acknowledged acks=all write; the previous leader has the longest log among it.
                if (pr.Isr is { Length: > 0 } isr)
                {
                    p.Isr.Clear();
                    p.Isr.AddRange(isr.Where(replicas.Contains));
                }
                p.Isr.RemoveAll(r => !Brokers[r].IsAlive);
                p.Leader = p.Isr.Contains(pr.Leader) ? pr.Leader : p.Isr.Count > 0 ? p.Isr[0] : -1;
                if (p.Leader >= 0) p.ReplicaStates[p.Leader].NeedsTruncation = false;
                p.Log.AssignEpoch(p.LeaderEpoch);
                UpdateHighWatermark(p);
                topic.Partitions.Add(p);
            }
        }
        RefreshTopicConfigs();
        Log.MetadataLoaded(Logger, file.Topics.Count, path);
        SaveMetadata();
    }
}
