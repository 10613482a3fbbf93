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
        lock (Sync)
        {
            memberId = CurrentMemberId;
            epoch = _epoch;
        }
        var connection = await Cluster.GetCoordinatorConnectionAsync(CoordinatorType.Group, GroupId, token).ConfigureAwait(false);
        var request = new ConsumerGroupHeartbeatRequest { GroupId = GroupId, MemberEpoch = epoch };
        short version = connection.SelectVersion(request);
        if (memberId.Length == 0 && version >= 1)
        {
            // KIP-1082 (v1+): the member id is a Uuid the client makes up once and keeps for the consumer's lifetime.
            memberId = Uuid.NewRandom().ToString();
            lock (Sync) CurrentMemberId = memberId;
        }
        request.MemberId = memberId;
        bool joining = epoch == 0;
        if (joining)
        {
            request.InstanceId = Options.GroupInstanceId;
            request.RackId = Options.ClientRack.Length > 0 ? Options.ClientRack : null;
            request.RebalanceTimeoutMs = Options.MaxPollIntervalMs;
            request.ServerAssignor = Options.GroupRemoteAssignor;
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
        lock (Sync)
        {
            if (response.MemberId is { Length: > 0 } assigned) CurrentMemberId = assigned;
            _epoch = response.MemberEpoch;
            memberId = CurrentMemberId;
        }
        if (sendTopics) _sentTopics = [.. topics];
        if (response.HeartbeatIntervalMs > 0) _heartbeatIntervalMs = response.HeartbeatIntervalMs;
        _nextHeartbeat = Time.GetTimestamp() + _heartbeatIntervalMs * Time.TimestampFrequency / 1000;
        _ackNeeded = false;
        if (joining)
        {
            Log.Joined(Logger, GroupId, response.MemberEpoch, memberId, false, "consumer");
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
        foreach (var group in Partitions.Snapshot().GroupBy(tp => tp.Topic))
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
                Log.Rejoining(Logger, GroupId, error);
                await Partitions.RevokeAllAsync(lost: true).ConfigureAwait(false);
                ResetMembership();
                return;
            case ErrorCode.NotCoordinator or ErrorCode.CoordinatorNotAvailable or ErrorCode.CoordinatorLoadInProgress:
                Cluster.InvalidateCoordinator(CoordinatorType.Group, GroupId);
                throw KafkaException.FromErrorCode(error);
            case ErrorCode.UnsupportedVersion:
                throw new UnsupportedVersionException($"ConsumerGroupHeartbeat: {detail}.", ApiKey.ConsumerGroupHeartbeat);
            case ErrorCode.UnreleasedInstanceId:
                await FailAsync(new KafkaException(error,
                    $"group.instance.id '{Options.GroupInstanceId}' is still used by another member of group '{GroupId}': {detail}", isRetriable: false)).ConfigureAwait(false);
                return;
            default:
                var exception = KafkaException.FromErrorCode(error, $"Group '{GroupId}' (group.protocol=consumer): {detail}");
                if (exception.IsRetriable) throw exception;
                await FailAsync(exception).ConfigureAwait(false);
                return;
        }
    }

    /// <summary>Forgets the epoch, the sent subscription and the target, so the next step joins again with epoch 0 (same member id).</summary>
    private void ResetMembership()
    {
        lock (Sync) _epoch = 0;
        _sentTopics = null;
        _target = null;
        _ackNeeded = false;
    }

    /// <summary>Leaves with epoch -1, or -2 for a static member (which keeps its partitions until its session expires).</summary>
    protected override async Task LeaveAsync(string reason, CancellationToken token)
    {
        string memberId;
        int epoch;
        lock (Sync)
        {
            memberId = CurrentMemberId;
            epoch = _epoch;
        }
        ResetMembership();
        if (epoch <= 0 || memberId.Length == 0) return;
        try
        {
            var connection = await Cluster.GetCoordinatorConnectionAsync(CoordinatorType.Group, GroupId, token).ConfigureAwait(false);
            var request = new ConsumerGroupHeartbeatRequest
            {
                GroupId = GroupId,
                MemberId = memberId,
                MemberEpoch = Options.GroupInstanceId is null ? LeaveEpoch : StaticLeaveEpoch,
                InstanceId = Options.GroupInstanceId,
            };
            var response = await connection.SendAsync(request, connection.SelectVersion(request), null, token).ConfigureAwait(false);
            var error = (ErrorCode)response.ErrorCode;
            if (error is not (ErrorCode.None or ErrorCode.UnknownMemberId or ErrorCode.FencedMemberEpoch))
                throw KafkaException.FromErrorCode(error, $"Leaving group '{GroupId}' ({reason}): {error.Describe()}");
            Log.Left(Logger, GroupId, memberId);
        }
        catch (Exception e) when (e is KafkaException or OperationCanceledException)
        {
            Log.GroupStepFailed(Logger, e, GroupId);
        }
    }
}
