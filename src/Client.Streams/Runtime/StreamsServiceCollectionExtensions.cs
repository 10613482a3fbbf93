using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Samsa.Client;

namespace Samsa.Streams;

/// <summary>Registers a <see cref="KafkaStreams"/> application in a Generic Host.</summary>
public static class StreamsServiceCollectionExtensions
{
    /// <summary>
    /// Registers a singleton <see cref="KafkaStreams"/> for the topology <paramref name="topology"/> builds, with a
    /// hosted service that starts it with the host and closes it (commit, checkpoint, leave the group) when the host
    /// stops. Settings are bound from <paramref name="section"/> with Kafka's keys (<c>application.id</c>,
    /// <c>bootstrap.servers</c>, <c>num.stream.threads</c>, <c>processing.guarantee</c>…; other keys such as
    /// <c>consumer.session.timeout.ms</c> go to <see cref="StreamsConfig.Extra"/>), then <paramref name="configure"/>
    /// runs. The registered <see cref="ILoggerFactory"/> and <see cref="TimeProvider"/> are used when present.
    /// </summary>
    public static IServiceCollection AddKafkaStreams(this IServiceCollection services, Func<IServiceProvider, Topology> topology,
        IConfiguration? section = null, Action<StreamsConfig>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(topology);
        var config = new StreamsConfig();
        if (section is not null) StreamsConfigBinder.Bind(config, section.AsEnumerable(makePathsRelative: true).Where(kv => kv.Value is not null));
        configure?.Invoke(config);
        if (string.IsNullOrWhiteSpace(config.ApplicationId)) throw new ArgumentException("application.id is required.", nameof(section));
        services.TryAddSingleton(config);
        services.TryAddSingleton(sp => new KafkaStreams(topology(sp), config, sp.GetService<ILoggerFactory>(), sp.GetService<TimeProvider>()));
        services.AddHostedService<KafkaStreamsHostedService>();
        return services;
    }
}

/// <summary>Starts the registered <see cref="KafkaStreams"/> with the host and closes it when the host stops.</summary>
internal sealed class KafkaStreamsHostedService(KafkaStreams streams) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => streams.StartAsync(cancellationToken);

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var closing = streams.CloseAsync();
        await closing.WaitAsync(cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>Binds Kafka Streams keys onto <see cref="StreamsConfig"/>; unknown keys are kept in <see cref="StreamsConfig.Extra"/>.</summary>
public static class StreamsConfigBinder
{
    /// <summary>
    /// Applies every key/value pair (configuration paths such as <c>consumer:max.poll.records</c> count as dotted keys);
    /// throws <see cref="KafkaConfigException"/> naming the key for a value of the wrong type.
    /// </summary>
    public static void Bind(StreamsConfig config, IEnumerable<KeyValuePair<string, string?>> values)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(values);
        var pairs = values.Where(kv => kv.Value is not null).Select(kv => new KeyValuePair<string, string?>(kv.Key.Replace(':', '.'), kv.Value)).ToList();
        var unknown = KafkaConfigBinder.Bind(config, pairs).ToHashSet(StringComparer.Ordinal);
        foreach (var (key, value) in pairs)
        {
            if (unknown.Contains(key)) config.Extra[key] = value!;
        }
    }
}
