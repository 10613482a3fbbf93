using Samsa.Client;
using Samsa.Consumer.Assignors;
using Samsa.Protocol;
using Samsa.Protocol.Messages;

namespace Samsa.Consumer.Groups;

internal sealed partial class ClassicGroup
{
    private async Task JoinAndSyncAsync(CancellationToken token)
    {
        var topics = await ResolveTopicsAsync(token).ConfigureAwait(false);
        var owned = Partitions.Snapshot();
        int generation;
        lock (Sync) generation = _generation;
        if (_protocol == RebalanceProtocol.Eager && owned.Count > 0)
        {
            // Eager: give everything up before joining (commit first when auto-committing, as Java's onJoinPrepare does).
            if (Options.EnableAutoCommit) await Partitions.TryCommitAsync(owned, token).ConfigureAwait(false);
            await Partitions.RevokeAsync(owned, lost: false).ConfigureAwait(false);
            owned = [];
        }
        else if (Options.EnableAutoCommit && owned.Count > 0) await Partitions.TryCommitAsync(owned, token).ConfigureAwait(false);
        var request = new JoinGroupRequest
        {
            GroupId = GroupId,
            SessionTimeoutMs = Options.SessionTimeoutMs,
            RebalanceTimeoutMs = Options.MaxPollIntervalMs,
            MemberId = MemberId,
            ProtocolType = ConsumerProtocol.ProtocolType,
        };
        // Eager members own nothing when joining; they also advertise no generation, so that a static member that restarts
        // sends the same metadata as before and the coordinator can hand its assignment back without a rebalance.
        int advertised = _protocol == RebalanceProtocol.Eager ? -1 : generation;
        foreach (var assignor in _assignors)
        {
            var userData = assignor.SubscriptionUserData(topics, owned, advertised);
            request.Protocols.Add(new JoinGroupRequest.JoinGroupRequestProtocol
            {
                Name = assignor.Name,
                Metadata = ConsumerProtocol.WriteSubscription(topics, userData, owned, advertised, Options.ClientRack),
            });
        }
        JoinGroupResponse join;
        while (true)
        {
            var connection = await Cluster.GetCoordinatorConnectionAsync(CoordinatorType.Group, GroupId, token).ConfigureAwait(false);
            short version = connection.SelectVersion(request);
            if (version < 1) request.RebalanceTimeoutMs = -1;
            request.GroupInstanceId = version >= 5 ? Options.GroupInstanceId : null;
            if (version < 5 && Options.GroupInstanceId is not null)
                throw new UnsupportedVersionException("Static membership (group.instance.id) needs JoinGroup v5 (Kafka 2.3).", ApiKey.JoinGroup);
            var timeout = JoinTimeout;
            join = await connection.SendAsync(request, version, timeout, token).ConfigureAwait(false);
            var error = (ErrorCode)join.ErrorCode;
            if (error == ErrorCode.MemberIdRequired)
            {
                // KIP-394: the coordinator hands out a member id on the first JoinGroup; join again with it.
                lock (Sync) CurrentMemberId = join.MemberId;
                request.MemberId = join.MemberId;
                continue;
            }
            if (error == ErrorCode.UnknownMemberId)
            {
                lock (Sync) CurrentMemberId = "";
                request.MemberId = "";
                continue;
            }
            if (error is ErrorCode.RebalanceInProgress) continue;
            if (error != ErrorCode.None)
            {
                await HandleGroupErrorAsync(error).ConfigureAwait(false);
                return;
            }
            break;
        }
        bool isLeader = join.Leader == join.MemberId;
        lock (Sync)
        {
            CurrentMemberId = join.MemberId;
            _generation = join.GenerationId;
        }
        string protocolName = join.ProtocolName ?? _assignors[0].Name;
        Log.Joined(Logger, GroupId, join.GenerationId, join.MemberId, isLeader, protocolName);
        var sync = new SyncGroupRequest
        {
            GroupId = GroupId,
            GenerationId = join.GenerationId,
            MemberId = join.MemberId,
        };
        if (isLeader && !join.SkipAssignment)
        {
            foreach (var (member, assignment) in await LeaderAssignAsync(join, protocolName, token).ConfigureAwait(false))
                sync.Assignments.Add(new SyncGroupRequest.SyncGroupRequestAssignment { MemberId = member, Assignment = ConsumerProtocol.WriteAssignment(assignment) });
        }
        var coordinator = await Cluster.GetCoordinatorConnectionAsync(CoordinatorType.Group, GroupId, token).ConfigureAwait(false);
        short syncVersion = coordinator.SelectVersion(sync);
        if (syncVersion >= 3) sync.GroupInstanceId = Options.GroupInstanceId;
        if (syncVersion >= 5)
        {
            sync.ProtocolType = ConsumerProtocol.ProtocolType;
            sync.ProtocolName = protocolName;
        }
        var syncTimeout = JoinTimeout;
        var synced = await coordinator.SendAsync(sync, syncVersion, syncTimeout, token).ConfigureAwait(false);
        if ((ErrorCode)synced.ErrorCode is var syncError and not ErrorCode.None)
        {
            if (!await HandleGroupErrorAsync(syncError).ConfigureAwait(false)) lock (Sync) _rejoinNeeded = true;
            return;
        }
        await ApplyAssignmentAsync(ConsumerProtocol.ReadAssignment(synced.Assignment)).ConfigureAwait(false);
        lock (Sync)
        {
            _joinedPartitionCounts = PartitionCounts(topics);
        }
        ScheduleAutoCommit();
        Metrics.RecordRebalance(true);
    }

    /// <summary>
    /// How long JoinGroup and SyncGroup may wait for the coordinator: as in Java's AbstractCoordinator, the longer of
    /// <c>request.timeout.ms</c> and the rebalance timeout plus five seconds, because the coordinator holds both
    /// responses until every member has rejoined.
    /// </summary>
    private TimeSpan JoinTimeout => TimeSpan.FromMilliseconds(Math.Max(Options.RequestTimeoutMs, (long)Options.MaxPollIntervalMs + 5_000));

    private async Task ApplyAssignmentAsync(List<TopicPartition> assigned)
    {
        var set = assigned.ToHashSet();
        var owned = Partitions.Snapshot();
        var revoked = owned.Where(tp => !set.Contains(tp)).ToList();
        var added = assigned.Where(tp => !Partitions.Contains(tp)).ToList();
        lock (Sync) _rejoinNeeded = false;
        Log.AssignmentChanged(Logger, GroupId, string.Join(", ", added), string.Join(", ", revoked));
        if (revoked.Count > 0)
        {
            // Cooperative: revoke only what moves, then rejoin so the leader can hand it out (KIP-429).
            if (Options.EnableAutoCommit) await Partitions.TryCommitAsync(revoked, Stopping).ConfigureAwait(false);
            await Partitions.RevokeAsync(revoked, lost: false).ConfigureAwait(false);
            lock (Sync) _rejoinNeeded = true;
        }
        await Partitions.AddAsync(added).ConfigureAwait(false);
        if (revoked.Count > 0) Wake();
    }

    private async Task<Dictionary<string, List<TopicPartition>>> LeaderAssignAsync(JoinGroupResponse join, string protocolName, CancellationToken token)
    {
        var assignor = _assignors.FirstOrDefault(a => a.Name == protocolName)
            ?? throw new KafkaException(ErrorCode.InconsistentGroupProtocol, $"The group chose assignor '{protocolName}', which this consumer does not have.");
        var members = new Dictionary<string, MemberSubscription>(StringComparer.Ordinal);
        foreach (var m in join.Members) members[m.MemberId] = ConsumerProtocol.ReadSubscription(m.MemberId, m.GroupInstanceId, m.Metadata);
        var allTopics = members.Values.SelectMany(m => m.Topics).Distinct(StringComparer.Ordinal).ToList();
        var metadata = await Cluster.RefreshMetadataAsync(allTopics, token).ConfigureAwait(false);
        var partitionsPerTopic = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var topic in allTopics)
        {
            if (metadata.Topics.TryGetValue(topic, out var t) && t.Error == ErrorCode.None && t.Partitions.Count > 0) partitionsPerTopic[topic] = t.Partitions.Count;
        }
        var computed = assignor.Assign(partitionsPerTopic, members);
        var assignment = new Dictionary<string, List<TopicPartition>>(StringComparer.Ordinal);
        foreach (var member in members.Keys) assignment[member] = computed.TryGetValue(member, out var list) ? [.. list] : [];
        if (_protocol == RebalanceProtocol.Cooperative && assignor.SupportedProtocols.Contains(RebalanceProtocol.Cooperative))
            CooperativeAssignment.WithholdMovingPartitions(assignment, members);
        return assignment;
    }

    /// <summary>The topics to subscribe to now: the list, or the pattern matched against all topics.</summary>
    private async Task<List<string>> ResolveTopicsAsync(CancellationToken token)
    {
        List<string>? topics;
        System.Text.RegularExpressions.Regex? pattern;
        lock (Sync)
        {
            topics = Topics;
            pattern = Pattern;
        }
        return await SubscriptionTopics.ResolveAsync(Cluster, topics, pattern, token).ConfigureAwait(false);
    }

    /// <summary>True when subscribed topics appeared, vanished or grew partitions since the last join.</summary>
    private async Task<bool> SubscriptionChangedAsync(CancellationToken token)
    {
        Dictionary<string, int> joined;
        bool isPattern;
        lock (Sync)
        {
            joined = _joinedPartitionCounts;
            isPattern = Pattern is not null;
        }
        var metadata = Cluster.Metadata;
        if (isPattern && Time.GetElapsedTime(metadata.UpdatedTimestamp).TotalMilliseconds >= Options.MetadataMaxAgeMs)
        {
            var topics = await ResolveTopicsAsync(token).ConfigureAwait(false);
            return !topics.ToHashSet().SetEquals(joined.Keys);
        }
        foreach (var (topic, count) in joined)
        {
            if (metadata.Topics.TryGetValue(topic, out var t) && t.Partitions.Count != count && t.Partitions.Count > 0) return true;
        }
        return false;
    }

    private Dictionary<string, int> PartitionCounts(List<string> topics)
    {
        var metadata = Cluster.Metadata;
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var topic in topics) counts[topic] = metadata.Topics.TryGetValue(topic, out var t) ? t.Partitions.Count : 0;
        return counts;
    }
}
