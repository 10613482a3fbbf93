using Samsa.Broker.Mini.Coordinators;
using Samsa.Protocol.Messages;

namespace Samsa.Broker.Mini.Handlers;

/// <summary>ConsumerGroupHeartbeat (68), v0-1: the KIP-848 consumer protocol with server-side assignors.</summary>
internal sealed class ConsumerGroupHeartbeatHandler : CoordinatorWriteHandler<ConsumerGroupHeartbeatRequest>
{
    public override ApiKey Key => ApiKey.ConsumerGroupHeartbeat;

    protected override void ApplyWriteError(IKafkaApiMessage response, ErrorCode error)
    {
        var r = (ConsumerGroupHeartbeatResponse)response;
        if (r.ErrorCode != 0) return;
        r.ErrorCode = (short)error;
        r.MemberEpoch = -1;
        r.Assignment = null;
    }

    protected override IKafkaApiMessage? Handle(RequestContext context, ConsumerGroupHeartbeatRequest request)
    {
        lock (context.Cluster.Sync)
        {
            var coordinator = context.Cluster.GroupCoordinator;
            var error = coordinator.CheckCoordinator(request.GroupId, context.Broker.Id);
            if (error != ErrorCode.None) return new ConsumerGroupHeartbeatResponse { ErrorCode = (short)error, MemberEpoch = -1 };
            return coordinator.ConsumerHeartbeat(request, context.Header.ClientId ?? "", GroupRequests.ClientHost(context));
        }
    }
}
