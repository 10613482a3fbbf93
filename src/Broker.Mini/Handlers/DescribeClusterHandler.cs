using Samsa.Protocol.Messages;

namespace Samsa.Broker.Mini.Handlers;

/// <summary>DescribeCluster (60): cluster id, controller and live brokers (broker endpoints only).</summary>
internal sealed class DescribeClusterHandler : RequestHandler<DescribeClusterRequest>
{
    private const sbyte BrokerEndpoints = 1;

    /// <summary>ALTER, DESCRIBE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE, CREATE, DESCRIBE_TOKENS.</summary>
    private const int AllClusterOperations = (1 << 7) | (1 << 8) | (1 << 9) | (1 << 10) | (1 << 11) | (1 << 12) | (1 << 4) | (1 << 14);

    public override ApiKey Key => ApiKey.DescribeCluster;

    protected override IKafkaApiMessage? Handle(RequestContext context, DescribeClusterRequest request)
    {
        var cluster = context.Cluster;
        if (context.Version >= 1 && request.EndpointType != BrokerEndpoints)
            return new DescribeClusterResponse { ErrorCode = (short)ErrorCode.UnsupportedEndpointType, ErrorMessage = "Broker.Mini serves broker endpoints only.", EndpointType = request.EndpointType };
        lock (cluster.Sync)
        {
            var response = new DescribeClusterResponse
            {
                ClusterId = cluster.ClusterId,
                ControllerId = cluster.ControllerId,
                EndpointType = BrokerEndpoints,
                ClusterAuthorizedOperations = request.IncludeClusterAuthorizedOperations ? AllClusterOperations : int.MinValue,
            };
            foreach (var b in cluster.Brokers.Where(b => b.IsAlive))
                response.Brokers.Add(new DescribeClusterResponse.DescribeClusterBroker { BrokerId = b.Id, Host = b.Host, Port = b.Port, Rack = b.Rack });
            return response;
        }
    }
}
