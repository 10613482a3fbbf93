using Samsa.Protocol.Messages;

namespace Samsa.Broker.Mini.Coordinators;

/// <summary>One partition to commit.</summary>
internal readonly record struct OffsetCommitItem(string Topic, int Partition, long Offset, int LeaderEpoch, string? Metadata);

internal sealed partial class GroupCoordinator
{
    /// <summary>
    /// Validates the committer against the group (generation or member epoch), then stores and persists each
    /// partition's offset. Returns the group-wide error (applied to every partition) or per-partition errors.
    /// </summary>
    public (ErrorCode GroupError, List<ErrorCode> Errors) CommitOffsets(string groupId, int generationOrEpoch, string memberId,
        string? instanceId, long retentionTimeMs, IReadOnlyList<OffsetCommitItem> items, bool memberEpochSemantics)
    {
        var group = Find(groupId);
        var groupError = ValidateCommit(group, generationOrEpoch, memberId, instanceId, memberEpochSemantics);
        if (groupError != ErrorCode.None) return (groupError, []);
        group ??= GetOrCreate(groupId);
        var config = Config;
        long now = NowMs;
        var errors = new List<ErrorCode>(items.Count);
        var records = new List<(byte[], byte[]?)>();
        foreach (var item in items)
        {
            if (_cluster.FindPartition(item.Topic, item.Partition) is null) errors.Add(ErrorCode.UnknownTopicOrPartition);
            else if ((item.Metadata?.Length ?? 0) > config.MaxMetadataBytes) errors.Add(ErrorCode.OffsetMetadataTooLarge);
            else
            {
                bool explicitExpiry = retentionTimeMs > 0;
                var committed = new CommittedOffset(item.Offset, item.LeaderEpoch, item.Metadata ?? "", now, explicitExpiry ? now + retentionTimeMs : -1);
                group.Offsets[(item.Topic, item.Partition)] = committed;
                records.Add((OffsetStore.OffsetKey(groupId, item.Topic, item.Partition), OffsetStore.OffsetValue(committed, explicitExpiry)));
                errors.Add(ErrorCode.None);
            }
        }
        Append(groupId, records);
        return (ErrorCode.None, errors);
    }

    private ErrorCode ValidateCommit(Group? group, int generation, string memberId, string? instanceId, bool memberEpochSemantics)
    {
        if (group?.Consumer is { } consumer)
        {
            if (generation < 0 && memberId.Length == 0 && consumer.Members.Count == 0) return ErrorCode.None;
            if (!consumer.Members.TryGetValue(memberId, out var cm)) return ErrorCode.UnknownMemberId;
            if (generation != cm.MemberEpoch) return memberEpochSemantics ? ErrorCode.StaleMemberEpoch : ErrorCode.IllegalGeneration;
            return ErrorCode.None;
        }
        if (group is null) return generation < 0 ? ErrorCode.None : ErrorCode.IllegalGeneration;
        if (group.Is(GroupState.Dead)) return ErrorCode.CoordinatorNotAvailable;
        if (generation < 0 && group.Is(GroupState.Empty)) return ErrorCode.None;
        if (group.Is(GroupState.CompletingRebalance)) return ErrorCode.RebalanceInProgress;
        var (error, m) = ValidateMember(group, memberId, instanceId);
        if (error != ErrorCode.None) return error;
        if (generation != group.Generation) return ErrorCode.IllegalGeneration;
        ArmSession(group, m!);
        return ErrorCode.None;
    }

    /// <summary>Committed offsets of a group: all of them when <paramref name="topics"/> is null, else the ones asked for (-1 when none).</summary>
    public List<(string Topic, int Partition, CommittedOffset? Offset)> FetchOffsets(string groupId, IEnumerable<(string Topic, IReadOnlyList<int> Partitions)>? topics)
    {
        var group = Find(groupId);
        var result = new List<(string, int, CommittedOffset?)>();
        if (topics is null)
        {
            if (group is null) return result;
            foreach (var ((t, p), o) in group.Offsets.OrderBy(kv => kv.Key.Topic, StringComparer.Ordinal).ThenBy(kv => kv.Key.Partition))
                result.Add((t, p, o));
            return result;
        }
        foreach (var (topic, partitions) in topics)
            foreach (int p in partitions) result.Add((topic, p, group?.Offsets.GetValueOrDefault((topic, p))));
        return result;
    }

    /// <summary>OffsetFetch v9 member checks for consumer (KIP-848) groups; NONE for classic groups and admin fetches.</summary>
    public ErrorCode ValidateFetchMember(string groupId, string? memberId, int memberEpoch)
    {
        if (memberId is null || Find(groupId)?.Consumer is not { } consumer) return ErrorCode.None;
        if (!consumer.Members.TryGetValue(memberId, out var m)) return ErrorCode.UnknownMemberId;
        return m.MemberEpoch == memberEpoch ? ErrorCode.None : ErrorCode.StaleMemberEpoch;
    }

    /// <summary>OffsetDelete: removes offsets of topics the group is not subscribed to.</summary>
    public (ErrorCode GroupError, List<ErrorCode> Errors) DeleteOffsets(string groupId, IReadOnlyList<(string Topic, int Partition)> partitions)
    {
        var group = Find(groupId);
        if (group is null || group.Is(GroupState.Dead)) return (ErrorCode.GroupIdNotFound, []);
        bool empty = group.Consumer is { } c ? c.Members.Count == 0 : group.Is(GroupState.Empty);
        if (!empty && !group.IsConsumerGroup && group.ProtocolType != "consumer") return (ErrorCode.NonEmptyGroup, []);
        var subscribed = empty ? new HashSet<string>() : SubscribedTopics(group);
        var errors = new List<ErrorCode>();
        var tombstones = new List<(byte[], byte[]?)>();
        foreach (var (topic, partition) in partitions)
        {
            if (subscribed.Contains(topic)) errors.Add(ErrorCode.GroupSubscribedToTopic);
            else if (_cluster.FindPartition(topic, partition) is null) errors.Add(ErrorCode.UnknownTopicOrPartition);
            else
            {
                if (group.Offsets.Remove((topic, partition))) tombstones.Add((OffsetStore.OffsetKey(groupId, topic, partition), null));
                errors.Add(ErrorCode.None);
            }
        }
        Append(groupId, tombstones);
        return (ErrorCode.None, errors);
    }

    /// <summary>Topics the group's members subscribe to (consumer protocol groups only).</summary>
    public HashSet<string> SubscribedTopics(Group group)
    {
        var topics = new HashSet<string>(StringComparer.Ordinal);
        if (group.Consumer is { } consumer)
        {
            foreach (var m in consumer.Members.Values) topics.UnionWith(m.SubscribedTopics);
            return topics;
        }
        if (group.ProtocolType != "consumer" || group.ProtocolName is null) return topics;
        foreach (var m in group.Members.Values)
        {
            if (ParseSubscription(m.MetadataFor(group.ProtocolName)) is { } subscription) topics.UnionWith(subscription.Topics);
        }
        return topics;
    }

    /// <summary>Decodes a consumer protocol subscription (version prefix, then the body; newer versions read as the newest known).</summary>
    public static ConsumerProtocolSubscription? ParseSubscription(byte[] metadata)
    {
        if (metadata.Length < 2) return null;
        try
        {
            var reader = new KafkaReader(metadata.AsMemory());
            short version = reader.ReadInt16();
            var subscription = new ConsumerProtocolSubscription();
            subscription.Read(ref reader, Math.Min(version, ConsumerProtocolSubscription.HighestSupportedVersion));
            return subscription;
        }
        catch (KafkaProtocolException)
        {
            return null;
        }
    }

    /// <summary>Drops offsets past <c>offsets.retention.minutes</c> (Kafka's KIP-211 rules) and groups left with nothing.</summary>
    public void ExpireOffsets()
    {
        long now = NowMs;
        long retention = Config.OffsetsRetentionMs;
        int count = 0;
        foreach (var group in _groups.Values.ToList())
        {
            bool empty = group.Consumer is { } c ? c.Members.Count == 0 : group.Is(GroupState.Empty);
            var subscribed = empty ? new HashSet<string>() : SubscribedTopics(group);
            bool usesConsumerProtocol = group.IsConsumerGroup || group.ProtocolType == "consumer";
            var expired = group.Offsets.Where(kv =>
            {
                var o = kv.Value;
                if (o.ExpireTimestamp >= 0) return now >= o.ExpireTimestamp;
                if (empty) return now - (group.ProtocolType is null && !group.IsConsumerGroup ? o.CommitTimestamp : Math.Max(group.EmptySinceMs, 0)) >= retention;
                return usesConsumerProtocol && !subscribed.Contains(kv.Key.Topic) && now - o.CommitTimestamp >= retention;
            }).Select(kv => kv.Key).ToList();
            foreach (var key in expired) group.Offsets.Remove(key);
            count += expired.Count;
            if (empty && group.Offsets.Count == 0 && group.Members.Count == 0 && expired.Count > 0) DeleteGroup(group);
            else Append(group.Id, expired.Select(k => (OffsetStore.OffsetKey(group.Id, k.Topic, k.Partition), (byte[]?)null)));
        }
        if (count > 0) CoordinatorLog.OffsetsExpired(Logger, count);
    }
}
