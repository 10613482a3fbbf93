using Samsa.Protocol.Messages;

namespace Samsa.Broker.Mini.Handlers;

/// <summary>
/// FindCoordinator (10), v0-6 (batched keys from v4): a group's coordinator is the leader of its
/// <c>__consumer_offsets</c> partition (created on first use), so it moves when that broker stops. Transaction
/// coordinators are not implemented yet: transaction keys get COORDINATOR_NOT_AVAILABLE (retriable).
/// </summary>
internal sealed class FindCoordinatorHandler : RequestHandler<FindCoordinatorRequest>
{
    private const sbyte GroupKeyType = 0;
    private const sbyte TransactionKeyType = 1;

    public override ApiKey Key => ApiKey.FindCoordinator;

    protected override IKafkaApiMessage? Handle(RequestContext context, FindCoordinatorRequest request)
    {
        var response = new FindCoordinatorResponse();
        var keys = context.Version >= 4 ? request.CoordinatorKeys : [request.Key];
        lock (context.Cluster.Sync)
        {
            foreach (var key in keys) response.Coordinators.Add(Find(context, key, request.KeyType));
        }
        if (context.Version < 4)
        {
            var only = response.Coordinators[0];
            response.ErrorCode = only.ErrorCode;
            response.ErrorMessage = only.ErrorMessage;
            response.NodeId = only.NodeId;
            response.Host = only.Host;
            response.Port = only.Port;
            response.Coordinators.Clear();
        }
        return response;
    }

    private static FindCoordinatorResponse.Coordinator Find(RequestContext context, string key, sbyte keyType)
    {
        var result = new FindCoordinatorResponse.Coordinator { Key = key, NodeId = -1, Host = "", Port = -1, ErrorMessage = null };
        if (keyType == TransactionKeyType)
            return Fail(result, ErrorCode.CoordinatorNotAvailable, "Broker.Mini has no transaction coordinator yet.");
        if (keyType != GroupKeyType) return Fail(result, ErrorCode.InvalidRequest, $"Unknown key type {keyType}.");
        if (string.IsNullOrEmpty(key)) return Fail(result, ErrorCode.InvalidRequest, "The group id must not be empty.");
        var (error, broker) = context.Cluster.GroupCoordinator.CoordinatorOf(key);
        if (error != ErrorCode.None) return Fail(result, error, "The coordinator's partition has no live leader.");
        result.NodeId = broker!.Id;
        result.Host = broker.Host;
        result.Port = broker.Port;
        return result;
    }

    private static FindCoordinatorResponse.Coordinator Fail(FindCoordinatorResponse.Coordinator c, ErrorCode code, string message)
    {
        c.ErrorCode = (short)code;
        c.ErrorMessage = message;
        return c;
    }
}
