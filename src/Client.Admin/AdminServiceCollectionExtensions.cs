using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Samsa.Client;

namespace Samsa.Admin;

/// <summary>Registers an <see cref="AdminClient"/> with dependency injection.</summary>
public static class AdminServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="AdminOptions"/> (validated on first use) and a singleton <see cref="AdminClient"/> with its
    /// own connections, using the registered <see cref="ILoggerFactory"/> and <see cref="TimeProvider"/> if any.
    /// </summary>
    public static IServiceCollection AddKafkaAdminClient(this IServiceCollection services, Action<AdminOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<AdminOptions>().Configure(configure).Validate(Validates, "Invalid Kafka admin options.");
        services.TryAddSingleton(sp => new AdminClient(sp.GetRequiredService<IOptions<AdminOptions>>().Value,
            sp.GetService<ILoggerFactory>(), sp.GetService<TimeProvider>()));
        return services;
    }

    /// <summary>Like <see cref="AddKafkaAdminClient(IServiceCollection, Action{AdminOptions})"/>, binding Kafka-style keys from a configuration section.</summary>
    public static IServiceCollection AddKafkaAdminClient(this IServiceCollection services, IConfiguration section, Action<AdminOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(section);
        return services.AddKafkaAdminClient(options =>
        {
            KafkaConfigBinder.Bind(options, section);
            configure?.Invoke(options);
        });
    }

    private static bool Validates(AdminOptions options)
    {
        options.Validate();
        return true;
    }
}
