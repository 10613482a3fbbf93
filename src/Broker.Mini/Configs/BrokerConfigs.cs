namespace Samsa.Broker.Mini.Configs;

/// <summary>Kafka's broker-level configs that Broker.Mini honours or reports, with Kafka's defaults.</summary>
internal static class BrokerConfigs
{
    public const string AutoCreateTopicsEnable = "auto.create.topics.enable";
    public const string NumPartitions = "num.partitions";
    public const string DefaultReplicationFactor = "default.replication.factor";
    public const string SocketRequestMaxBytes = "socket.request.max.bytes";
    public const string DeleteTopicEnable = "delete.topic.enable";
    public const string LogRetentionCheckIntervalMs = "log.retention.check.interval.ms";
    public const string LogCleanerEnable = "log.cleaner.enable";
    public const string LogCleanerBackoffMs = "log.cleaner.backoff.ms";
    public const string ReplicaLagTimeMaxMs = "replica.lag.time.max.ms";
    public const string OffsetsCommitTimeoutMs = "offsets.commit.timeout.ms";
    public const string RequestTimeoutMs = "request.timeout.ms";
    public const string AutoLeaderRebalanceEnable = "auto.leader.rebalance.enable";
    public const string LeaderImbalanceCheckIntervalSeconds = "leader.imbalance.check.interval.seconds";


    /// <summary>Every broker config, by name: the topic synonyms plus broker-only keys.</summary>
    public static IReadOnlyDictionary<string, ConfigDef> All { get; } = Build();

    private static Dictionary<string, ConfigDef> Build()
    {
        var list = new List<ConfigDef>
        {
            new("node.id", ConfigType.Int, null, "The node id of this broker.", ReadOnly: true),
            new("broker.id", ConfigType.Int, "-1", "The broker id (same as node.id).", ReadOnly: true),
            new("log.dirs", ConfigType.String, null, "Directories holding log data.", ReadOnly: true),
            new(AutoCreateTopicsEnable, ConfigType.Boolean, "true", "Create topics on Metadata requests for unknown topics."),
            new(NumPartitions, ConfigType.Int, "1", "Default partition count for new topics.", Min: 1),
            new(DefaultReplicationFactor, ConfigType.Int, "1", "Default replication factor for new topics.", Min: 1),
            new(DeleteTopicEnable, ConfigType.Boolean, "true", "Allow DeleteTopics."),
            new(SocketRequestMaxBytes, ConfigType.Int, "104857600", "Largest request frame accepted.", Min: 1, ReadOnly: true),
            new(LogRetentionCheckIntervalMs, ConfigType.Long, "300000", "How often retention is enforced.", Min: 1),
            new(LogCleanerEnable, ConfigType.Boolean, "true", "Run the log cleaner for compacted topics."),
            new(LogCleanerBackoffMs, ConfigType.Long, "15000", "How long the cleaner sleeps when no log needs cleaning.", Min: 0),
            new(ReplicaLagTimeMaxMs, ConfigType.Long, "30000", "How long a follower may lag its leader before it leaves the ISR.", Min: 1),
            new(OffsetsCommitTimeoutMs, ConfigType.Int, "5000",
                "How long a group coordinator write (offsets, group state) waits for the in-sync replicas before failing.", Min: 1),
            new(RequestTimeoutMs, ConfigType.Int, "30000", "How long a transaction coordinator write waits for the in-sync replicas.", Min: 0),
            new(AutoLeaderRebalanceEnable, ConfigType.Boolean, "true", "Move leadership back to preferred replicas in the background."),
            new(LeaderImbalanceCheckIntervalSeconds, ConfigType.Long, "300", "How often leader imbalance is checked.", Min: 1),
            new("offsets.topic.replication.factor", ConfigType.Short, "3", "Replication factor of __consumer_offsets.", Min: 1),
            new("offsets.topic.num.partitions", ConfigType.Int, "50", "Partitions of __consumer_offsets.", Min: 1),
            new("log.retention.hours", ConfigType.Int, "168", "Hours to keep a segment (log.retention.ms wins when set)."),
            // Group coordinator (Coordinators/GroupConfig.cs reads these).
            new("group.initial.rebalance.delay.ms", ConfigType.Int, "3000", "Delay before the first rebalance of an empty group.", Min: 0),
            new("group.min.session.timeout.ms", ConfigType.Int, "6000", "Smallest session timeout a member may ask for.", Min: 0),
            new("group.max.session.timeout.ms", ConfigType.Int, "1800000", "Largest session timeout a member may ask for.", Min: 0),
            new("group.max.size", ConfigType.Int, "2147483647", "Most members a classic group may have.", Min: 1),
            new("offsets.retention.minutes", ConfigType.Int, "10080", "Minutes to keep committed offsets of an empty group.", Min: 1),
            new("offsets.retention.check.interval.ms", ConfigType.Long, "600000", "How often expired offsets are removed.", Min: 1),
            new("offset.metadata.max.bytes", ConfigType.Int, "4096", "Largest metadata string of an offset commit.", Min: 0),
            new("group.consumer.heartbeat.interval.ms", ConfigType.Int, "5000", "Heartbeat interval of consumer (KIP-848) groups.", Min: 1),
            new("group.consumer.session.timeout.ms", ConfigType.Int, "45000", "Session timeout of consumer (KIP-848) groups.", Min: 1),
            // Transaction coordinator (Coordinators/TransactionCoordinator*.cs reads these).
            new("transaction.state.log.num.partitions", ConfigType.Int, "50", "Partitions of __transaction_state.", Min: 1),
            new("transaction.state.log.replication.factor", ConfigType.Short, "3", "Replication factor of __transaction_state.", Min: 1),
            new("transaction.max.timeout.ms", ConfigType.Int, "900000", "Largest transaction timeout a producer may ask for.", Min: 1),
            new("group.consumer.assignors", ConfigType.List, "uniform,range", "Server-side assignors; the first is the default.", ValidValues: ["uniform", "range"]),
        };
        foreach (var topic in TopicConfigs.All.Values)
        {
            if (topic.BrokerSynonym is { } name && !list.Any(d => d.Name == name))
                list.Add(topic with { Name = name, BrokerSynonym = null });
        }
        return list.ToDictionary(d => d.Name, StringComparer.Ordinal);
    }
}
