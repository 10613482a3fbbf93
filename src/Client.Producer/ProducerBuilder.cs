using Microsoft.Extensions.Logging;
using Samsa.Client;
using Samsa.Client.Connections;
using Samsa.Serialization;

namespace Samsa.Producer;

/// <summary>Builds a <see cref="KafkaProducer{TKey,TValue}"/> without dependency injection.</summary>
/// <typeparam name="TKey">Key type.</typeparam>
/// <typeparam name="TValue">Value type.</typeparam>
public sealed class ProducerBuilder<TKey, TValue>
{
    private readonly ProducerOptions _options;
    private ISerializer<TKey>? _keySerializer;
    private ISerializer<TValue>? _valueSerializer;
    private IAsyncSerializer<TKey>? _asyncKeySerializer;
    private IAsyncSerializer<TValue>? _asyncValueSerializer;
    private ILoggerFactory? _loggerFactory;
    private TimeProvider? _timeProvider;
    private IKafkaTransport? _transport;
    private KafkaCluster? _cluster;

    /// <summary>Starts from options (validated by <see cref="Build"/>).</summary>
    public ProducerBuilder(ProducerOptions options) => _options = options ?? throw new ArgumentNullException(nameof(options));

    /// <summary>Starts from Kafka-style keys (<c>bootstrap.servers</c>, <c>acks</c>, <c>linger.ms</c>…); unknown keys throw.</summary>
    public ProducerBuilder(IEnumerable<KeyValuePair<string, string?>> config)
    {
        _options = new ProducerOptions();
        var unknown = KafkaConfigBinder.Bind(_options, config);
        if (unknown.Count > 0) throw new ArgumentException($"Unknown producer configuration key(s): {string.Join(", ", unknown)}.", nameof(config));
    }

    /// <summary>The key serializer (default for string, byte[], Null, int, long, float, double).</summary>
    public ProducerBuilder<TKey, TValue> SetKeySerializer(ISerializer<TKey> serializer)
    {
        _keySerializer = serializer;
        return this;
    }

    /// <summary>The value serializer (default for string, byte[], Null, int, long, float, double).</summary>
    public ProducerBuilder<TKey, TValue> SetValueSerializer(ISerializer<TValue> serializer)
    {
        _valueSerializer = serializer;
        return this;
    }

    /// <summary>An asynchronous key serializer (only <c>ProduceAsync</c> can be used then).</summary>
    public ProducerBuilder<TKey, TValue> SetKeySerializer(IAsyncSerializer<TKey> serializer)
    {
        _asyncKeySerializer = serializer;
        return this;
    }

    /// <summary>An asynchronous value serializer (only <c>ProduceAsync</c> can be used then).</summary>
    public ProducerBuilder<TKey, TValue> SetValueSerializer(IAsyncSerializer<TValue> serializer)
    {
        _asyncValueSerializer = serializer;
        return this;
    }

    /// <summary>Logging.</summary>
    public ProducerBuilder<TKey, TValue> SetLoggerFactory(ILoggerFactory loggerFactory)
    {
        _loggerFactory = loggerFactory;
        return this;
    }

    /// <summary>Clock (tests).</summary>
    public ProducerBuilder<TKey, TValue> SetTimeProvider(TimeProvider timeProvider)
    {
        _timeProvider = timeProvider;
        return this;
    }

    /// <summary>Transport, for example an in-memory one to Broker.Mini.</summary>
    public ProducerBuilder<TKey, TValue> SetTransport(IKafkaTransport transport)
    {
        _transport = transport;
        return this;
    }

    /// <summary>Shares an existing cluster client (not disposed with the producer).</summary>
    public ProducerBuilder<TKey, TValue> SetCluster(KafkaCluster cluster)
    {
        _cluster = cluster;
        return this;
    }

    /// <summary>Validates the options and starts the producer.</summary>
    public KafkaProducer<TKey, TValue> Build() =>
        new(_options, _cluster, _keySerializer, _valueSerializer, _asyncKeySerializer, _asyncValueSerializer, _loggerFactory, _timeProvider, _transport);
}
