using System.Text.RegularExpressions;
using Samsa.Streams.Internals.Building;
using Samsa.Streams.Kstream;
using Samsa.Streams.Kstream.Internals;
using Samsa.Streams.State;

namespace Samsa.Streams;

/// <summary>
/// Builds a topology with the Streams DSL (Kafka's <c>StreamsBuilder</c>): streams, tables and global tables from
/// topics, then operations on them. Nodes get Kafka's generated names (<c>KSTREAM-SOURCE-0000000000</c>, ...).
/// </summary>
public sealed class StreamsBuilder
{
    private readonly Topology _topology = new();

    internal InternalTopologyBuilder Internal => _topology.Builder;

    /// <summary>A stream of <paramref name="topic"/>.</summary>
    public IKStream<TKey, TValue> Stream<TKey, TValue>(string topic, Consumed<TKey, TValue>? consumed = null) => Stream([topic], consumed);

    /// <summary>A stream of several topics.</summary>
    public IKStream<TKey, TValue> Stream<TKey, TValue>(IReadOnlyList<string> topics, Consumed<TKey, TValue>? consumed = null)
    {
        string name = consumed?.Name ?? NewName("KSTREAM-SOURCE-");
        Internal.AddSource(name, topics, null, DslSerdes.Wrap(consumed?.KeySerde), DslSerdes.Wrap(consumed?.ValueSerde));
        return new KStreamImpl<TKey, TValue>(this, name, consumed?.KeySerde, consumed?.ValueSerde, repartitionRequired: false);
    }

    /// <summary>A stream of every topic whose whole name matches <paramref name="pattern"/>.</summary>
    public IKStream<TKey, TValue> Stream<TKey, TValue>(Regex pattern, Consumed<TKey, TValue>? consumed = null)
    {
        string name = consumed?.Name ?? NewName("KSTREAM-SOURCE-");
        Internal.AddSource(name, [], pattern, DslSerdes.Wrap(consumed?.KeySerde), DslSerdes.Wrap(consumed?.ValueSerde));
        return new KStreamImpl<TKey, TValue>(this, name, consumed?.KeySerde, consumed?.ValueSerde, repartitionRequired: false);
    }

    /// <summary>A table of <paramref name="topic"/> (always materialized: the store is named after the topic unless given).</summary>
    public IKTable<TKey, TValue> Table<TKey, TValue>(string topic, Consumed<TKey, TValue>? consumed = null, Materialized<TKey, TValue>? materialized = null)
    {
        string storeName = materialized?.StoreName ?? NewStoreName(topic + "-");
        string sourceName = consumed?.Name ?? NewName("KSTREAM-SOURCE-");
        string tableName = NewName("KTABLE-SOURCE-");
        var keySerde = consumed?.KeySerde ?? materialized?.KeySerde;
        var valueSerde = consumed?.ValueSerde ?? materialized?.ValueSerde;
        Internal.AddSource(sourceName, [topic], null, DslSerdes.Wrap(keySerde), DslSerdes.Wrap(valueSerde));
        var info = TableInfo<TKey, TValue>.Materialized(storeName);
        Internal.AddProcessor(tableName, [sourceName], n => Nodes.Of(n, new KTableSourceProcessor<TKey, TValue>(storeName, info)));
        Internal.AddStateStore(new DslKeyValueStoreBuilder<TKey, TValue>(storeName, materialized ?? new Materialized<TKey, TValue>(), keySerde, valueSerde), [tableName]);
        return new KTableImpl<TKey, TValue>(this, tableName, keySerde, valueSerde, info, materialized?.StoreName);
    }

    /// <summary>A global table of <paramref name="topic"/>: every instance holds all partitions.</summary>
    public IGlobalKTable<TKey, TValue> GlobalTable<TKey, TValue>(string topic, Consumed<TKey, TValue>? consumed = null, Materialized<TKey, TValue>? materialized = null)
    {
        string storeName = materialized?.StoreName ?? NewStoreName(topic + "-");
        string sourceName = consumed?.Name ?? NewName("KSTREAM-SOURCE-");
        string tableName = NewName("KTABLE-SOURCE-");
        var keySerde = consumed?.KeySerde ?? materialized?.KeySerde;
        var valueSerde = consumed?.ValueSerde ?? materialized?.ValueSerde;
        var info = TableInfo<TKey, TValue>.Materialized(storeName);
        var store = new DslKeyValueStoreBuilder<TKey, TValue>(storeName, (materialized ?? new Materialized<TKey, TValue>()).WithLoggingDisabled(), keySerde, valueSerde);
        Internal.AddGlobalStore(store, sourceName, topic, DslSerdes.Wrap(keySerde), DslSerdes.Wrap(valueSerde), tableName,
            n => Nodes.Of(n, new KTableSourceProcessor<TKey, TValue>(storeName, info)));
        return new GlobalKTableImpl<TKey, TValue>(storeName);
    }

    /// <summary>Adds a store that <see cref="IKStream{TKey, TValue}.Process{TKeyOut, TValueOut}(Processor.IProcessorSupplier{TKey, TValue, TKeyOut, TValueOut}, Named?, string[])"/> can connect by name.</summary>
    public StreamsBuilder AddStateStore(IStoreBuilder builder)
    {
        Internal.AddStateStore(builder, []);
        return this;
    }

    /// <summary>The topology built so far.</summary>
    public Topology Build(StreamsConfig? config = null) => _topology;

    internal string NewName(string prefix) => Internal.NewName(prefix);

    /// <summary>Kafka's generated store names: <c>&lt;prefix&gt;STATE-STORE-0000000003</c>.</summary>
    internal string NewStoreName(string prefix) => Internal.NewName(prefix + "STATE-STORE-");
}
