using Samsa.Broker.Mini.Coordinators;
using Samsa.Protocol.Messages;

namespace Samsa.Broker.Mini.Handlers;

/// <summary>
/// JoinGroup (11), v0-9: the classic group join, answered when the join phase ends (a long-poll awaited outside the
/// cluster lock). From v4 a member without an id gets MEMBER_ID_REQUIRED with its id; v5 adds static membership.
/// </summary>
internal sealed class JoinGroupHandler : RequestHandler<JoinGroupRequest>
{
    public override ApiKey Key => ApiKey.JoinGroup;

    protected override async ValueTask<IKafkaApiMessage?> HandleAsync(RequestContext context, JoinGroupRequest request, CancellationToken cancellationToken)
    {
        Task<JoinGroupResponse> pending;
        lock (context.Cluster.Sync)
        {
            var coordinator = context.Cluster.GroupCoordinator;
            var error = coordinator.CheckCoordinator(request.GroupId, context.Broker.Id);
            if (error != ErrorCode.None)
                pending = Task.FromResult(new JoinGroupResponse { ErrorCode = (short)error, GenerationId = -1, MemberId = request.MemberId });
            else
            {
                var args = new JoinRequestArgs(
                    request.GroupId, request.MemberId, context.Version >= 5 ? request.GroupInstanceId : null,
                    context.Header.ClientId ?? "", GroupRequests.ClientHost(context),
                    request.SessionTimeoutMs, context.Version >= 1 ? request.RebalanceTimeoutMs : request.SessionTimeoutMs,
                    request.ProtocolType, request.Protocols.Select(p => (p.Name, p.Metadata)).ToList(),
                    RequireKnownMemberId: context.Version >= 4, request.Reason);
                pending = coordinator.Join(args);
            }
        }
        var response = await pending.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (context.Version < 7) response.ProtocolName ??= "";
        return response;
    }
}
