using Samsa.Protocol.Messages;

namespace Samsa.Broker.Mini.Handlers;

/// <summary>
/// FindCoordinator (10): group and transaction coordinators are not implemented yet, so every key is answered with
/// COORDINATOR_NOT_AVAILABLE (retriable), which clients handle by backing off, rather than a closed connection.
/// </summary>
internal sealed class FindCoordinatorHandler : RequestHandler<FindCoordinatorRequest>
{
    private const string Message = "Broker.Mini has no group or transaction coordinator yet.";

    public override ApiKey Key => ApiKey.FindCoordinator;

    protected override IKafkaApiMessage? Handle(RequestContext context, FindCoordinatorRequest request)
    {
        var response = new FindCoordinatorResponse
        {
            ErrorCode = (short)ErrorCode.CoordinatorNotAvailable,
            ErrorMessage = Message,
            NodeId = -1,
            Host = "",
            Port = -1,
        };
        if (context.Version >= 4)
        {
            foreach (var key in request.CoordinatorKeys)
                response.Coordinators.Add(new FindCoordinatorResponse.Coordinator
                {
                    Key = key, NodeId = -1, Host = "", Port = -1, ErrorCode = (short)ErrorCode.CoordinatorNotAvailable, ErrorMessage = Message,
                });
        }
        return response;
    }
}
