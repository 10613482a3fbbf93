using Samsa.Client;
using Samsa.Protocol;
using Samsa.Protocol.Messages;

namespace Samsa.Consumer.Groups;

internal sealed partial class ClassicGroup
{
    private async Task HeartbeatAsync(CancellationToken token)
    {
        int generation;
        string memberId;
        lock (_sync)
        {
            generation = _generation;
            memberId = _memberId;
        }
        var connection = await _cluster.GetCoordinatorConnectionAsync(CoordinatorType.Group, _groupId, token).ConfigureAwait(false);
        var request = new HeartbeatRequest { GroupId = _groupId, GenerationId = generation, MemberId = memberId };
        short version = connection.SelectVersion(request);
        if (version >= 3) request.GroupInstanceId = _options.GroupInstanceId;
        var response = await connection.SendAsync(request, version, null, token).ConfigureAwait(false);
        await HandleGroupErrorAsync((ErrorCode)response.ErrorCode).ConfigureAwait(false);
    }

    /// <summary>Reacts to a membership error; true when the member must rejoin.</summary>
    private async Task<bool> HandleGroupErrorAsync(ErrorCode error)
    {
        switch (error)
        {
            case ErrorCode.None:
                return false;
            case ErrorCode.RebalanceInProgress:
                Log.Rejoining(_logger, _groupId, error);
                lock (_sync) _rejoinNeeded = true;
                return true;
            case ErrorCode.UnknownMemberId or ErrorCode.IllegalGeneration or ErrorCode.FencedInstanceId:
                Log.Rejoining(_logger, _groupId, error);
                await _partitions.RevokeAllAsync(lost: true).ConfigureAwait(false);
                lock (_sync)
                {
                    if (error == ErrorCode.UnknownMemberId) _memberId = "";
                    _generation = -1;
                    _rejoinNeeded = true;
                    if (error == ErrorCode.FencedInstanceId)
                    {
                        _subscribed = false;
                        _pendingForApp = new KafkaException(error, $"group.instance.id '{_options.GroupInstanceId}' was fenced by another member.");
                    }
                }
                if (error == ErrorCode.FencedInstanceId) _state.RaiseAttention();
                return true;
            case ErrorCode.NotCoordinator or ErrorCode.CoordinatorNotAvailable or ErrorCode.CoordinatorLoadInProgress:
                _cluster.InvalidateCoordinator(CoordinatorType.Group, _groupId);
                throw KafkaException.FromErrorCode(error);
            default:
                throw KafkaException.FromErrorCode(error, $"Group '{_groupId}': {error.Describe()}");
        }
    }

    private async Task MaybeAutoCommitAsync(CancellationToken token)
    {
        if (!_options.EnableAutoCommit || _time.GetTimestamp() < Volatile.Read(ref _nextAutoCommit)) return;
        ScheduleAutoCommit();
        await _partitions.TryCommitAsync(_partitions.Snapshot(), token).ConfigureAwait(false);
    }

    private void ScheduleAutoCommit() =>
        Volatile.Write(ref _nextAutoCommit, _time.GetTimestamp() + _options.AutoCommitIntervalMs * _time.TimestampFrequency / 1000);

    private async Task LeaveAsync(string reason, CancellationToken token)
    {
        string memberId;
        lock (_sync)
        {
            memberId = _memberId;
            _memberId = "";
            _generation = -1;
            _rejoinNeeded = true;
        }
        if (memberId.Length == 0) return;
        try
        {
            var connection = await _cluster.GetCoordinatorConnectionAsync(CoordinatorType.Group, _groupId, token).ConfigureAwait(false);
            var request = new LeaveGroupRequest { GroupId = _groupId };
            short version = connection.SelectVersion(request);
            // v3+ (KIP-345) names leaving members in a list; older versions carry one member id.
            if (version >= 3)
            {
                request.Members = [new LeaveGroupRequest.MemberIdentity
                {
                    MemberId = memberId,
                    GroupInstanceId = _options.GroupInstanceId,
                    Reason = version >= 5 ? reason : null,
                }];
            }
            else request.MemberId = memberId;
            var response = await connection.SendAsync(request, version, null, token).ConfigureAwait(false);
            var error = (ErrorCode)response.ErrorCode;
            foreach (var m in response.Members)
            {
                if (m.ErrorCode != 0) error = (ErrorCode)m.ErrorCode;
            }
            if (error != ErrorCode.None) throw KafkaException.FromErrorCode(error, $"LeaveGroup: {error.Describe()}");
            Log.Left(_logger, _groupId, memberId);
        }
        catch (Exception e) when (e is KafkaException or OperationCanceledException)
        {
            Log.GroupStepFailed(_logger, e, _groupId);
        }
    }
}
