using Microsoft.Extensions.Logging;
using Samsa.Client;
using Samsa.Client.Connections;
using Samsa.Consumer.Assignors;
using Samsa.Serialization;

namespace Samsa.Consumer;

/// <summary>Builds a <see cref="KafkaConsumer{TKey, TValue}"/> without dependency injection.</summary>
/// <typeparam name="TKey">Key type.</typeparam>
/// <typeparam name="TValue">Value type.</typeparam>
public sealed class ConsumerBuilder<TKey, TValue>
{
    private readonly ConsumerOptions _options;
    private readonly ConsumerParts<TKey, TValue> _parts = new();

    /// <summary>Starts from options (validated by <see cref="Build"/>).</summary>
    public ConsumerBuilder(ConsumerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
    }

    /// <summary>Starts from Kafka-style keys (<c>bootstrap.servers</c>, <c>group.id</c>…); unknown keys are ignored, as Kafka warns and goes on.</summary>
    public ConsumerBuilder(IEnumerable<KeyValuePair<string, string?>> config)
    {
        _options = new ConsumerOptions();
        KafkaConfigBinder.Bind(_options, config);
    }

    /// <summary>Sets the key deserializer (built-in ones are picked for string, byte[], Null, Ignore and numbers).</summary>
    public ConsumerBuilder<TKey, TValue> SetKeyDeserializer(IDeserializer<TKey> deserializer)
    {
        _parts.KeyDeserializer = deserializer;
        return this;
    }

    /// <summary>Sets an asynchronous key deserializer.</summary>
    public ConsumerBuilder<TKey, TValue> SetKeyDeserializer(IAsyncDeserializer<TKey> deserializer)
    {
        _parts.AsyncKeyDeserializer = deserializer;
        return this;
    }

    /// <summary>Sets the value deserializer.</summary>
    public ConsumerBuilder<TKey, TValue> SetValueDeserializer(IDeserializer<TValue> deserializer)
    {
        _parts.ValueDeserializer = deserializer;
        return this;
    }

    /// <summary>Sets an asynchronous value deserializer.</summary>
    public ConsumerBuilder<TKey, TValue> SetValueDeserializer(IAsyncDeserializer<TValue> deserializer)
    {
        _parts.AsyncValueDeserializer = deserializer;
        return this;
    }

    /// <summary>Sets the rebalance callbacks.</summary>
    public ConsumerBuilder<TKey, TValue> SetRebalanceHandlers(RebalanceHandlers handlers)
    {
        _parts.Rebalance = handlers;
        return this;
    }

    /// <summary>Adds custom assignors, chosen by name through <c>partition.assignment.strategy</c>.</summary>
    public ConsumerBuilder<TKey, TValue> SetAssignors(IReadOnlyList<IConsumerPartitionAssignor> assignors)
    {
        _parts.Assignors = assignors;
        return this;
    }

    /// <summary>Sets the logger factory.</summary>
    public ConsumerBuilder<TKey, TValue> SetLoggerFactory(ILoggerFactory loggerFactory)
    {
        _parts.LoggerFactory = loggerFactory;
        return this;
    }

    /// <summary>Sets the clock.</summary>
    public ConsumerBuilder<TKey, TValue> SetTimeProvider(TimeProvider timeProvider)
    {
        _parts.TimeProvider = timeProvider;
        return this;
    }

    /// <summary>Uses a custom transport (for example an in-memory one for tests).</summary>
    public ConsumerBuilder<TKey, TValue> SetTransport(IKafkaTransport transport)
    {
        _parts.Transport = transport;
        return this;
    }

    /// <summary>Shares an existing cluster connection instead of opening one (it is not disposed with the consumer).</summary>
    public ConsumerBuilder<TKey, TValue> SetCluster(KafkaCluster cluster)
    {
        _parts.Cluster = cluster;
        return this;
    }

    /// <summary>Validates the options and creates the consumer.</summary>
    public KafkaConsumer<TKey, TValue> Build() => new(_options, _parts);
}
