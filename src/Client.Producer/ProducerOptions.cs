using Samsa.Client;
using Samsa.Producer.Partitioning;
using Samsa.Protocol.Compression;

namespace Samsa.Producer;

/// <summary>
/// Producer settings: Kafka's producer configuration keys (shown on each property) with the Java client's defaults,
/// on top of the shared <see cref="KafkaClientOptions"/>. Validated once when the producer is built.
/// </summary>
public sealed class ProducerOptions : KafkaClientOptions
{
    /// <summary><c>acks</c>: <c>all</c> (or <c>-1</c>), <c>1</c> or <c>0</c>. Default <c>all</c>.</summary>
    [KafkaConfigKey("acks")]
    public string Acks { get; set; } = "all";

    /// <summary><c>enable.idempotence</c>: no duplicates or reordering on retries. Default true (needs acks=all).</summary>
    [KafkaConfigKey("enable.idempotence")]
    public bool EnableIdempotence { get; set; } = true;

    /// <summary><c>linger.ms</c>: how long a batch waits for more records. Default 5 (Kafka 4.0).</summary>
    [KafkaConfigKey("linger.ms")]
    public int LingerMs { get; set; } = 5;

    /// <summary><c>batch.size</c>: target batch size in bytes. Default 16384.</summary>
    [KafkaConfigKey("batch.size")]
    public int BatchSize { get; set; } = 16_384;

    /// <summary><c>buffer.memory</c>: bytes of records waiting to be sent before producing blocks. Default 33554432.</summary>
    [KafkaConfigKey("buffer.memory")]
    public long BufferMemory { get; set; } = 33_554_432;

    /// <summary><c>max.block.ms</c>: how long producing may wait for metadata or buffer space. Default 60000.</summary>
    [KafkaConfigKey("max.block.ms")]
    public long MaxBlockMs { get; set; } = 60_000;

    /// <summary><c>max.request.size</c>: largest request (and record) in bytes. Default 1048576.</summary>
    [KafkaConfigKey("max.request.size")]
    public int MaxRequestSize { get; set; } = 1_048_576;

    /// <summary><c>compression.type</c>: none, gzip, snappy, lz4 or zstd. Default none.</summary>
    [KafkaConfigKey("compression.type")]
    public string CompressionType { get; set; } = "none";

    /// <summary><c>compression.level</c> (KIP-390, also <c>compression.gzip.level</c> and friends): codec level, or null for the codec default.</summary>
    [KafkaConfigKey("compression.level")]
    public int? CompressionLevel { get; set; }

    /// <summary><c>delivery.timeout.ms</c>: upper bound from produce to acknowledgement or failure, retries included. Default 120000.</summary>
    [KafkaConfigKey("delivery.timeout.ms")]
    public int DeliveryTimeoutMs { get; set; } = 120_000;

    /// <summary><c>retries</c>: how often a retriable failure is retried (within <c>delivery.timeout.ms</c>). Default int.MaxValue.</summary>
    [KafkaConfigKey("retries")]
    public int Retries { get; set; } = int.MaxValue;

    /// <summary><c>partitioner.class</c> (Java) — see <see cref="Partitioners.FromName"/>; null means the default partitioner.</summary>
    [KafkaConfigKey("partitioner.class")]
    public string? PartitionerClass { get; set; }

    /// <summary><c>partitioner</c> (librdkafka's key, same values as <see cref="PartitionerClass"/>).</summary>
    [KafkaConfigKey("partitioner")]
    public string? PartitionerName
    {
        get => PartitionerClass;
        set => PartitionerClass = value;
    }

    /// <summary>A partitioner object; overrides <see cref="PartitionerClass"/>.</summary>
    public IPartitioner? Partitioner { get; set; }

    /// <summary><c>partitioner.adaptive.partitioning.enable</c>: weight the sticky choice towards faster brokers. Default true.</summary>
    [KafkaConfigKey("partitioner.adaptive.partitioning.enable")]
    public bool PartitionerAdaptivePartitioningEnable { get; set; } = true;

    /// <summary><c>partitioner.ignore.keys</c>: spread keyed records stickily too. Default false.</summary>
    [KafkaConfigKey("partitioner.ignore.keys")]
    public bool PartitionerIgnoreKeys { get; set; }

    /// <summary><c>transactional.id</c>: enables transactions. Default none.</summary>
    [KafkaConfigKey("transactional.id")]
    public string? TransactionalId { get; set; }

    /// <summary><c>transaction.timeout.ms</c>: how long the coordinator waits before aborting an open transaction. Default 60000.</summary>
    [KafkaConfigKey("transaction.timeout.ms")]
    public int TransactionTimeoutMs { get; set; } = 60_000;

    /// <summary>
    /// How long <c>DisposeAsync</c> waits for buffered records to be delivered before failing them (Java's
    /// <c>close(Duration)</c>). Not a Kafka configuration key. Default 30 seconds.
    /// </summary>
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The acks value sent in ProduceRequest (-1, 0 or 1).</summary>
    internal short AcksValue => Acks switch
    {
        "all" or "-1" => -1,
        "1" => 1,
        "0" => 0,
        _ => throw new ArgumentException($"Invalid Kafka configuration 'acks': '{Acks}'."),
    };

    /// <summary>The parsed <see cref="CompressionType"/>.</summary>
    internal CompressionType Compression => CompressionType.ToLowerInvariant() switch
    {
        "none" => Protocol.Compression.CompressionType.None,
        "gzip" => Protocol.Compression.CompressionType.Gzip,
        "snappy" => Protocol.Compression.CompressionType.Snappy,
        "lz4" => Protocol.Compression.CompressionType.Lz4,
        "zstd" => Protocol.Compression.CompressionType.Zstd,
        _ => throw new ArgumentException($"Invalid Kafka configuration 'compression.type': '{CompressionType}'."),
    };

    /// <summary>True when idempotence is on.</summary>
    internal bool Idempotent => EnableIdempotence || TransactionalId is not null;

    /// <summary>The partitioner to use.</summary>
    internal IPartitioner ResolvePartitioner() => Partitioner ?? (PartitionerClass is null ? Partitioners.Default : Partitioners.FromName(PartitionerClass));

    private static void Bad(string key, string problem) =>
        throw new ArgumentException($"Invalid Kafka configuration '{key}': {problem}.", key);

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        if (Acks is not ("all" or "-1" or "0" or "1")) Bad("acks", "must be all, -1, 0 or 1");
        _ = Compression;
        if (LingerMs < 0) Bad("linger.ms", "must not be negative");
        if (BatchSize < 0) Bad("batch.size", "must not be negative");
        if (BufferMemory <= 0) Bad("buffer.memory", "must be positive");
        if (MaxBlockMs < 0) Bad("max.block.ms", "must not be negative");
        if (MaxRequestSize <= 0) Bad("max.request.size", "must be positive");
        if (Retries < 0) Bad("retries", "must not be negative");
        if (DeliveryTimeoutMs < (long)LingerMs + RequestTimeoutMs)
            Bad("delivery.timeout.ms", "must be at least linger.ms + request.timeout.ms");
        if (TransactionTimeoutMs <= 0) Bad("transaction.timeout.ms", "must be positive");
        if (TransactionalId is { Length: 0 }) Bad("transactional.id", "must not be empty");
        if (TransactionalId is not null && !EnableIdempotence) Bad("enable.idempotence", "transactions need idempotence");
        if (EnableIdempotence)
        {
            if (AcksValue != -1) Bad("acks", "must be all (-1) when enable.idempotence is true");
            if (MaxInFlightRequestsPerConnection > 5) Bad("max.in.flight.requests.per.connection", "must be at most 5 when enable.idempotence is true");
            if (Retries == 0) Bad("retries", "must be positive when enable.idempotence is true");
        }
        if (PartitionerClass is not null && Partitioner is null) _ = Partitioners.FromName(PartitionerClass);
    }
}
