using Microsoft.Extensions.Logging;
using Samsa.Broker.Mini.Cluster;

namespace Samsa.Broker.Mini.Coordinators;

/// <summary>
/// The group coordinator of the whole cluster. Each group belongs to the partition of <c>__consumer_offsets</c> chosen
/// by Kafka's hash of its id, and the leader of that partition is its coordinator, so coordination moves with
/// leadership when a broker stops. All state is guarded by <see cref="ClusterState.Sync"/>: every public method must
/// be called under it. Long-polls hand back tasks that complete later; timers (on the cluster's
/// <see cref="TimeProvider"/>) take the lock themselves, so nothing blocks the lock while waiting.
/// </summary>
internal sealed partial class GroupCoordinator
{
    /// <summary>Kafka's internal topic of committed offsets and group metadata.</summary>
    public const string OffsetsTopicName = "__consumer_offsets";

    private readonly ClusterState _cluster;
    private readonly Dictionary<string, Group> _groups = new(StringComparer.Ordinal);
    private ITimer? _retentionTimer;

    public GroupCoordinator(ClusterState cluster)
    {
        _cluster = cluster;
        Load();
    }

    public ILogger Logger => _cluster.Logger;

    public long NowMs => _cluster.NowMs;

    /// <summary>Current configs (they may change through AlterConfigs).</summary>
    public GroupConfig Config => GroupConfig.From(_cluster);

    public IEnumerable<Group> Groups => _groups.Values;

    public Group? Find(string groupId) => _groups.GetValueOrDefault(groupId);

    public Group GetOrCreate(string groupId)
    {
        if (!_groups.TryGetValue(groupId, out var group))
        {
            group = new Group(groupId) { EmptySinceMs = NowMs };
            _groups[groupId] = group;
        }
        return group;
    }

    /// <summary>Kafka's <c>Utils.abs(groupId.hashCode()) % partitions</c>, with Java's string hash.</summary>
    public static int PartitionFor(string groupId, int partitions)
    {
        int h = 0;
        foreach (char c in groupId) h = unchecked((31 * h) + c);
        int abs = h == int.MinValue ? 0 : Math.Abs(h);
        return abs % partitions;
    }

    /// <summary>Creates <c>__consumer_offsets</c> (compacted, internal) the first time a coordinator is needed.</summary>
    public TopicState OffsetsTopic()
    {
        if (_cluster.Topics.TryGetValue(OffsetsTopicName, out var topic)) return topic;
        var config = Config;
        int rf = Math.Max(1, Math.Min(config.OffsetsTopicReplicationFactor, _cluster.AliveBrokerCount));
        var configs = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["cleanup.policy"] = "compact",
            ["compression.type"] = "producer",
            ["segment.bytes"] = "104857600",
        };
        return _cluster.CreateTopic(OffsetsTopicName, _cluster.AssignReplicas(config.OffsetsTopicPartitions, rf), configs);
    }

    /// <summary>The offsets partition that holds <paramref name="groupId"/>.</summary>
    public PartitionState PartitionOf(string groupId)
    {
        var topic = OffsetsTopic();
        return topic.Partitions[PartitionFor(groupId, topic.Partitions.Count)];
    }

    /// <summary>The coordinator of a group, or the error a client should see.</summary>
    public (ErrorCode Error, BrokerNode? Broker) CoordinatorOf(string groupId)
    {
        var partition = PartitionOf(groupId);
        if (partition.Leader < 0 || !_cluster.Brokers[partition.Leader].IsAlive) return (ErrorCode.CoordinatorNotAvailable, null);
        return (ErrorCode.None, _cluster.Brokers[partition.Leader]);
    }

    /// <summary>NOT_COORDINATOR unless <paramref name="brokerId"/> coordinates <paramref name="groupId"/>; INVALID_GROUP_ID for an empty id.</summary>
    public ErrorCode CheckCoordinator(string? groupId, int brokerId)
    {
        if (string.IsNullOrEmpty(groupId)) return ErrorCode.InvalidGroupId;
        var (error, broker) = CoordinatorOf(groupId);
        if (error != ErrorCode.None) return error;
        return broker!.Id == brokerId ? ErrorCode.None : ErrorCode.NotCoordinator;
    }

    /// <summary>Runs <paramref name="action"/> under the cluster lock after <paramref name="delayMs"/>, unless the cluster has stopped.</summary>
    public ITimer Schedule(long delayMs, Action action) =>
        _cluster.Time.CreateTimer(_ => OnTimer(action), null, TimeSpan.FromMilliseconds(Math.Max(0, delayMs)), Timeout.InfiniteTimeSpan);

    /// <summary>Deletes a group that has no members and writes tombstones for it and its offsets.</summary>
    public void DeleteGroup(Group group)
    {
        var tombstones = group.Offsets.Keys.Select(k => OffsetStore.OffsetKey(group.Id, k.Topic, k.Partition)).ToList();
        tombstones.Add(OffsetStore.GroupKey(group.Id));
        group.Offsets.Clear();
        group.State = GroupState.Dead;
        group.RebalanceTimer?.Dispose();
        _groups.Remove(group.Id);
        Append(group.Id, tombstones.Select(k => (k, (byte[]?)null)));
    }

    private void OnTimer(Action action)
    {
        try
        {
            lock (_cluster.Sync)
            {
                if (!_cluster.Brokers.Any(b => b.IsAlive)) return;
                action();
            }
        }
        catch (Exception ex)
        {
            CoordinatorLog.TimerFailed(Logger, ex);
        }
    }

    private void ArmRetention()
    {
        _retentionTimer?.Dispose();
        _retentionTimer = Schedule(Config.RetentionCheckIntervalMs, () =>
        {
            ExpireOffsets();
            ArmRetention();
        });
    }
}
