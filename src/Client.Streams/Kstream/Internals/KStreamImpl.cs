using System.Text.RegularExpressions;
using Samsa.Streams.Processor;
using Samsa.Streams.State;

namespace Samsa.Streams.Kstream.Internals;

/// <summary>A DSL stream: the name of the node producing it, its serdes when known, and whether its key changed.</summary>
internal sealed partial class KStreamImpl<TKey, TValue>(StreamsBuilder builder, string name, ISerde<TKey>? keySerde, ISerde<TValue>? valueSerde, bool repartitionRequired)
    : IKStream<TKey, TValue>
{
    internal StreamsBuilder Builder => builder;

    internal string Name => name;

    internal ISerde<TKey>? KeySerde => keySerde;

    internal ISerde<TValue>? ValueSerde => valueSerde;

    internal bool RepartitionRequired => repartitionRequired;

    private KStreamImpl<TKeyOut, TValueOut> Then<TKeyOut, TValueOut>(string prefix, Named? named, Func<IProcessor<TKey, TValue, TKeyOut, TValueOut>> create,
        ISerde<TKeyOut>? keys, ISerde<TValueOut>? values, bool keyChanged)
    {
        string child = named?.Name ?? builder.NewName(prefix);
        builder.Internal.AddProcessor(child, [name], n => Nodes.Of(n, create()));
        return new KStreamImpl<TKeyOut, TValueOut>(builder, child, keys, values, keyChanged);
    }

    private KStreamImpl<TKeyOut, TValueOut> Lambda<TKeyOut, TValueOut>(string prefix, Named? named,
        Action<IProcessorContext<TKeyOut, TValueOut>, Record<TKey, TValue>> body, ISerde<TKeyOut>? keys, ISerde<TValueOut>? values, bool keyChanged) =>
        Then(prefix, named, () => new LambdaProcessor<TKey, TValue, TKeyOut, TValueOut>(body), keys, values, keyChanged);

    public IKStream<TKey, TValue> Filter(Func<TKey, TValue, bool> predicate, Named? named = null) =>
        Lambda<TKey, TValue>("KSTREAM-FILTER-", named, (c, r) => { if (predicate(r.Key, r.Value)) c.Forward(r); }, keySerde, valueSerde, repartitionRequired);

    public IKStream<TKey, TValue> FilterNot(Func<TKey, TValue, bool> predicate, Named? named = null) =>
        Lambda<TKey, TValue>("KSTREAM-FILTER-", named, (c, r) => { if (!predicate(r.Key, r.Value)) c.Forward(r); }, keySerde, valueSerde, repartitionRequired);

    public IKStream<TKeyOut, TValueOut> Map<TKeyOut, TValueOut>(Func<TKey, TValue, KeyValue<TKeyOut, TValueOut>> mapper, Named? named = null) =>
        Lambda<TKeyOut, TValueOut>("KSTREAM-MAP-", named, (c, r) =>
        {
            var kv = mapper(r.Key, r.Value);
            c.Forward(new Record<TKeyOut, TValueOut>(kv.Key, kv.Value, r.Timestamp, r.Headers));
        }, null, null, true);

    public IKStream<TKey, TValueOut> MapValues<TValueOut>(Func<TKey, TValue, TValueOut> mapper, Named? named = null) =>
        Lambda<TKey, TValueOut>("KSTREAM-MAPVALUES-", named, (c, r) => c.Forward(r.WithValue(mapper(r.Key, r.Value))), keySerde, null, repartitionRequired);

    public IKStream<TKey, TValueOut> MapValues<TValueOut>(Func<TValue, TValueOut> mapper, Named? named = null) => MapValues((_, v) => mapper(v), named);

    public IKStream<TKeyOut, TValueOut> FlatMap<TKeyOut, TValueOut>(Func<TKey, TValue, IEnumerable<KeyValue<TKeyOut, TValueOut>>> mapper, Named? named = null) =>
        Lambda<TKeyOut, TValueOut>("KSTREAM-FLATMAP-", named, (c, r) =>
        {
            foreach (var kv in mapper(r.Key, r.Value))
                c.Forward(new Record<TKeyOut, TValueOut>(kv.Key, kv.Value, r.Timestamp, r.Headers));
        }, null, null, true);

    public IKStream<TKey, TValueOut> FlatMapValues<TValueOut>(Func<TKey, TValue, IEnumerable<TValueOut>> mapper, Named? named = null) =>
        Lambda<TKey, TValueOut>("KSTREAM-FLATMAPVALUES-", named, (c, r) =>
        {
            foreach (var value in mapper(r.Key, r.Value))
                c.Forward(r.WithValue(value));
        }, keySerde, null, repartitionRequired);

    public IKStream<TKey, TValueOut> FlatMapValues<TValueOut>(Func<TValue, IEnumerable<TValueOut>> mapper, Named? named = null) => FlatMapValues((_, v) => mapper(v), named);

    public IKStream<TKeyOut, TValue> SelectKey<TKeyOut>(Func<TKey, TValue, TKeyOut> selector, Named? named = null) =>
        Lambda<TKeyOut, TValue>("KSTREAM-KEY-SELECT-", named, (c, r) => c.Forward(r.WithKey(selector(r.Key, r.Value))), null, valueSerde, true);

    public IKStream<TKey, TValue> Peek(Action<TKey, TValue> action, Named? named = null) =>
        Lambda<TKey, TValue>("KSTREAM-PEEK-", named, (c, r) => { action(r.Key, r.Value); c.Forward(r); }, keySerde, valueSerde, repartitionRequired);

    public void Foreach(Action<TKey, TValue> action, Named? named = null) =>
        Lambda<TKey, TValue>("KSTREAM-FOREACH-", named, (_, r) => action(r.Key, r.Value), keySerde, valueSerde, repartitionRequired);

    public IBranchedKStream<TKey, TValue> Split(Named? named = null) => new BranchedKStreamImpl<TKey, TValue>(this, named?.Name);

    public IKStream<TKey, TValue> Merge(IKStream<TKey, TValue> other, Named? named = null)
    {
        var that = (KStreamImpl<TKey, TValue>)other;
        string merged = named?.Name ?? builder.NewName("KSTREAM-MERGE-");
        builder.Internal.AddProcessor(merged, [name, that.Name], n => Nodes.Of(n, new LambdaProcessor<TKey, TValue, TKey, TValue>((c, r) => c.Forward(r))));
        return new KStreamImpl<TKey, TValue>(builder, merged, null, null, repartitionRequired || that.RepartitionRequired);
    }

    public void To(string topic, Produced<TKey, TValue>? produced = null)
    {
        string sink = produced?.Name ?? builder.NewName("KSTREAM-SINK-");
        builder.Internal.AddSink(sink, [name], topic, null, DslSerdes.Wrap(produced?.KeySerde ?? keySerde), DslSerdes.Wrap(produced?.ValueSerde ?? valueSerde),
            Partitioner(produced?.StreamPartitioner));
    }

    public void To(Func<TKey, TValue, RecordContext, string> topicExtractor, Produced<TKey, TValue>? produced = null)
    {
        string sink = produced?.Name ?? builder.NewName("KSTREAM-SINK-");
        builder.Internal.AddSink(sink, [name], null,
            (k, v, c) => topicExtractor(Samsa.Streams.Internals.Engine.ProcessorNode.Cast<TKey>(k), Samsa.Streams.Internals.Engine.ProcessorNode.Cast<TValue>(v), c),
            DslSerdes.Wrap(produced?.KeySerde ?? keySerde), DslSerdes.Wrap(produced?.ValueSerde ?? valueSerde), Partitioner(produced?.StreamPartitioner));
    }

    public IKStream<TKey, TValue> Repartition(Repartitioned<TKey, TValue>? repartitioned = null)
    {
        string prefix = repartitioned?.Name ?? builder.NewName("KSTREAM-REPARTITION-");
        var keys = repartitioned?.KeySerde ?? keySerde;
        var values = repartitioned?.ValueSerde ?? valueSerde;
        string source = Repartitioning.Create(builder, name, prefix, DslSerdes.Wrap(keys), DslSerdes.Wrap(values), repartitioned?.NumberOfPartitions,
            Partitioner(repartitioned?.StreamPartitioner), nullKeyFilter: false);
        return new KStreamImpl<TKey, TValue>(builder, source, keys, values, false);
    }

    /// <summary>This stream, repartitioned first when its key changed (for joins); <paramref name="prefix"/> names the topic.</summary>
    internal KStreamImpl<TKey, TValue> RepartitionedIfRequired(string prefix, ISerde<TKey>? keys, ISerde<TValue>? values)
    {
        if (!repartitionRequired)
            return this;
        keys ??= keySerde;
        values ??= valueSerde;
        string source = Repartitioning.Create(builder, name, prefix, DslSerdes.Wrap(keys), DslSerdes.Wrap(values), null, null, nullKeyFilter: true);
        return new KStreamImpl<TKey, TValue>(builder, source, keys, values, false);
    }

    public IKStream<TKeyOut, TValueOut> Process<TKeyOut, TValueOut>(IProcessorSupplier<TKey, TValue, TKeyOut, TValueOut> supplier, Named? named = null, params string[] stateStoreNames)
    {
        string child = named?.Name ?? builder.NewName("KSTREAM-PROCESSOR-");
        builder.Internal.AddProcessor(child, [name], n => Nodes.Of(n, supplier.Get()));
        foreach (var store in supplier.Stores ?? [])
        {
            if (builder.Internal.HasStore(store.Name))
                builder.Internal.ConnectProcessorAndStateStores([child], [store.Name]);
            else
                builder.Internal.AddStateStore(store, [child]);
        }
        if (stateStoreNames.Length > 0)
            builder.Internal.ConnectProcessorAndStateStores([child], stateStoreNames);
        return new KStreamImpl<TKeyOut, TValueOut>(builder, child, null, null, true);
    }

    public IKStream<TKeyOut, TValueOut> Process<TKeyOut, TValueOut>(Func<IProcessor<TKey, TValue, TKeyOut, TValueOut>> factory, params string[] stateStoreNames) =>
        Process(new FuncSupplier<TKeyOut, TValueOut>(factory), null, stateStoreNames);

    public IKGroupedStream<TKey, TValue> GroupByKey(Grouped<TKey, TValue>? grouped = null) =>
        new KGroupedStreamImpl<TKey, TValue>(this, grouped?.KeySerde ?? keySerde, grouped?.ValueSerde ?? valueSerde, grouped?.Name, repartitionRequired);

    public IKGroupedStream<TKeyOut, TValue> GroupBy<TKeyOut>(Func<TKey, TValue, TKeyOut> selector, Grouped<TKeyOut, TValue>? grouped = null)
    {
        var selected = (KStreamImpl<TKeyOut, TValue>)SelectKey(selector);
        return new KGroupedStreamImpl<TKeyOut, TValue>(selected, grouped?.KeySerde, grouped?.ValueSerde ?? valueSerde, grouped?.Name, true);
    }

    public IKTable<TKey, TValue> ToTable(Named? named = null, Materialized<TKey, TValue>? materialized = null)
    {
        string tableName = named?.Name ?? builder.NewName("KSTREAM-TOTABLE-");
        string storeName = materialized?.StoreName ?? builder.NewStoreName("KSTREAM-TOTABLE-");
        var keys = materialized?.KeySerde ?? keySerde;
        var values = materialized?.ValueSerde ?? valueSerde;
        var upstream = RepartitionedIfRequired(tableName, keys, values);
        var info = TableInfo<TKey, TValue>.Materialized(storeName);
        builder.Internal.AddProcessor(tableName, [upstream.Name], n => Nodes.Of(n, new KTableSourceProcessor<TKey, TValue>(storeName, info)));
        builder.Internal.AddStateStore(new DslKeyValueStoreBuilder<TKey, TValue>(storeName, materialized ?? new Materialized<TKey, TValue>(), keys, values), [tableName]);
        return new KTableImpl<TKey, TValue>(builder, tableName, keys, values, info, materialized?.StoreName);
    }

    internal static Func<string, object?, object?, int, int?>? Partitioner(Func<string, TKey, TValue, int, int?>? partitioner) =>
        partitioner is null ? null : (topic, k, v, n) => partitioner(topic, Samsa.Streams.Internals.Engine.ProcessorNode.Cast<TKey>(k), Samsa.Streams.Internals.Engine.ProcessorNode.Cast<TValue>(v), n);

    private sealed class FuncSupplier<TKeyOut, TValueOut>(Func<IProcessor<TKey, TValue, TKeyOut, TValueOut>> factory) : IProcessorSupplier<TKey, TValue, TKeyOut, TValueOut>
    {
        public IProcessor<TKey, TValue, TKeyOut, TValueOut> Get() => factory();
    }
}

/// <summary>Creates repartition topics with Kafka's naming: sink, optional null-key filter, source.</summary>
internal static partial class Repartitioning
{
    /// <summary>Creates <c>&lt;prefix&gt;-repartition</c> and returns the name of the source reading it.</summary>
    public static string Create(StreamsBuilder builder, string parent, string prefix, Samsa.Streams.Internals.Engine.UntypedSerde? keySerde,
        Samsa.Streams.Internals.Engine.UntypedSerde? valueSerde, int? partitions, Func<string, object?, object?, int, int?>? partitioner, bool nullKeyFilter)
    {
        string topic = prefix.EndsWith("-repartition", StringComparison.Ordinal) ? prefix : prefix + "-repartition";
        // Kafka always draws the three generated names, so later indexes do not depend on the naming.
        string genSink = builder.NewName("KSTREAM-SINK-");
        string genFilter = builder.NewName("KSTREAM-FILTER-");
        string genSource = builder.NewName("KSTREAM-SOURCE-");
        bool generated = GeneratedName().IsMatch(prefix);
        string sink = generated ? genSink : topic + "-sink";
        string filter = generated ? genFilter : topic + "-filter";
        string source = generated ? genSource : topic + "-source";

        builder.Internal.AddInternalTopic(topic, partitions);
        string upstream = parent;
        if (nullKeyFilter)
        {
            builder.Internal.AddProcessor(filter, [parent], n => Nodes.Of(n, new LambdaProcessor<object?, object?, object?, object?>((c, r) => { if (r.Key is not null) c.Forward(r); })));
            upstream = filter;
        }
        builder.Internal.AddSink(sink, [upstream], topic, null, keySerde, valueSerde, partitioner);
        builder.Internal.AddSource(source, [topic], null, keySerde, valueSerde);
        return source;
    }

    [GeneratedRegex("^KSTREAM.*-[0-9]{10}$")]
    private static partial Regex GeneratedName();
}
