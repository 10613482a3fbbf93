using System.Globalization;
using Samsa.Broker.Mini.Cluster;

namespace Samsa.Broker.Mini.Coordinators;

/// <summary>The group coordinator's broker configs (Kafka names and defaults), resolved through the config layers.</summary>
internal sealed record GroupConfig(
    int InitialRebalanceDelayMs,
    int MinSessionTimeoutMs,
    int MaxSessionTimeoutMs,
    int MaxSize,
    long OffsetsRetentionMs,
    long RetentionCheckIntervalMs,
    int MaxMetadataBytes,
    int OffsetsTopicPartitions,
    short OffsetsTopicReplicationFactor,
    int ConsumerHeartbeatIntervalMs,
    int ConsumerSessionTimeoutMs,
    string[] ConsumerAssignors)
{
    /// <summary>Reads the current values; call under <see cref="ClusterState.Sync"/>.</summary>
    public static GroupConfig From(ClusterState cluster)
    {
        string S(string name) => cluster.BrokerConfig(Math.Max(cluster.ControllerId, 0), name).Value ?? "";
        long L(string name) => long.Parse(S(name), CultureInfo.InvariantCulture);
        return new GroupConfig(
            (int)L("group.initial.rebalance.delay.ms"),
            (int)L("group.min.session.timeout.ms"),
            (int)L("group.max.session.timeout.ms"),
            (int)L("group.max.size"),
            L("offsets.retention.minutes") * 60_000,
            L("offsets.retention.check.interval.ms"),
            (int)L("offset.metadata.max.bytes"),
            (int)L("offsets.topic.num.partitions"),
            (short)L("offsets.topic.replication.factor"),
            (int)L("group.consumer.heartbeat.interval.ms"),
            (int)L("group.consumer.session.timeout.ms"),
            S("group.consumer.assignors").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }
}
