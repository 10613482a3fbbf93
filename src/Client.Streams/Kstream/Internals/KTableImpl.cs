using Samsa.Streams.Processor;
using Samsa.Streams.State;

namespace Samsa.Streams.Kstream.Internals;

/// <summary>A DSL table: the node emitting its changes, serdes, and how to read it.</summary>
internal sealed partial class KTableImpl<TKey, TValue>(StreamsBuilder builder, string name, ISerde<TKey>? keySerde, ISerde<TValue>? valueSerde,
    TableInfo<TKey, TValue> info, string? queryableStoreName) : IKTable<TKey, TValue>
{
    internal StreamsBuilder Builder => builder;

    internal string Name => name;

    internal TableInfo<TKey, TValue> Info => info;

    internal ISerde<TKey>? KeySerde => keySerde;

    internal ISerde<TValue>? ValueSerde => valueSerde;

    public string? QueryableStoreName => queryableStoreName;

    /// <summary>Set on windowed tables: what suppression until window close needs.</summary>
    internal WindowedTableInfo<TKey>? Windowing { get; init; }

    public IKTable<TKey, TValue> Filter(Func<TKey, TValue, bool> predicate, Materialized<TKey, TValue>? materialized = null, Named? named = null) =>
        DoFilter(predicate, false, materialized, named);

    public IKTable<TKey, TValue> FilterNot(Func<TKey, TValue, bool> predicate, Materialized<TKey, TValue>? materialized = null, Named? named = null) =>
        DoFilter(predicate, true, materialized, named);

    private KTableImpl<TKey, TValue> DoFilter(Func<TKey, TValue, bool> predicate, bool filterNot, Materialized<TKey, TValue>? materialized, Named? named)
    {
        string child = named?.Name ?? builder.NewName("KTABLE-FILTER-");
        string? storeName = materialized is null ? null : materialized.StoreName ?? builder.NewStoreName("KTABLE-FILTER-");
        var parent = info;
        var childInfo = storeName is not null
            ? TableInfo<TKey, TValue>.Materialized(storeName, parent.EnableSendingOldValues)
            : TableInfo<TKey, TValue>.Computed(
                () => new MappingGetter<TKey, TValue, TValue>(parent.CreateGetter(), (k, v) => (predicate(k, v) != filterNot, v)),
                parent.GetterStores, parent.EnableSendingOldValues);
        builder.Internal.AddProcessor(child, [name], n => Nodes.Of(n, new KTableFilterProcessor<TKey, TValue>(predicate, filterNot, storeName, childInfo)));
        if (storeName is not null)
            builder.Internal.AddStateStore(new DslKeyValueStoreBuilder<TKey, TValue>(storeName, materialized!, keySerde, valueSerde), [child]);
        return new KTableImpl<TKey, TValue>(builder, child, materialized?.KeySerde ?? keySerde, materialized?.ValueSerde ?? valueSerde, childInfo, materialized?.StoreName)
        {
            Windowing = Windowing,
        };
    }

    public IKTable<TKey, TValueOut> MapValues<TValueOut>(Func<TKey, TValue, TValueOut> mapper, Materialized<TKey, TValueOut>? materialized = null, Named? named = null)
    {
        string child = named?.Name ?? builder.NewName("KTABLE-MAPVALUES-");
        string? storeName = materialized is null ? null : materialized.StoreName ?? builder.NewStoreName("KTABLE-MAPVALUES-");
        var parent = info;
        var childInfo = storeName is not null
            ? TableInfo<TKey, TValueOut>.Materialized(storeName, parent.EnableSendingOldValues)
            : TableInfo<TKey, TValueOut>.Computed(
                () => new MappingGetter<TKey, TValue, TValueOut>(parent.CreateGetter(), (k, v) => (true, mapper(k, v))),
                parent.GetterStores, parent.EnableSendingOldValues);
        builder.Internal.AddProcessor(child, [name], n => Nodes.Of(n, new KTableMapValuesProcessor<TKey, TValue, TValueOut>(mapper, storeName, childInfo)));
        if (storeName is not null)
            builder.Internal.AddStateStore(new DslKeyValueStoreBuilder<TKey, TValueOut>(storeName, materialized!, keySerde, null), [child]);
        return new KTableImpl<TKey, TValueOut>(builder, child, materialized?.KeySerde ?? keySerde, materialized?.ValueSerde, childInfo, materialized?.StoreName)
        {
            Windowing = Windowing,
        };
    }

    public IKTable<TKey, TValueOut> MapValues<TValueOut>(Func<TValue, TValueOut> mapper, Materialized<TKey, TValueOut>? materialized = null, Named? named = null) =>
        MapValues((_, v) => mapper(v), materialized, named);

    public IKStream<TKey, TValue> ToStream(Named? named = null)
    {
        string child = named?.Name ?? builder.NewName("KTABLE-TOSTREAM-");
        builder.Internal.AddProcessor(child, [name], n => new TableToStreamNode<TValue>(n));
        return new KStreamImpl<TKey, TValue>(builder, child, keySerde, valueSerde, false);
    }

    public IKStream<TKeyOut, TValue> ToStream<TKeyOut>(Func<TKey, TValue, TKeyOut> mapper, Named? named = null) => ToStream(named).SelectKey(mapper);

    public IKGroupedTable<TKeyOut, TValueOut> GroupBy<TKeyOut, TValueOut>(Func<TKey, TValue, KeyValue<TKeyOut, TValueOut>> selector, Grouped<TKeyOut, TValueOut>? grouped = null)
    {
        string child = builder.NewName("KTABLE-SELECT-");
        info.EnableSendingOldValues();
        builder.Internal.AddProcessor(child, [name], n => Nodes.Of(n, new KTableRepartitionMapProcessor<TKey, TValue, TKeyOut, TValueOut>(selector)));
        return new KGroupedTableImpl<TKeyOut, TValueOut>(builder, child, grouped?.KeySerde, grouped?.ValueSerde, grouped?.Name);
    }
}

/// <summary>A global table: the name of its global store.</summary>
internal sealed class GlobalKTableImpl<TKey, TValue>(string storeName) : IGlobalKTable<TKey, TValue>
{
    public string QueryableStoreName => storeName;
}

/// <summary>
/// Turns table changes into stream records; a delete is forwarded as a real null (not a value type's default), so
/// sinks write tombstones even for tables of counts.
/// </summary>
internal sealed class TableToStreamNode<TValue>(string name) : Samsa.Streams.Internals.Engine.ProcessorNode(name)
{
    private Samsa.Streams.Internals.Engine.TaskContext _task = null!;

    public override void Init(Samsa.Streams.Internals.Engine.TaskContext task) => _task = task;

    public override void Process(Record<object?, object?> record)
    {
        var change = (Change<TValue>)record.Value!;
        var forwarded = new Record<object?, object?>(record.Key, change.HasNew ? change.New : null, record.Timestamp, record.Headers);
        foreach (var child in Children)
            _task.Forward(child, forwarded);
    }
}
