using Samsa.Broker.Mini.Storage;
using Samsa.Protocol;
using Samsa.Protocol.Primitives;

namespace Samsa.Broker.Mini.Cluster;

internal sealed partial class ClusterState
{
    private int _assignmentStart;

    /// <summary>Kafka's topic name rules; returns null when <paramref name="name"/> is legal, otherwise why not.</summary>
    public static string? ValidateTopicName(string? name)
    {
        if (string.IsNullOrEmpty(name)) return "Topic name is illegal, it can't be empty";
        if (name is "." or "..") return "Topic name cannot be \".\" or \"..\"";
        if (name.Length > 249) return $"Topic name is illegal, it can't be longer than 249 characters, topic name: {name}";
        foreach (char c in name)
            if (!(c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '.' or '_' or '-'))
                return $"Topic name \"{name}\" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'";
        return null;
    }

    /// <summary>Kafka-style round-robin replica assignment over all brokers, rotating the start per topic.</summary>
    public int[][] AssignReplicas(int partitions, int replicationFactor, int firstPartition = 0)
    {
        int n = Brokers.Length;
        int start = _assignmentStart++ % n;
        var result = new int[partitions][];
        for (int p = 0; p < partitions; p++)
        {
            result[p] = new int[replicationFactor];
            for (int r = 0; r < replicationFactor; r++) result[p][r] = Brokers[(start + firstPartition + p + r) % n].Id;
        }
        return result;
    }

    /// <summary>Creates a topic (names, counts and configs already validated).</summary>
    public TopicState CreateTopic(string name, int[][] assignment, IReadOnlyDictionary<string, string> configs, Uuid? id = null)
    {
        var topic = new TopicState(name, id ?? NewTopicId());
        foreach (var (k, v) in configs) topic.Overrides[k] = v;
        RefreshTopicConfig(topic);
        Topics[name] = topic;
        TopicsById[topic.Id] = topic;
        AddPartitionStates(topic, assignment);
        Log.TopicCreated(Logger, name, topic.Id.ToString(), assignment.Length, assignment.Length == 0 ? 0 : assignment[0].Length);
        SaveMetadata();
        return topic;
    }

    /// <summary>Adds partitions with the given replica assignments to an existing topic.</summary>
    public void AddPartitions(TopicState topic, int[][] assignment)
    {
        AddPartitionStates(topic, assignment);
        SaveMetadata();
        SignalDataArrived();
    }

    public void DeleteTopic(TopicState topic)
    {
        Topics.Remove(topic.Name);
        TopicsById.Remove(topic.Id);
        foreach (var r in topic.Partitions.SelectMany(p => p.ReplicaStates.Values))
        {
            r.Log.Dispose();
            r.Log.Delete();
        }
        Log.TopicDeleted(Logger, topic.Name);
        SaveMetadata();
        foreach (var saved in _cleanerCheckpoints.Values)
            foreach (var key in saved.Keys.Where(k => k.Topic == topic.Name).ToList()) saved.Remove(key);
        if (topic.Config.Compact) SaveCleanerCheckpoints();
        SignalDataArrived();
    }

    /// <summary>Enforces retention on every partition (never past the high watermark).</summary>
    public void ApplyRetention()
    {
        long now = NowMs;
        foreach (var topic in Topics.Values)
        {
            if (!topic.Config.Delete) continue;
            foreach (var p in topic.Partitions)
                foreach (var r in p.ReplicaStates.Values) r.Log.ApplyRetention(topic.Config.Limits, now, p.HighWatermark);
        }
    }

    private void AddPartitionStates(TopicState topic, int[][] assignment)
    {
        foreach (var replicas in assignment)
        {
            int index = topic.Partitions.Count;
            var p = new PartitionState(topic, index, replicas, broker => OpenReplica(topic, index, broker));
            p.Isr.RemoveAll(r => !Brokers[r].IsAlive);
            p.Leader = p.Isr.Count > 0 ? p.Isr[0] : -1;
            foreach (var r in p.ReplicaStates.Values) r.Log.AssignEpoch(0);
            topic.Partitions.Add(p);
        }
    }

    /// <summary>Opens (recovering in disk mode) one broker's replica of a partition; each broker has its own directory.</summary>
    private Replica OpenReplica(TopicState topic, int partition, int brokerId)
    {
        string? dir = Options.DataDirectory is null ? null : Path.Combine(Options.DataDirectory, $"broker-{brokerId}", $"{topic.Name}-{partition}");
        var log = PartitionLog.Open($"{topic.Name}-{partition}@{brokerId}", dir, NowMs, Logger, topic.Config.Limits);
        LoadCleanerCheckpoint(topic.Name, partition, brokerId, log);
        return new Replica(brokerId, log) { LastCaughtUpMs = NowMs };
    }

    private Uuid NewTopicId()
    {
        Uuid id;
        do id = Uuid.NewRandom(); while (id == Uuid.Zero || id == Uuid.MetadataTopicId || TopicsById.ContainsKey(id));
        return id;
    }

    /// <summary>Maps an error to Kafka's answer when a request for <paramref name="p"/> reaches <paramref name="brokerId"/>.</summary>
    public ErrorCode LeaderError(PartitionState p, int brokerId) =>
        p.Leader < 0 ? ErrorCode.LeaderNotAvailable : p.Leader != brokerId ? ErrorCode.NotLeaderOrFollower : ErrorCode.None;

    /// <summary>Kafka's current-leader-epoch fencing: FENCED_LEADER_EPOCH when older, UNKNOWN_LEADER_EPOCH when newer.</summary>
    public static ErrorCode EpochError(PartitionState p, int currentLeaderEpoch) =>
        currentLeaderEpoch < 0 || currentLeaderEpoch == p.LeaderEpoch ? ErrorCode.None
        : currentLeaderEpoch < p.LeaderEpoch ? ErrorCode.FencedLeaderEpoch : ErrorCode.UnknownLeaderEpoch;
}
