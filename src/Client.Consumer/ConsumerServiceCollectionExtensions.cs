using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Samsa.Client;
using Samsa.Serialization;

namespace Samsa.Consumer;

/// <summary>Registers consumers with dependency injection.</summary>
public static class ConsumerServiceCollectionExtensions
{
    /// <summary>
    /// Registers a singleton <see cref="IKafkaConsumer{TKey, TValue}"/> built from options (bound from a configuration
    /// section with Kafka-style keys when given, then <paramref name="configure"/>), with the registered
    /// <see cref="ILoggerFactory"/>, <see cref="TimeProvider"/> and any registered <see cref="IDeserializer{T}"/> /
    /// <see cref="IAsyncDeserializer{T}"/> for the key and value types.
    /// </summary>
    public static IServiceCollection AddKafkaConsumer<TKey, TValue>(this IServiceCollection services, IConfiguration? section = null,
        Action<ConsumerOptions>? configure = null, Action<IServiceProvider, ConsumerBuilder<TKey, TValue>>? build = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = new ConsumerOptions();
        if (section is not null) KafkaConfigBinder.Bind(options, section);
        configure?.Invoke(options);
        options.Validate();
        services.TryAddSingleton<IKafkaConsumer<TKey, TValue>>(sp =>
        {
            var builder = new ConsumerBuilder<TKey, TValue>(options);
            if (sp.GetService<ILoggerFactory>() is { } loggers) builder.SetLoggerFactory(loggers);
            if (sp.GetService<TimeProvider>() is { } time) builder.SetTimeProvider(time);
            if (sp.GetService<IDeserializer<TKey>>() is { } key) builder.SetKeyDeserializer(key);
            else if (sp.GetService<IAsyncDeserializer<TKey>>() is { } asyncKey) builder.SetKeyDeserializer(asyncKey);
            if (sp.GetService<IDeserializer<TValue>>() is { } value) builder.SetValueDeserializer(value);
            else if (sp.GetService<IAsyncDeserializer<TValue>>() is { } asyncValue) builder.SetValueDeserializer(asyncValue);
            build?.Invoke(sp, builder);
            return builder.Build();
        });
        return services;
    }

    /// <summary>Registers <typeparamref name="TWorker"/> as a hosted service (see <see cref="KafkaConsumerWorker{TKey, TValue}"/>).</summary>
    public static IServiceCollection AddKafkaConsumerWorker<TWorker, TKey, TValue>(this IServiceCollection services)
        where TWorker : KafkaConsumerWorker<TKey, TValue>
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddHostedService<TWorker>();
        return services;
    }
}
