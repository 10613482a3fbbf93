using Samsa.Streams.State;

namespace Samsa.Streams.Kstream;

/// <summary>How a stream or table reads its topic: serdes and the source node name (Kafka's <c>Consumed</c>).</summary>
public sealed record Consumed<TKey, TValue>
{
    /// <summary>Key serde; null means the configured default.</summary>
    public ISerde<TKey>? KeySerde { get; init; }

    /// <summary>Value serde; null means the configured default.</summary>
    public ISerde<TValue>? ValueSerde { get; init; }

    /// <summary>Source node name; null means a generated one.</summary>
    public string? Name { get; init; }

    /// <summary>With both serdes.</summary>
    public static Consumed<TKey, TValue> With(ISerde<TKey>? keySerde, ISerde<TValue>? valueSerde) => new() { KeySerde = keySerde, ValueSerde = valueSerde };

    /// <summary>With a source node name.</summary>
    public static Consumed<TKey, TValue> As(string name) => new() { Name = name };

    /// <summary>This with another node name.</summary>
    public Consumed<TKey, TValue> WithName(string name) => this with { Name = name };
}

/// <summary>How a stream writes to a topic: serdes, partitioner, sink name (Kafka's <c>Produced</c>).</summary>
public sealed record Produced<TKey, TValue>
{
    /// <summary>Key serde; null means the stream's or the configured default.</summary>
    public ISerde<TKey>? KeySerde { get; init; }

    /// <summary>Value serde; null means the stream's or the configured default.</summary>
    public ISerde<TValue>? ValueSerde { get; init; }

    /// <summary>Picks a partition from (topic, key, value, partition count); null result: the default partitioner.</summary>
    public Func<string, TKey, TValue, int, int?>? StreamPartitioner { get; init; }

    /// <summary>Sink node name; null means a generated one.</summary>
    public string? Name { get; init; }

    /// <summary>With both serdes.</summary>
    public static Produced<TKey, TValue> With(ISerde<TKey>? keySerde, ISerde<TValue>? valueSerde) => new() { KeySerde = keySerde, ValueSerde = valueSerde };

    /// <summary>With a sink node name.</summary>
    public static Produced<TKey, TValue> As(string name) => new() { Name = name };

    /// <summary>This with a stream partitioner.</summary>
    public Produced<TKey, TValue> WithStreamPartitioner(Func<string, TKey, TValue, int, int?> partitioner) => this with { StreamPartitioner = partitioner };
}

/// <summary>Serdes and the repartition topic name of a grouping (Kafka's <c>Grouped</c>).</summary>
public sealed record Grouped<TKey, TValue>
{
    /// <summary>Key serde.</summary>
    public ISerde<TKey>? KeySerde { get; init; }

    /// <summary>Value serde.</summary>
    public ISerde<TValue>? ValueSerde { get; init; }

    /// <summary>Names the repartition topic <c>&lt;application.id&gt;-&lt;name&gt;-repartition</c>.</summary>
    public string? Name { get; init; }

    /// <summary>With both serdes.</summary>
    public static Grouped<TKey, TValue> With(ISerde<TKey>? keySerde, ISerde<TValue>? valueSerde) => new() { KeySerde = keySerde, ValueSerde = valueSerde };

    /// <summary>With a name.</summary>
    public static Grouped<TKey, TValue> As(string name) => new() { Name = name };

    /// <summary>This with a name.</summary>
    public Grouped<TKey, TValue> WithName(string name) => this with { Name = name };
}

/// <summary>
/// How a KTable or an aggregation is stored (Kafka's <c>Materialized</c>): the store name (which makes it queryable),
/// serdes, changelog settings, a bytes-store supplier, and the retention of window stores.
/// </summary>
public sealed record Materialized<TKey, TValue>
{
    /// <summary>Store name; null means a generated, non-queryable name.</summary>
    public string? StoreName { get; init; }

    /// <summary>Key serde.</summary>
    public ISerde<TKey>? KeySerde { get; init; }

    /// <summary>Value serde.</summary>
    public ISerde<TValue>? ValueSerde { get; init; }

    /// <summary>A key-value bytes store supplier; null means a persistent store (Kafka's default), or an in-memory one after <see cref="InMemory"/>.</summary>
    public IKeyValueBytesStoreSupplier? KeyValueStoreSupplier { get; init; }

    /// <summary>True for the persistent (on-disk) store when no supplier is given (Kafka's default is persistent).</summary>
    public bool Persistent { get; init; } = true;

    /// <summary>True (default) when the store has a changelog.</summary>
    public bool LoggingEnabled { get; init; } = true;

    /// <summary>Extra changelog topic configs.</summary>
    public IReadOnlyDictionary<string, string>? LogConfig { get; init; }

    /// <summary>Retention of window and session stores; null means window size + grace (and at least a day for windows, as Kafka).</summary>
    public TimeSpan? Retention { get; init; }

    /// <summary>Queryable under <paramref name="storeName"/>.</summary>
    public static Materialized<TKey, TValue> As(string storeName) => new() { StoreName = storeName };

    /// <summary>Stored in stores from <paramref name="supplier"/> (named after it).</summary>
    public static Materialized<TKey, TValue> As(IKeyValueBytesStoreSupplier supplier) => new() { StoreName = supplier.Name, KeyValueStoreSupplier = supplier };

    /// <summary>With both serdes.</summary>
    public static Materialized<TKey, TValue> With(ISerde<TKey>? keySerde, ISerde<TValue>? valueSerde) => new() { KeySerde = keySerde, ValueSerde = valueSerde };

    /// <summary>This with a key serde.</summary>
    public Materialized<TKey, TValue> WithKeySerde(ISerde<TKey> serde) => this with { KeySerde = serde };

    /// <summary>This with a value serde.</summary>
    public Materialized<TKey, TValue> WithValueSerde(ISerde<TValue> serde) => this with { ValueSerde = serde };

    /// <summary>This without a changelog.</summary>
    public Materialized<TKey, TValue> WithLoggingDisabled() => this with { LoggingEnabled = false };

    /// <summary>This with a changelog using extra topic configs.</summary>
    public Materialized<TKey, TValue> WithLoggingEnabled(IReadOnlyDictionary<string, string> config) => this with { LoggingEnabled = true, LogConfig = config };

    /// <summary>This kept in memory.</summary>
    public Materialized<TKey, TValue> InMemory() => this with { Persistent = false };

    /// <summary>This with a window or session retention.</summary>
    public Materialized<TKey, TValue> WithRetention(TimeSpan retention) => this with { Retention = retention };
}

/// <summary>A processor name (Kafka's <c>Named</c>).</summary>
/// <param name="Name">The name.</param>
public sealed record Named(string Name)
{
    /// <summary>Names the operation.</summary>
    public static Named As(string name) => new(name);
}

/// <summary>An explicit repartitioning (Kafka's <c>Repartitioned</c>).</summary>
public sealed record Repartitioned<TKey, TValue>
{
    /// <summary>Names the topic <c>&lt;application.id&gt;-&lt;name&gt;-repartition</c>.</summary>
    public string? Name { get; init; }

    /// <summary>Key serde.</summary>
    public ISerde<TKey>? KeySerde { get; init; }

    /// <summary>Value serde.</summary>
    public ISerde<TValue>? ValueSerde { get; init; }

    /// <summary>Partition count of the topic; null: like the upstream source topics.</summary>
    public int? NumberOfPartitions { get; init; }

    /// <summary>Picks the partition.</summary>
    public Func<string, TKey, TValue, int, int?>? StreamPartitioner { get; init; }

    /// <summary>With a name.</summary>
    public static Repartitioned<TKey, TValue> As(string name) => new() { Name = name };

    /// <summary>With both serdes.</summary>
    public static Repartitioned<TKey, TValue> With(ISerde<TKey>? keySerde, ISerde<TValue>? valueSerde) => new() { KeySerde = keySerde, ValueSerde = valueSerde };

    /// <summary>This with a partition count.</summary>
    public Repartitioned<TKey, TValue> WithNumberOfPartitions(int partitions) => this with { NumberOfPartitions = partitions };

    /// <summary>This with a stream partitioner.</summary>
    public Repartitioned<TKey, TValue> WithStreamPartitioner(Func<string, TKey, TValue, int, int?> partitioner) => this with { StreamPartitioner = partitioner };
}

/// <summary>A branch of <see cref="IKStream{TKey, TValue}.Split"/> (Kafka's <c>Branched</c>).</summary>
public sealed record Branched<TKey, TValue>
{
    /// <summary>The branch name (suffix of the split's prefix).</summary>
    public string? Name { get; init; }

    /// <summary>Applied to the branch; its result is what the result map holds (null: nothing).</summary>
    public Func<IKStream<TKey, TValue>, IKStream<TKey, TValue>?>? Chain { get; init; }

    /// <summary>Named.</summary>
    public static Branched<TKey, TValue> As(string name) => new() { Name = name };

    /// <summary>Transforms the branch.</summary>
    public static Branched<TKey, TValue> WithFunction(Func<IKStream<TKey, TValue>, IKStream<TKey, TValue>?> chain, string? name = null) => new() { Chain = chain, Name = name };

    /// <summary>Consumes the branch (the result map gets no entry for it).</summary>
    public static Branched<TKey, TValue> WithConsumer(Action<IKStream<TKey, TValue>> chain, string? name = null) =>
        new() { Chain = s => { chain(s); return null; }, Name = name };
}

/// <summary>Serdes of a stream-table join (Kafka's <c>Joined</c>).</summary>
public sealed record Joined<TKey, TValue, TOther>
{
    /// <summary>Key serde.</summary>
    public ISerde<TKey>? KeySerde { get; init; }

    /// <summary>Stream value serde.</summary>
    public ISerde<TValue>? ValueSerde { get; init; }

    /// <summary>Table value serde.</summary>
    public ISerde<TOther>? OtherValueSerde { get; init; }

    /// <summary>Processor / repartition name.</summary>
    public string? Name { get; init; }

    /// <summary>With serdes.</summary>
    public static Joined<TKey, TValue, TOther> With(ISerde<TKey>? keySerde, ISerde<TValue>? valueSerde, ISerde<TOther>? otherValueSerde) =>
        new() { KeySerde = keySerde, ValueSerde = valueSerde, OtherValueSerde = otherValueSerde };

    /// <summary>Named.</summary>
    public static Joined<TKey, TValue, TOther> As(string name) => new() { Name = name };
}

/// <summary>Serdes and store names of a stream-stream join (Kafka's <c>StreamJoined</c>).</summary>
public sealed record StreamJoined<TKey, TValue, TOther>
{
    /// <summary>Key serde.</summary>
    public ISerde<TKey>? KeySerde { get; init; }

    /// <summary>This side's value serde.</summary>
    public ISerde<TValue>? ValueSerde { get; init; }

    /// <summary>Other side's value serde.</summary>
    public ISerde<TOther>? OtherValueSerde { get; init; }

    /// <summary>Base name of the processors.</summary>
    public string? Name { get; init; }

    /// <summary>Base name of the join stores (<c>&lt;name&gt;-this-join-store</c>, <c>&lt;name&gt;-other-join-store</c>).</summary>
    public string? StoreName { get; init; }

    /// <summary>True (default) when the join stores have changelogs.</summary>
    public bool LoggingEnabled { get; init; } = true;

    /// <summary>With serdes.</summary>
    public static StreamJoined<TKey, TValue, TOther> With(ISerde<TKey>? keySerde, ISerde<TValue>? valueSerde, ISerde<TOther>? otherValueSerde) =>
        new() { KeySerde = keySerde, ValueSerde = valueSerde, OtherValueSerde = otherValueSerde };

    /// <summary>This with a store name.</summary>
    public StreamJoined<TKey, TValue, TOther> WithStoreName(string storeName) => this with { StoreName = storeName };

    /// <summary>This with a processor name.</summary>
    public StreamJoined<TKey, TValue, TOther> WithName(string name) => this with { Name = name };
}
