using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Samsa.Serialization;

namespace Samsa.Producer;

/// <summary>Registers producers with dependency injection.</summary>
public static class ProducerServiceCollectionExtensions
{
    /// <summary>
    /// Registers a singleton <see cref="IKafkaProducer{TKey,TValue}"/> built from options configured by
    /// <paramref name="configure"/> (validated when first resolved), the registered <see cref="ILoggerFactory"/>,
    /// <see cref="TimeProvider"/> and, if registered, <see cref="ISerializer{T}"/>s for the key and value types.
    /// </summary>
    public static IServiceCollection AddKafkaProducer<TKey, TValue>(this IServiceCollection services, Action<ProducerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.TryAddSingleton<IKafkaProducer<TKey, TValue>>(sp =>
        {
            var options = new ProducerOptions();
            configure(options);
            var builder = new ProducerBuilder<TKey, TValue>(options);
            if (sp.GetService<ILoggerFactory>() is { } logging) builder.SetLoggerFactory(logging);
            if (sp.GetService<TimeProvider>() is { } time) builder.SetTimeProvider(time);
            if (sp.GetService<ISerializer<TKey>>() is { } keys) builder.SetKeySerializer(keys);
            if (sp.GetService<ISerializer<TValue>>() is { } values) builder.SetValueSerializer(values);
            return builder.Build();
        });
        return services;
    }

    /// <summary>Like <see cref="AddKafkaProducer{TKey,TValue}(IServiceCollection, Action{ProducerOptions})"/>, binding Kafka-style keys (<c>bootstrap.servers</c>, <c>linger.ms</c>…) from a configuration section.</summary>
    public static IServiceCollection AddKafkaProducer<TKey, TValue>(this IServiceCollection services, IConfiguration section, Action<ProducerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(section);
        return services.AddKafkaProducer<TKey, TValue>(options =>
        {
            Client.KafkaConfigBinder.Bind(options, section);
            configure?.Invoke(options);
        });
    }
}
