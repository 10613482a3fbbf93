using System.Globalization;
using Samsa.Broker.Mini.Cluster;
using Samsa.Broker.Mini.Configs;

namespace Samsa.Broker.Mini.Handlers;

/// <summary>Config resources shared by DescribeConfigs, AlterConfigs and IncrementalAlterConfigs.</summary>
internal static class ConfigResources
{
    public const sbyte Topic = 2;
    public const sbyte Broker = 4;
    public const sbyte BrokerLogger = 8;

    /// <summary>
    /// Resolves the mutable override map behind a TOPIC or BROKER resource (a copy is edited, validated, then applied)
    /// and applies <paramref name="edit"/> to it, unless <paramref name="validateOnly"/>.
    /// </summary>
    public static ApiError Alter(ClusterState cluster, sbyte type, string name, bool validateOnly, Func<Dictionary<string, string>, IReadOnlyDictionary<string, ConfigDef>, ApiError?> edit)
    {
        Dictionary<string, string> target;
        IReadOnlyDictionary<string, ConfigDef> defs;
        TopicState? topic = null;
        switch (type)
        {
            case Topic:
                if (!cluster.Topics.TryGetValue(name, out topic)) return new ApiError(ErrorCode.UnknownTopicOrPartition, $"Topic {name} does not exist.");
                target = topic.Overrides;
                defs = TopicConfigs.All;
                break;
            case Broker:
                if (name.Length == 0) target = cluster.DynamicDefaultBrokerConfigs;
                else if (int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out int id) && id < cluster.Brokers.Length)
                {
                    if (!cluster.DynamicBrokerConfigs.TryGetValue(id, out var perBroker))
                        cluster.DynamicBrokerConfigs[id] = perBroker = new(StringComparer.Ordinal);
                    target = perBroker;
                }
                else return new ApiError(ErrorCode.InvalidRequest, $"Unknown broker id {name}.");
                defs = BrokerConfigs.All;
                break;
            default:
                return new ApiError(ErrorCode.InvalidRequest, $"Unsupported resource type {type} for altering configs.");
        }
        var copy = new Dictionary<string, string>(target, StringComparer.Ordinal);
        if (edit(copy, defs) is { } error) return error;
        foreach (var (key, value) in copy)
        {
            if (!defs.TryGetValue(key, out var def))
                return new ApiError(ErrorCode.InvalidConfig, type == Topic ? $"Unknown topic config name: {key}" : $"Unknown broker config name: {key}");
            if (def.ReadOnly && (!target.TryGetValue(key, out var old) || old != value))
                return new ApiError(ErrorCode.InvalidRequest, $"Cannot update these configs dynamically: {key}");
            if (def.Check(value) is { } invalid) return new ApiError(ErrorCode.InvalidConfig, invalid);
        }
        if (validateOnly) return ApiError.None;
        target.Clear();
        foreach (var (k, v) in copy) target[k] = v;
        if (topic is not null) cluster.RefreshTopicConfig(topic);
        else cluster.RefreshTopicConfigs();
        cluster.SaveMetadata();
        return ApiError.None;
    }
}
