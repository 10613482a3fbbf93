using Samsa.Broker.Mini.Cluster;
using Samsa.Broker.Mini.Configs;
using Samsa.Protocol.Messages;

namespace Samsa.Broker.Mini.Handlers;

/// <summary>IncrementalAlterConfigs (44): SET, DELETE, APPEND and SUBTRACT (the last two for list configs) per key.</summary>
internal sealed class IncrementalAlterConfigsHandler : RequestHandler<IncrementalAlterConfigsRequest>
{
    private const sbyte Set = 0, Delete = 1, Append = 2, Subtract = 3;

    public override ApiKey Key => ApiKey.IncrementalAlterConfigs;

    protected override IKafkaApiMessage? Handle(RequestContext context, IncrementalAlterConfigsRequest request)
    {
        var cluster = context.Cluster;
        var response = new IncrementalAlterConfigsResponse();
        lock (cluster.Sync)
        {
            foreach (var r in request.Resources)
            {
                ApiError error;
                if (r.Configs.GroupBy(c => c.Name).Any(g => g.Count() > 1))
                    error = new ApiError(ErrorCode.InvalidRequest, "Error due to duplicate config keys");
                else
                    error = ConfigResources.Alter(cluster, r.ResourceType, r.ResourceName, request.ValidateOnly, (configs, defs) => Apply(cluster, r, configs, defs));
                response.Responses.Add(new IncrementalAlterConfigsResponse.AlterConfigsResourceResponse
                {
                    ErrorCode = (short)error.Code, ErrorMessage = error.Message, ResourceType = r.ResourceType, ResourceName = r.ResourceName,
                });
            }
        }
        return response;
    }

    private static ApiError? Apply(ClusterState cluster, IncrementalAlterConfigsRequest.AlterConfigsResource r, Dictionary<string, string> configs,
        IReadOnlyDictionary<string, ConfigDef> defs)
    {
        foreach (var c in r.Configs)
        {
            if (!defs.TryGetValue(c.Name, out var def)) return new ApiError(ErrorCode.InvalidConfig, $"Unknown config name: {c.Name}");
            switch (c.ConfigOperation)
            {
                case Set:
                    if (c.Value is null) return new ApiError(ErrorCode.InvalidRequest, $"Null value not supported for {c.Name}.");
                    configs[c.Name] = c.Value;
                    break;
                case Delete:
                    configs.Remove(c.Name);
                    break;
                case Append or Subtract:
                    if (def.Type != ConfigType.List)
                        return new ApiError(ErrorCode.InvalidConfig, $"Config value append is not allowed for config key: {c.Name}");
                    string current = configs.TryGetValue(c.Name, out var v) ? v : Effective(cluster, r, c.Name) ?? "";
                    var items = ConfigDef.SplitList(current).ToList();
                    foreach (var item in ConfigDef.SplitList(c.Value ?? ""))
                    {
                        if (c.ConfigOperation == Append && !items.Contains(item)) items.Add(item);
                        if (c.ConfigOperation == Subtract) items.Remove(item);
                    }
                    configs[c.Name] = string.Join(',', items);
                    break;
                default:
                    return new ApiError(ErrorCode.InvalidRequest, $"Unknown config operation {c.ConfigOperation}.");
            }
        }
        return null;
    }

    private static string? Effective(ClusterState cluster, IncrementalAlterConfigsRequest.AlterConfigsResource r, string name) =>
        r.ResourceType == ConfigResources.Topic && cluster.Topics.TryGetValue(r.ResourceName, out var t)
            ? cluster.TopicConfigValue(t, name).Value
            : cluster.BrokerConfig(0, name).Value;
}
