using Samsa.Protocol.Messages;

namespace Samsa.Broker.Mini.Handlers;

/// <summary>SyncGroup (14), v0-5: the leader hands in assignments; every member long-polls for its own.</summary>
internal sealed class SyncGroupHandler : RequestHandler<SyncGroupRequest>
{
    public override ApiKey Key => ApiKey.SyncGroup;

    protected override async ValueTask<IKafkaApiMessage?> HandleAsync(RequestContext context, SyncGroupRequest request, CancellationToken cancellationToken)
    {
        Task<SyncGroupResponse> pending;
        lock (context.Cluster.Sync)
        {
            var coordinator = context.Cluster.GroupCoordinator;
            var error = coordinator.CheckCoordinator(request.GroupId, context.Broker.Id);
            if (error != ErrorCode.None) pending = Task.FromResult(new SyncGroupResponse { ErrorCode = (short)error });
            else
            {
                var assignments = new Dictionary<string, byte[]>(StringComparer.Ordinal);
                foreach (var a in request.Assignments) assignments[a.MemberId] = a.Assignment;
                pending = coordinator.Sync(request.GroupId, request.GenerationId, request.MemberId,
                    context.Version >= 3 ? request.GroupInstanceId : null,
                    context.Version >= 5 ? request.ProtocolType : null, context.Version >= 5 ? request.ProtocolName : null, assignments);
            }
        }
        return await pending.WaitAsync(cancellationToken).ConfigureAwait(false);
    }
}
