using System.Globalization;
using Samsa.Admin.Internal;
using Samsa.Protocol.Messages;

namespace Samsa.Admin;

public sealed partial class AdminClient
{
    /// <summary>
    /// Describes configs of topics and brokers. Broker (and broker logger) resources go to that broker; topics and the
    /// cluster-wide broker default go to any broker. Synonyms and documentation are included when asked for and the
    /// broker supports them.
    /// </summary>
    public Task<AdminResults<ConfigResource, IReadOnlyDictionary<string, ConfigEntry>>> DescribeConfigsAsync(IEnumerable<ConfigResource> resources,
        bool includeSynonyms = false, bool includeDocumentation = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(resources);
        return _driver.RunAsync<ConfigResource, IReadOnlyDictionary<string, ConfigEntry>>("DescribeConfigs", resources, RouteOf, async (connection, batch, ct) =>
        {
            var request = new DescribeConfigsRequest
            {
                IncludeSynonyms = includeSynonyms,
                IncludeDocumentation = includeDocumentation,
                Resources = batch.Select(r => new DescribeConfigsRequest.DescribeConfigsResource
                {
                    ResourceType = (sbyte)r.Type,
                    ResourceName = r.Name,
                    ConfigurationKeys = null,
                }).ToList(),
            };
            var response = await connection.SendAsync(request, ct).ConfigureAwait(false);
            return response.Results.ToMap(r => new ConfigResource((ConfigResourceType)r.ResourceType, r.ResourceName),
                r => Outcome<IReadOnlyDictionary<string, ConfigEntry>>.From(r.ErrorCode, r.ErrorMessage,
                    r.Configs.ToDictionary(c => c.Name, c => new ConfigEntry(c.Name, c.Value, SourceOf(c), c.ReadOnly,
                        c.IsDefault || c.ConfigSource == (sbyte)ConfigSource.DefaultConfig, c.IsSensitive,
                        c.Synonyms.Select(s => new ConfigSynonym(s.Name, s.Value, (ConfigSource)s.Source)).ToList(),
                        (ConfigType)c.ConfigType, c.Documentation), StringComparer.Ordinal)));
        }, cancellationToken);
    }

    /// <summary>
    /// Replaces resources' whole dynamic config (the legacy AlterConfigs: configs not listed revert to defaults).
    /// Prefer <see cref="IncrementalAlterConfigsAsync"/>.
    /// </summary>
    public Task<AdminResults<ConfigResource, Done>> AlterConfigsAsync(IReadOnlyDictionary<ConfigResource, IReadOnlyDictionary<string, string?>> configs,
        bool validateOnly = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configs);
        return _driver.RunAsync<ConfigResource, Done>("AlterConfigs", configs.Keys, RouteOf, async (connection, batch, ct) =>
        {
            var request = new AlterConfigsRequest { ValidateOnly = validateOnly };
            foreach (var resource in batch)
            {
                request.Resources.Add(new()
                {
                    ResourceType = (sbyte)resource.Type,
                    ResourceName = resource.Name,
                    Configs = configs[resource].Select(c => new AlterConfigsRequest.AlterableConfig { Name = c.Key, Value = c.Value }).ToList(),
                });
            }
            var response = await connection.SendAsync(request, ct).ConfigureAwait(false);
            return response.Responses.ToMap(r => new ConfigResource((ConfigResourceType)r.ResourceType, r.ResourceName),
                r => Outcome<Done>.From(r.ErrorCode, r.ErrorMessage, default));
        }, cancellationToken);
    }

    /// <summary>Applies set/delete/append/subtract changes to resources' configs; each resource gets its own result.</summary>
    public Task<AdminResults<ConfigResource, Done>> IncrementalAlterConfigsAsync(IReadOnlyDictionary<ConfigResource, IReadOnlyList<AlterConfigOp>> changes,
        bool validateOnly = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        return _driver.RunAsync<ConfigResource, Done>("IncrementalAlterConfigs", changes.Keys, RouteOf, async (connection, batch, ct) =>
        {
            var request = new IncrementalAlterConfigsRequest { ValidateOnly = validateOnly };
            foreach (var resource in batch)
            {
                request.Resources.Add(new()
                {
                    ResourceType = (sbyte)resource.Type,
                    ResourceName = resource.Name,
                    Configs = changes[resource].Select(c => new IncrementalAlterConfigsRequest.AlterableConfig
                    {
                        Name = c.Name,
                        ConfigOperation = (sbyte)c.Op,
                        Value = c.Value,
                    }).ToList(),
                });
            }
            var response = await connection.SendAsync(request, ct).ConfigureAwait(false);
            return response.Responses.ToMap(r => new ConfigResource((ConfigResourceType)r.ResourceType, r.ResourceName),
                r => Outcome<Done>.From(r.ErrorCode, r.ErrorMessage, default));
        }, cancellationToken);
    }

    /// <summary>Broker and broker-logger resources go to that broker; everything else to any broker.</summary>
    private static Route RouteOf(ConfigResource resource) =>
        resource.Type is ConfigResourceType.Broker or ConfigResourceType.BrokerLogger
        && int.TryParse(resource.Name, NumberStyles.None, CultureInfo.InvariantCulture, out int id)
            ? Route.ToNode(id)
            : Route.Any;

    private static ConfigSource SourceOf(DescribeConfigsResponse.DescribeConfigsResourceResult c) =>
        c.ConfigSource >= 0 ? (ConfigSource)c.ConfigSource : c.IsDefault ? ConfigSource.DefaultConfig : ConfigSource.Unknown;
}
