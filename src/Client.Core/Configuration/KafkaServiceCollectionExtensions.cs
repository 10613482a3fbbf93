using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Samsa.Client;

/// <summary>Registers a shared <see cref="KafkaCluster"/> with dependency injection.</summary>
public static class KafkaServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="KafkaClientOptions"/> (validated on first use) and a singleton <see cref="KafkaCluster"/>
    /// built from them, the registered <see cref="ILoggerFactory"/> and <see cref="TimeProvider"/> (system clock if none).
    /// </summary>
    public static IServiceCollection AddKafkaCluster(this IServiceCollection services, Action<KafkaClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<KafkaClientOptions>().Configure(configure).Validate(Validates, "Invalid Kafka client options.");
        services.TryAddSingleton(sp => new KafkaCluster(
            sp.GetRequiredService<IOptions<KafkaClientOptions>>().Value,
            sp.GetService<ILoggerFactory>(),
            sp.GetService<TimeProvider>()));
        return services;
    }

    /// <summary>Like <see cref="AddKafkaCluster(IServiceCollection, Action{KafkaClientOptions})"/>, binding Kafka-style keys from a configuration section.</summary>
    public static IServiceCollection AddKafkaCluster(this IServiceCollection services, IConfiguration section, Action<KafkaClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(section);
        return services.AddKafkaCluster(options =>
        {
            KafkaConfigBinder.Bind(options, section);
            configure?.Invoke(options);
        });
    }

    private static bool Validates(KafkaClientOptions options)
    {
        options.Validate();
        return true;
    }
}
