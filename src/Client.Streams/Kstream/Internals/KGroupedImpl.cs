using Samsa.Streams.State;

namespace Samsa.Streams.Kstream.Internals;

/// <summary>A grouped stream; aggregations repartition first when the key changed upstream.</summary>
internal sealed partial class KGroupedStreamImpl<TKey, TValue>(KStreamImpl<TKey, TValue> stream, ISerde<TKey>? keySerde, ISerde<TValue>? valueSerde,
    string? groupedName, bool repartitionRequired) : IKGroupedStream<TKey, TValue>
{
    private StreamsBuilder Builder => stream.Builder;

    internal ISerde<TKey>? KeySerde => keySerde;

    internal ISerde<TValue>? ValueSerde => valueSerde;

    public IKTable<TKey, long> Count(Materialized<TKey, long>? materialized = null, Named? named = null)
    {
        materialized = MaterializedDefaults.WithValueSerde(materialized, Serdes.Int64);
        return DoAggregate("KSTREAM-AGGREGATE-", named, materialized,
            (store, info) => new KStreamAggregateProcessor<TKey, TValue, long>(store, () => 0L, (_, _, count) => count + 1, info));
    }

    public IKTable<TKey, TValue> Reduce(Func<TValue, TValue, TValue> reducer, Materialized<TKey, TValue>? materialized = null, Named? named = null) =>
        DoAggregate("KSTREAM-REDUCE-", named, MaterializedDefaults.WithValueSerde(materialized, valueSerde),
            (store, info) => new KStreamReduceProcessor<TKey, TValue>(store, reducer, info));

    public IKTable<TKey, TAggregate> Aggregate<TAggregate>(Func<TAggregate> initializer, Func<TKey, TValue, TAggregate, TAggregate> aggregator,
        Materialized<TKey, TAggregate>? materialized = null, Named? named = null) =>
        DoAggregate("KSTREAM-AGGREGATE-", named, materialized ?? new Materialized<TKey, TAggregate>(),
            (store, info) => new KStreamAggregateProcessor<TKey, TValue, TAggregate>(store, initializer, aggregator, info));

    private KTableImpl<TKey, TAggregate> DoAggregate<TAggregate>(string prefix, Named? named, Materialized<TKey, TAggregate> materialized,
        Func<string, TableInfo<TKey, TAggregate>, Processor.IProcessor<TKey, TValue, TKey, Change<TAggregate>>> create)
    {
        // Kafka draws the store name before the processor name.
        string storeName = materialized.StoreName ?? Builder.NewStoreName(prefix);
        string processor = named?.Name ?? Builder.NewName(prefix);
        string parent = SourceForAggregation(storeName);
        var keys = materialized.KeySerde ?? keySerde;
        var info = TableInfo<TKey, TAggregate>.Materialized(storeName);
        Builder.Internal.AddProcessor(processor, [parent], n => Nodes.Of(n, create(storeName, info)));
        Builder.Internal.AddStateStore(new DslKeyValueStoreBuilder<TKey, TAggregate>(storeName, materialized, keys, null), [processor]);
        return new KTableImpl<TKey, TAggregate>(Builder, processor, keys, materialized.ValueSerde, info, materialized.StoreName);
    }

    /// <summary>The node aggregations read: the stream itself, or the source of a new repartition topic named after the grouping or the store.</summary>
    internal string SourceForAggregation(string storeName) => repartitionRequired
        ? Repartitioning.Create(Builder, stream.Name, groupedName ?? storeName, DslSerdes.Wrap(keySerde), DslSerdes.Wrap(valueSerde), null, null, nullKeyFilter: true)
        : stream.Name;

    internal StreamsBuilder StreamBuilder => Builder;
}

/// <summary>A re-grouped table; its aggregations always read a repartition topic of changes.</summary>
internal sealed class KGroupedTableImpl<TKey, TValue>(StreamsBuilder builder, string selectName, ISerde<TKey>? keySerde, ISerde<TValue>? valueSerde, string? groupedName)
    : IKGroupedTable<TKey, TValue>
{
    public IKTable<TKey, long> Count(Materialized<TKey, long>? materialized = null, Named? named = null)
    {
        materialized = MaterializedDefaults.WithValueSerde(materialized, Serdes.Int64);
        return DoAggregate("KTABLE-AGGREGATE-", named, materialized,
            (store, info) => new KTableAggregateProcessor<TKey, TValue, long>(store, () => 0L, (_, _, c) => c + 1, (_, _, c) => c - 1, info));
    }

    public IKTable<TKey, TValue> Reduce(Func<TValue, TValue, TValue> adder, Func<TValue, TValue, TValue> subtractor, Materialized<TKey, TValue>? materialized = null, Named? named = null) =>
        DoAggregate("KTABLE-REDUCE-", named, MaterializedDefaults.WithValueSerde(materialized, valueSerde),
            (store, info) => new KTableReduceProcessor<TKey, TValue>(store, adder, subtractor, info));

    public IKTable<TKey, TAggregate> Aggregate<TAggregate>(Func<TAggregate> initializer, Func<TKey, TValue, TAggregate, TAggregate> adder,
        Func<TKey, TValue, TAggregate, TAggregate> subtractor, Materialized<TKey, TAggregate>? materialized = null, Named? named = null) =>
        DoAggregate("KTABLE-AGGREGATE-", named, materialized ?? new Materialized<TKey, TAggregate>(),
            (store, info) => new KTableAggregateProcessor<TKey, TValue, TAggregate>(store, initializer, adder, subtractor, info));

    private KTableImpl<TKey, TAggregate> DoAggregate<TAggregate>(string prefix, Named? named, Materialized<TKey, TAggregate> materialized,
        Func<string, TableInfo<TKey, TAggregate>, Processor.IProcessor<TKey, Change<TValue>, TKey, Change<TAggregate>>> create)
    {
        string storeName = materialized.StoreName ?? builder.NewStoreName(prefix);
        string processor = named?.Name ?? builder.NewName(prefix);
        string source = Repartitioning.Create(builder, selectName, groupedName ?? storeName, DslSerdes.Wrap(keySerde),
            new ChangeSerde<TValue>(DslSerdes.Wrap(valueSerde)), null, null, nullKeyFilter: false);
        var keys = materialized.KeySerde ?? keySerde;
        var info = TableInfo<TKey, TAggregate>.Materialized(storeName);
        builder.Internal.AddProcessor(processor, [source], n => Nodes.Of(n, create(storeName, info)));
        builder.Internal.AddStateStore(new DslKeyValueStoreBuilder<TKey, TAggregate>(storeName, materialized, keys, null), [processor]);
        return new KTableImpl<TKey, TAggregate>(builder, processor, keys, materialized.ValueSerde, info, materialized.StoreName);
    }
}
