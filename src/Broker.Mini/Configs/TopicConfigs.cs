namespace Samsa.Broker.Mini.Configs;

/// <summary>Kafka's topic-level configs with their defaults and broker-level synonyms.</summary>
internal static class TopicConfigs
{
    public const string CleanupPolicy = "cleanup.policy";
    public const string CompressionType = "compression.type";
    public const string DeleteRetentionMs = "delete.retention.ms";
    public const string MaxMessageBytes = "max.message.bytes";
    public const string MessageTimestampType = "message.timestamp.type";
    public const string MessageTimestampBeforeMaxMs = "message.timestamp.before.max.ms";
    public const string MessageTimestampAfterMaxMs = "message.timestamp.after.max.ms";
    public const string MinInsyncReplicas = "min.insync.replicas";
    public const string RetentionBytes = "retention.bytes";
    public const string RetentionMs = "retention.ms";
    public const string SegmentBytes = "segment.bytes";
    public const string SegmentMs = "segment.ms";
    public const string IndexIntervalBytes = "index.interval.bytes";
    public const string SegmentIndexBytes = "segment.index.bytes";
    public const string UncleanLeaderElectionEnable = "unclean.leader.election.enable";

    private const string LongMax = "9223372036854775807";

    /// <summary>Every topic config, by name.</summary>
    public static IReadOnlyDictionary<string, ConfigDef> All { get; } = new ConfigDef[]
    {
        new(CleanupPolicy, ConfigType.List, "delete", "The retention policy for old log segments: delete, compact or both.",
            "log.cleanup.policy", ValidValues: ["delete", "compact"]),
        new(CompressionType, ConfigType.String, "producer", "The final compression type for the topic; producer keeps the producer's codec.",
            "compression.type", ValidValues: ["uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"]),
        new(DeleteRetentionMs, ConfigType.Long, "86400000", "How long delete tombstones are kept for compacted topics.",
            "log.cleaner.delete.retention.ms", Min: 0),
        new("file.delete.delay.ms", ConfigType.Long, "60000", "Time to wait before deleting a file from the filesystem.",
            "log.segment.delete.delay.ms", Min: 0),
        new("flush.messages", ConfigType.Long, LongMax, "Messages between forced fsyncs.", "log.flush.interval.messages", Min: 1),
        new("flush.ms", ConfigType.Long, LongMax, "Time between forced fsyncs.", "log.flush.interval.ms", Min: 0),
        new(IndexIntervalBytes, ConfigType.Int, "4096", "How often an offset index entry is added.", "log.index.interval.bytes", Min: 0),
        new("max.compaction.lag.ms", ConfigType.Long, LongMax, "Maximum time a message stays ineligible for compaction.",
            "log.cleaner.max.compaction.lag.ms", Min: 1),
        new(MaxMessageBytes, ConfigType.Int, "1048588", "The largest record batch size allowed.", "message.max.bytes", Min: 0),
        new(MessageTimestampAfterMaxMs, ConfigType.Long, "3600000", "How far in the future a CreateTime timestamp may be.",
            "log.message.timestamp.after.max.ms", Min: 0),
        new(MessageTimestampBeforeMaxMs, ConfigType.Long, LongMax, "How far in the past a CreateTime timestamp may be.",
            "log.message.timestamp.before.max.ms", Min: 0),
        new(MessageTimestampType, ConfigType.String, "CreateTime", "Whether record timestamps are CreateTime or LogAppendTime.",
            "log.message.timestamp.type", ValidValues: ["CreateTime", "LogAppendTime"]),
        new("min.cleanable.dirty.ratio", ConfigType.Double, "0.5", "Dirty ratio that makes a log eligible for cleaning.",
            "log.cleaner.min.cleanable.ratio", Min: 0, Max: 1),
        new("min.compaction.lag.ms", ConfigType.Long, "0", "Minimum time a message stays uncompacted.",
            "log.cleaner.min.compaction.lag.ms", Min: 0),
        new(MinInsyncReplicas, ConfigType.Int, "1", "Minimum in-sync replicas for acks=all writes.", "min.insync.replicas", Min: 1),
        new("preallocate", ConfigType.Boolean, "false", "Preallocate segment files.", "log.preallocate"),
        new(RetentionBytes, ConfigType.Long, "-1", "Maximum partition size before old segments are deleted; -1 is unlimited.",
            "log.retention.bytes"),
        new(RetentionMs, ConfigType.Long, "604800000", "How long a segment is kept; -1 is forever.", "log.retention.ms", Min: -1),
        new(SegmentBytes, ConfigType.Int, "1073741824", "Segment file size.", "log.segment.bytes", Min: 14),
        new(SegmentIndexBytes, ConfigType.Int, "10485760", "Offset index size.", "log.index.size.max.bytes", Min: 4),
        new("segment.jitter.ms", ConfigType.Long, "0", "Random jitter subtracted from segment.ms.", "log.roll.jitter.ms", Min: 0),
        new(SegmentMs, ConfigType.Long, "604800000", "Time after which a segment is rolled.", "log.roll.ms", Min: 1),
        new("unclean.leader.election.enable", ConfigType.Boolean, "false", "Allow out-of-sync replicas to become leader.",
            "unclean.leader.election.enable"),
    }.ToDictionary(d => d.Name, StringComparer.Ordinal);
}
