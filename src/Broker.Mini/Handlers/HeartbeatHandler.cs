using Samsa.Protocol.Messages;

namespace Samsa.Broker.Mini.Handlers;

/// <summary>Heartbeat (12), v0-4: keeps a classic member's session alive; REBALANCE_IN_PROGRESS asks it to rejoin.</summary>
internal sealed class HeartbeatHandler : RequestHandler<HeartbeatRequest>
{
    public override ApiKey Key => ApiKey.Heartbeat;

    protected override IKafkaApiMessage? Handle(RequestContext context, HeartbeatRequest request)
    {
        lock (context.Cluster.Sync)
        {
            var coordinator = context.Cluster.GroupCoordinator;
            var error = coordinator.CheckCoordinator(request.GroupId, context.Broker.Id);
            if (error == ErrorCode.None)
                error = coordinator.Heartbeat(request.GroupId, request.GenerationId, request.MemberId, context.Version >= 3 ? request.GroupInstanceId : null);
            return new HeartbeatResponse { ErrorCode = (short)error };
        }
    }
}
