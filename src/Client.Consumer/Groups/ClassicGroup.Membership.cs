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
        lock (Sync)
        {
            generation = _generation;
            memberId = CurrentMemberId;
        }
        var connection = await Cluster.GetCoordinatorConnectionAsync(CoordinatorType.Group, GroupId, token).ConfigureAwait(false);
        var request = new HeartbeatRequest { GroupId = GroupId, GenerationId = generation, MemberId = memberId };
        short version = connection.SelectVersion(request);
        if (version >= 3) request.GroupInstanceId = Options.GroupInstanceId;
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
                Log.Rejoining(Logger, GroupId, error);
                lock (Sync) _rejoinNeeded = true;
                return true;
            case ErrorCode.UnknownMemberId or ErrorCode.IllegalGeneration or ErrorCode.FencedInstanceId:
                Log.Rejoining(Logger, GroupId, error);
                await Partitions.RevokeAllAsync(lost: true).ConfigureAwait(false);
                lock (Sync)
                {
                    if (error == ErrorCode.UnknownMemberId) CurrentMemberId = "";
                    _generation = -1;
                    _rejoinNeeded = true;
                    if (error == ErrorCode.FencedInstanceId)
                    {
                        Subscribed = false;
                        PendingForApp = new KafkaException(error, $"group.instance.id '{Options.GroupInstanceId}' was fenced by another member.");
                    }
                }
                if (error == ErrorCode.FencedInstanceId) State.RaiseAttention();
                return true;
            case ErrorCode.NotCoordinator or ErrorCode.CoordinatorNotAvailable or ErrorCode.CoordinatorLoadInProgress:
                Cluster.InvalidateCoordinator(CoordinatorType.Group, GroupId);
                throw KafkaException.FromErrorCode(error);
            default:
                throw KafkaException.FromErrorCode(error, $"Group '{GroupId}': {error.Describe()}");
        }
    }

    protected override async Task LeaveAsync(string reason, CancellationToken token)
    {
        string memberId;
        lock (Sync)
        {
            memberId = CurrentMemberId;
            CurrentMemberId = "";
            _generation = -1;
            _rejoinNeeded = true;
        }
        if (memberId.Length == 0) return;
        try
        {
            var connection = await Cluster.GetCoordinatorConnectionAsync(CoordinatorType.Group, GroupId, token).ConfigureAwait(false);
            var request = new LeaveGroupRequest { GroupId = GroupId };
            short version = connection.SelectVersion(request);
            // v3+ (KIP-345) names leaving members in a list; older versions carry one member id.
            if (version >= 3)
            {
                request.Members = [new LeaveGroupRequest.MemberIdentity
                {
                    MemberId = memberId,
                    GroupInstanceId = Options.GroupInstanceId,
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
            Log.Left(Logger, GroupId, memberId);
        }
        catch (Exception e) when (e is KafkaException or OperationCanceledException)
        {
            Log.GroupStepFailed(Logger, e, GroupId);
        }
    }
}
