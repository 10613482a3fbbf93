using Microsoft.Extensions.Logging;

namespace Samsa.Broker.Mini;

/// <summary>Options for <see cref="MiniCluster.StartAsync"/>. Defaults follow Kafka's where Kafka has one.</summary>
public sealed class MiniClusterOptions
{
    /// <summary>Number of brokers, with node ids 0..Brokers-1. Default 1.</summary>
    public int Brokers { get; set; } = 1;

    /// <summary>Address every broker listens on and advertises. Default 127.0.0.1.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>First port: broker i listens on Port+i. 0 (the default) picks an ephemeral port per broker.</summary>
    public int Port { get; set; }

    /// <summary>Directory for partition logs and cluster metadata; null (the default) keeps everything in memory.</summary>
    public string? DataDirectory { get; set; }

    /// <summary>
    /// Static broker configs by Kafka name (for example <c>auto.create.topics.enable</c>, <c>num.partitions</c>,
    /// <c>log.segment.bytes</c>); reported by DescribeConfigs as STATIC_BROKER_CONFIG.
    /// </summary>
    public IDictionary<string, string> BrokerConfigs { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Rack of each broker by id (optional), reported in Metadata and DescribeCluster.</summary>
    public IReadOnlyList<string?>? Racks { get; set; }

    /// <summary>The cluster id; a random one (or the one saved in <see cref="DataDirectory"/>) when null.</summary>
    public string? ClusterId { get; set; }

    /// <summary>Logging; none when null.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Clock for timestamps, segment rolls, retention and fetch waits; <see cref="TimeProvider.System"/> when null.</summary>
    public TimeProvider? TimeProvider { get; set; }

    /// <summary>
    /// Also run a Confluent-compatible Schema Registry (REST, Avro) on <see cref="Host"/>, storing schemas in the
    /// compacted <c>_schemas</c> topic; its URL is <see cref="MiniCluster.SchemaRegistryUrl"/>. Default false.
    /// </summary>
    public bool SchemaRegistry { get; set; }

    /// <summary>Port of the schema registry; 0 (the default) picks an ephemeral port.</summary>
    public int SchemaRegistryPort { get; set; }

    internal void Validate()
    {
        if (SchemaRegistryPort is < 0 or > 65535) throw new ArgumentOutOfRangeException(nameof(SchemaRegistryPort), SchemaRegistryPort, "SchemaRegistryPort must be between 0 and 65535.");
        if (Brokers is < 1 or > 64) throw new ArgumentOutOfRangeException(nameof(Brokers), Brokers, "Brokers must be between 1 and 64.");
        if (Port is < 0 or > 65535 || (Port > 0 && Port + Brokers - 1 > 65535))
            throw new ArgumentOutOfRangeException(nameof(Port), Port, "Port must be 0 or leave room for one port per broker.");
        ArgumentException.ThrowIfNullOrWhiteSpace(Host);
        foreach (var (name, value) in BrokerConfigs)
        {
            if (!Configs.BrokerConfigs.All.TryGetValue(name, out var def))
                throw new ArgumentException($"Unknown broker config '{name}'.", nameof(BrokerConfigs));
            if (def.Check(value) is { } error) throw new ArgumentException(error, nameof(BrokerConfigs));
        }
    }
}
