using Samsa.Client;
using Samsa.Protocol;
using Samsa.Protocol.Messages;

namespace Samsa.Consumer.Groups;

internal sealed partial class ConsumerGroupMember
{
    private async Task HeartbeatAsync(List<string> topics, CancellationToken token)
    {
        string memberId;
        int epoch;
        lock (_sync)
        {
            memberId = _memberId;
            epoch = _epoch;
        }
        var connection = await _cluster.GetCoordinatorConnectionAsync(CoordinatorType.Group, _groupId, token).ConfigureAwait(false);
        var request = new ConsumerGroupHeartbeatRequest { GroupId = _groupId, MemberEpoch = epoch };
        short version = connection.SelectVersion(request);
        if (memberId.Length == 0 && version >= 1)
        {
            // KIP-1082 (v1+): the member id is a Uuid the client makes up once and keeps for the consumer's lifetime.
            memberId = Uuid.NewRandom().ToString();
            lock (_sync) _memberId = memberId;
        }
        request.MemberId = memberId;
        bool joining = epoch == 0;
        if (joining)
        {
            request.InstanceId = _options.GroupInstanceId;
            request.RackId = _options.ClientRack.Length > 0 ? _options.ClientRack : null;
            request.RebalanceTimeoutMs = _options.MaxPollIntervalMs;
            request.ServerAssignor = _options.GroupRemoteAssignor;
        }
        bool sendTopics = joining || _sentTopics is null || !_sentTopics.SequenceEqual(topics, StringComparer.Ordinal);
        if (sendTopics) request.SubscribedTopicNames = [.. topics];
        request.TopicPartitions = OwnedByTopicId();
        var response = await connection.SendAsync(request, version, null, token).ConfigureAwait(false);
        var error = (ErrorCode)response.ErrorCode;
        if (error != ErrorCode.None)
        {
            await HandleErrorAsync(error, response.ErrorMessage).ConfigureAwait(false);
            return;
        }
        lock (_sync)
        {
            if (response.MemberId is { Length: > 0 } assigned) _memberId = assigned;
            _epoch = response.MemberEpoch;
            memberId = _memberId;
        }
        if (sendTopics) _sentTopics = [.. topics];
        if (response.HeartbeatIntervalMs > 0) _heartbeatIntervalMs = response.HeartbeatIntervalMs;
        _nextHeartbeat = _time.GetTimestamp() + _heartbeatIntervalMs * _time.TimestampFrequency / 1000;
        _ackNeeded = false;
        if (joining)
        {
            Log.Joined(_logger, _groupId, response.MemberEpoch, memberId, false, "consumer");
            _assignedSinceJoin = false;
            ScheduleAutoCommit();
        }
        if (response.Assignment is { } assignment)
            _target = assignment.TopicPartitions.ToDictionary(t => t.TopicId, t => t.Partitions);
    }

    /// <summary>The owned partitions, by topic id, as the broker needs them to confirm revocations.</summary>
    private List<ConsumerGroupHeartbeatRequest.TopicPartitionsData> OwnedByTopicId()
    {
        var list = new List<ConsumerGroupHeartbeatRequest.TopicPartitionsData>();
        foreach (var group in _partitions.Snapshot().GroupBy(tp => tp.Topic))
        {
            if (!_topicIds.TryGetValue(group.Key, out var id)) continue;
            list.Add(new ConsumerGroupHeartbeatRequest.TopicPartitionsData { TopicId = id, Partitions = group.Select(tp => tp.Partition).Order().ToList() });
        }
        return list;
    }

    private async Task HandleErrorAsync(ErrorCode error, string? message)
    {
        string detail = message is { Length: > 0 } ? $"{error.Describe()} ({message})" : error.Describe();
        switch (error)
        {
            case ErrorCode.FencedMemberEpoch or ErrorCode.UnknownMemberId:
                // The broker no longer counts this member: its partitions are lost (no commit), and it rejoins with epoch 0.
                Log.Rejoining(_logger, _groupId, error);
                await _partitions.RevokeAllAsync(lost: true).ConfigureAwait(false);
                ResetMembership();
                return;
            case ErrorCode.NotCoordinator or ErrorCode.CoordinatorNotAvailable or ErrorCode.CoordinatorLoadInProgress:
                _cluster.InvalidateCoordinator(CoordinatorType.Group, _groupId);
                throw KafkaException.FromErrorCode(error);
            case ErrorCode.UnsupportedVersion:
                throw new UnsupportedVersionException($"ConsumerGroupHeartbeat: {detail}.", ApiKey.ConsumerGroupHeartbeat);
            case ErrorCode.UnreleasedInstanceId:
                await FailAsync(new KafkaException(error,
                    $"group.instance.id '{_options.GroupInstanceId}' is still used by another member of group '{_groupId}': {detail}", isRetriable: false)).ConfigureAwait(false);
                return;
            default:
                var exception = KafkaException.FromErrorCode(error, $"Group '{_groupId}' (group.protocol=consumer): {detail}");
                if (exception.IsRetriable) throw exception;
                await FailAsync(exception).ConfigureAwait(false);
                return;
        }
    }

    /// <summary>Forgets the epoch, the sent subscription and the target, so the next step joins again with epoch 0 (same member id).</summary>
    private void ResetMembership()
    {
        lock (_sync) _epoch = 0;
        _sentTopics = null;
        _target = null;
        _ackNeeded = false;
    }

    /// <summary>Leaves with epoch -1, or -2 for a static member (which keeps its partitions until its session expires).</summary>
    private async Task LeaveAsync(string reason, CancellationToken token)
    {
        string memberId;
        int epoch;
        lock (_sync)
        {
            memberId = _memberId;
            epoch = _epoch;
        }
        ResetMembership();
        if (epoch <= 0 || memberId.Length == 0) return;
        try
        {
            var connection = await _cluster.GetCoordinatorConnectionAsync(CoordinatorType.Group, _groupId, token).ConfigureAwait(false);
            var request = new ConsumerGroupHeartbeatRequest
            {
                GroupId = _groupId,
                MemberId = memberId,
                MemberEpoch = _options.GroupInstanceId is null ? LeaveEpoch : StaticLeaveEpoch,
                InstanceId = _options.GroupInstanceId,
            };
            var response = await connection.SendAsync(request, connection.SelectVersion(request), null, token).ConfigureAwait(false);
            var error = (ErrorCode)response.ErrorCode;
            if (error is not (ErrorCode.None or ErrorCode.UnknownMemberId or ErrorCode.FencedMemberEpoch))
                throw KafkaException.FromErrorCode(error, $"Leaving group '{_groupId}' ({reason}): {error.Describe()}");
            Log.Left(_logger, _groupId, memberId);
        }
        catch (Exception e) when (e is KafkaException or OperationCanceledException)
        {
            Log.GroupStepFailed(_logger, e, _groupId);
        }
    }
}
