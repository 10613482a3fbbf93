using System.Globalization;
using Samsa.Broker.Mini.Cluster;
using Samsa.Broker.Mini.Configs;
using Samsa.Protocol.Messages;

namespace Samsa.Broker.Mini.Handlers;

/// <summary>DescribeConfigs (32): topic and broker configs with sources, synonyms, types and documentation.</summary>
internal sealed class DescribeConfigsHandler : RequestHandler<DescribeConfigsRequest>
{
    public override ApiKey Key => ApiKey.DescribeConfigs;

    protected override IKafkaApiMessage? Handle(RequestContext context, DescribeConfigsRequest request)
    {
        var cluster = context.Cluster;
        var response = new DescribeConfigsResponse();
        lock (cluster.Sync)
        {
            foreach (var r in request.Resources)
            {
                var result = new DescribeConfigsResponse.DescribeConfigsResult { ResourceType = r.ResourceType, ResourceName = r.ResourceName, ErrorMessage = null };
                response.Results.Add(result);
                var error = Describe(cluster, r, request, result);
                if (error is { } e)
                {
                    result.ErrorCode = (short)e.Code;
                    result.ErrorMessage = e.Message;
                    result.Configs.Clear();
                }
            }
        }
        return response;
    }

    private static ApiError? Describe(ClusterState cluster, DescribeConfigsRequest.DescribeConfigsResource r, DescribeConfigsRequest request,
        DescribeConfigsResponse.DescribeConfigsResult result)
    {
        bool Wanted(string key) => r.ConfigurationKeys is null || r.ConfigurationKeys.Count == 0 || r.ConfigurationKeys.Contains(key);
        switch (r.ResourceType)
        {
            case ConfigResources.Topic:
                if (!cluster.Topics.TryGetValue(r.ResourceName, out var topic))
                    return new ApiError(ErrorCode.UnknownTopicOrPartition, $"Topic {r.ResourceName} does not exist.");
                foreach (var def in TopicConfigs.All.Values.OrderBy(d => d.Name, StringComparer.Ordinal).Where(d => Wanted(d.Name)))
                {
                    var (value, source) = cluster.TopicConfigValue(topic, def.Name);
                    var entry = Entry(def, value, source, request);
                    if (request.IncludeSynonyms)
                    {
                        if (topic.Overrides.TryGetValue(def.Name, out var own)) entry.Synonyms.Add(Synonym(def.Name, own, ConfigSource.DynamicTopicConfig));
                        if (def.BrokerSynonym is { } b) AddBrokerSynonyms(cluster, Math.Max(cluster.ControllerId, 0), b, entry, includeDefault: false);
                        entry.Synonyms.Add(Synonym(def.Name, def.Default, ConfigSource.DefaultConfig));
                    }
                    result.Configs.Add(entry);
                }
                return null;
            case ConfigResources.Broker:
                if (r.ResourceName.Length == 0)
                {
                    foreach (var (key, value) in cluster.DynamicDefaultBrokerConfigs.Where(kv => Wanted(kv.Key)))
                        result.Configs.Add(Entry(BrokerConfigs.All[key], value, ConfigSource.DynamicDefaultBrokerConfig, request));
                    return null;
                }
                if (!int.TryParse(r.ResourceName, NumberStyles.None, CultureInfo.InvariantCulture, out int id) || id >= cluster.Brokers.Length)
                    return new ApiError(ErrorCode.InvalidRequest, $"Unexpected broker id, expected one of 0..{cluster.Brokers.Length - 1} or empty string, but received {r.ResourceName}");
                foreach (var def in BrokerConfigs.All.Values.OrderBy(d => d.Name, StringComparer.Ordinal).Where(d => Wanted(d.Name)))
                {
                    var (value, source) = cluster.BrokerConfig(id, def.Name);
                    var entry = Entry(def, value, source, request);
                    if (request.IncludeSynonyms) AddBrokerSynonyms(cluster, id, def.Name, entry, includeDefault: true);
                    result.Configs.Add(entry);
                }
                return null;
            case ConfigResources.BrokerLogger:
                return null;
            default:
                return new ApiError(ErrorCode.InvalidRequest, $"Unsupported resource type {r.ResourceType}.");
        }
    }

    private static DescribeConfigsResponse.DescribeConfigsResourceResult Entry(ConfigDef def, string? value, ConfigSource source, DescribeConfigsRequest request) => new()
    {
        Name = def.Name,
        Value = def.Sensitive ? null : value,
        ReadOnly = def.ReadOnly,
        IsDefault = source == ConfigSource.DefaultConfig,
        ConfigSource = (sbyte)source,
        IsSensitive = def.Sensitive,
        ConfigType = (sbyte)def.Type,
        Documentation = request.IncludeDocumentation ? def.Doc : null,
    };

    private static void AddBrokerSynonyms(ClusterState cluster, int brokerId, string name, DescribeConfigsResponse.DescribeConfigsResourceResult entry, bool includeDefault)
    {
        if (cluster.DynamicBrokerConfigs.TryGetValue(brokerId, out var per) && per.TryGetValue(name, out var v1))
            entry.Synonyms.Add(Synonym(name, v1, ConfigSource.DynamicBrokerConfig));
        if (cluster.DynamicDefaultBrokerConfigs.TryGetValue(name, out var v2)) entry.Synonyms.Add(Synonym(name, v2, ConfigSource.DynamicDefaultBrokerConfig));
        if (cluster.StaticBrokerConfigs.TryGetValue(name, out var v3)) entry.Synonyms.Add(Synonym(name, v3, ConfigSource.StaticBrokerConfig));
        if (includeDefault && BrokerConfigs.All.TryGetValue(name, out var def) && def.Default is not null)
            entry.Synonyms.Add(Synonym(name, def.Default, ConfigSource.DefaultConfig));
    }

    private static DescribeConfigsResponse.DescribeConfigsSynonym Synonym(string name, string? value, ConfigSource source) =>
        new() { Name = name, Value = value, Source = (sbyte)source };
}
