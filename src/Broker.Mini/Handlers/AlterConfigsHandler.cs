using Samsa.Protocol.Messages;

namespace Samsa.Broker.Mini.Handlers;

/// <summary>AlterConfigs (33): replaces a topic's or broker's whole set of dynamic configs (unlisted keys revert to defaults).</summary>
internal sealed class AlterConfigsHandler : RequestHandler<AlterConfigsRequest>
{
    public override ApiKey Key => ApiKey.AlterConfigs;

    protected override IKafkaApiMessage? Handle(RequestContext context, AlterConfigsRequest request)
    {
        var cluster = context.Cluster;
        var response = new AlterConfigsResponse();
        lock (cluster.Sync)
        {
            foreach (var r in request.Resources)
            {
                var error = ConfigResources.Alter(cluster, r.ResourceType, r.ResourceName, request.ValidateOnly, (configs, _) =>
                {
                    configs.Clear();
                    foreach (var c in r.Configs)
                    {
                        if (c.Value is null) return new Cluster.ApiError(ErrorCode.InvalidRequest, $"Null value not supported for {c.Name}.");
                        configs[c.Name] = c.Value;
                    }
                    return null;
                });
                response.Responses.Add(new AlterConfigsResponse.AlterConfigsResourceResponse
                {
                    ErrorCode = (short)error.Code, ErrorMessage = error.Message, ResourceType = r.ResourceType, ResourceName = r.ResourceName,
                });
            }
        }
        return response;
    }
}
