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
        var owned = _partitions.Snapshot();
        int generation;
        lock (_sync) generation = _generation;
        if (_protocol == RebalanceProtocol.Eager && owned.Count > 0)
        {
            // Eager: give everything up before joining (commit first when auto-committing, as Java's onJoinPrepare does).
            if (_options.EnableAutoCommit) await _partitions.TryCommitAsync(owned, token).ConfigureAwait(false);
            await _partitions.RevokeAsync(owned, lost: false).ConfigureAwait(false);
            owned = [];
        }
        else if (_options.EnableAutoCommit && owned.Count > 0) await _partitions.TryCommitAsync(owned, token).ConfigureAwait(false);
        var request = new JoinGroupRequest
        {
            GroupId = _groupId,
            SessionTimeoutMs = _options.SessionTimeoutMs,
            RebalanceTimeoutMs = _options.MaxPollIntervalMs,
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
                Metadata = ConsumerProtocol.WriteSubscription(topics, userData, owned, advertised, _options.ClientRack),
            });
        }
        JoinGroupResponse join;
        while (true)
        {
            var connection = await _cluster.GetCoordinatorConnectionAsync(CoordinatorType.Group, _groupId, token).ConfigureAwait(false);
            short version = connection.SelectVersion(request);
            if (version < 1) request.RebalanceTimeoutMs = -1;
            request.GroupInstanceId = version >= 5 ? _options.GroupInstanceId : null;
            if (version < 5 && _options.GroupInstanceId is not null)
                throw new UnsupportedVersionException("Static membership (group.instance.id) needs JoinGroup v5 (Kafka 2.3).", ApiKey.JoinGroup);
            var timeout = JoinTimeout;
            join = await connection.SendAsync(request, version, timeout, token).ConfigureAwait(false);
            var error = (ErrorCode)join.ErrorCode;
            if (error == ErrorCode.MemberIdRequired)
            {
                // KIP-394: the coordinator hands out a member id on the first JoinGroup; join again with it.
                lock (_sync) _memberId = join.MemberId;
                request.MemberId = join.MemberId;
                continue;
            }
            if (error == ErrorCode.UnknownMemberId)
            {
                lock (_sync) _memberId = "";
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
        lock (_sync)
        {
            _memberId = join.MemberId;
            _generation = join.GenerationId;
        }
        string protocolName = join.ProtocolName ?? _assignors[0].Name;
        Log.Joined(_logger, _groupId, join.GenerationId, join.MemberId, isLeader, protocolName);
        var sync = new SyncGroupRequest
        {
            GroupId = _groupId,
            GenerationId = join.GenerationId,
            MemberId = join.MemberId,
        };
        if (isLeader && !join.SkipAssignment)
        {
            foreach (var (member, assignment) in await LeaderAssignAsync(join, protocolName, token).ConfigureAwait(false))
                sync.Assignments.Add(new SyncGroupRequest.SyncGroupRequestAssignment { MemberId = member, Assignment = ConsumerProtocol.WriteAssignment(assignment) });
        }
        var coordinator = await _cluster.GetCoordinatorConnectionAsync(CoordinatorType.Group, _groupId, token).ConfigureAwait(false);
        short syncVersion = coordinator.SelectVersion(sync);
        if (syncVersion >= 3) sync.GroupInstanceId = _options.GroupInstanceId;
        if (syncVersion >= 5)
        {
            sync.ProtocolType = ConsumerProtocol.ProtocolType;
            sync.ProtocolName = protocolName;
        }
        var syncTimeout = JoinTimeout;
        var synced = await coordinator.SendAsync(sync, syncVersion, syncTimeout, token).ConfigureAwait(false);
        if ((ErrorCode)synced.ErrorCode is var syncError and not ErrorCode.None)
        {
            if (!await HandleGroupErrorAsync(syncError).ConfigureAwait(false)) lock (_sync) _rejoinNeeded = true;
            return;
        }
        await ApplyAssignmentAsync(ConsumerProtocol.ReadAssignment(synced.Assignment)).ConfigureAwait(false);
        lock (_sync)
        {
            _joinedPartitionCounts = PartitionCounts(topics);
        }
        ScheduleAutoCommit();
        _metrics.RecordRebalance(true);
    }

    /// <summary>
    /// How long JoinGroup and SyncGroup may wait for the coordinator: as in Java's AbstractCoordinator, the longer of
    /// <c>request.timeout.ms</c> and the rebalance timeout plus five seconds, because the coordinator holds both
    /// responses until every member has rejoined.
    /// </summary>
    private TimeSpan JoinTimeout => TimeSpan.FromMilliseconds(Math.Max(_options.RequestTimeoutMs, (long)_options.MaxPollIntervalMs + 5_000));

    private async Task ApplyAssignmentAsync(List<TopicPartition> assigned)
    {
        var set = assigned.ToHashSet();
        var owned = _partitions.Snapshot();
        var revoked = owned.Where(tp => !set.Contains(tp)).ToList();
        var added = assigned.Where(tp => !_partitions.Contains(tp)).ToList();
        lock (_sync) _rejoinNeeded = false;
        Log.AssignmentChanged(_logger, _groupId, string.Join(", ", added), string.Join(", ", revoked));
        if (revoked.Count > 0)
        {
            // Cooperative: revoke only what moves, then rejoin so the leader can hand it out (KIP-429).
            if (_options.EnableAutoCommit) await _partitions.TryCommitAsync(revoked, _stop.Token).ConfigureAwait(false);
            await _partitions.RevokeAsync(revoked, lost: false).ConfigureAwait(false);
            lock (_sync) _rejoinNeeded = true;
        }
        await _partitions.AddAsync(added).ConfigureAwait(false);
        if (revoked.Count > 0) _wake.Set();
    }

    private async Task<Dictionary<string, List<TopicPartition>>> LeaderAssignAsync(JoinGroupResponse join, string protocolName, CancellationToken token)
    {
        var assignor = _assignors.FirstOrDefault(a => a.Name == protocolName)
            ?? throw new KafkaException(ErrorCode.InconsistentGroupProtocol, $"The group chose assignor '{protocolName}', which this consumer does not have.");
        var members = new Dictionary<string, MemberSubscription>(StringComparer.Ordinal);
        foreach (var m in join.Members) members[m.MemberId] = ConsumerProtocol.ReadSubscription(m.MemberId, m.GroupInstanceId, m.Metadata);
        var allTopics = members.Values.SelectMany(m => m.Topics).Distinct(StringComparer.Ordinal).ToList();
        var metadata = await _cluster.RefreshMetadataAsync(allTopics, token).ConfigureAwait(false);
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
        lock (_sync)
        {
            topics = _topics;
            pattern = _pattern;
        }
        return await SubscriptionTopics.ResolveAsync(_cluster, topics, pattern, token).ConfigureAwait(false);
    }

    /// <summary>True when subscribed topics appeared, vanished or grew partitions since the last join.</summary>
    private async Task<bool> SubscriptionChangedAsync(CancellationToken token)
    {
        Dictionary<string, int> joined;
        bool isPattern;
        lock (_sync)
        {
            joined = _joinedPartitionCounts;
            isPattern = _pattern is not null;
        }
        var metadata = _cluster.Metadata;
        if (isPattern && _time.GetElapsedTime(metadata.UpdatedTimestamp).TotalMilliseconds >= _options.MetadataMaxAgeMs)
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
        var metadata = _cluster.Metadata;
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var topic in topics) counts[topic] = metadata.Topics.TryGetValue(topic, out var t) ? t.Partitions.Count : 0;
        return counts;
    }
}
