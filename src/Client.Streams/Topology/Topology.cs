using System.Text.RegularExpressions;
using Samsa.Streams.Internals;
using Samsa.Streams.Internals.Building;
using Samsa.Streams.Internals.Engine;
using Samsa.Streams.Processor;
using Samsa.Streams.State;

namespace Samsa.Streams;

/// <summary>
/// A processing topology: sources, processors, sinks and state stores (Kafka's <c>Topology</c>). Build it with the
/// Processor API methods here or with <see cref="StreamsBuilder"/>, then run it with <c>KafkaStreams</c> or
/// <c>TopologyTestDriver</c>.
/// </summary>
public sealed class Topology
{
    internal Topology() : this(new InternalTopologyBuilder()) { }

    internal Topology(InternalTopologyBuilder builder) => Builder = builder;

    /// <summary>Creates an empty topology.</summary>
    public static Topology Create() => new();

    internal InternalTopologyBuilder Builder { get; }

    /// <summary>
    /// The seam for runners: freezes the topology into an <see cref="ITopologyModel"/>. Call once per running
    /// instance (the model's tasks share that instance's global stores).
    /// </summary>
    internal ITopologyModel Build(StreamsConfig? config = null) => Builder.BuildModel();

    /// <summary>Adds a source reading <paramref name="topics"/> with the default serdes.</summary>
    public Topology AddSource(string name, params string[] topics) => AddSource<object?, object?>(name, null, null, topics);

    /// <summary>Adds a source reading <paramref name="topics"/>; null serdes mean the configured defaults.</summary>
    public Topology AddSource<TKey, TValue>(string name, ISerde<TKey>? keySerde, ISerde<TValue>? valueSerde, params string[] topics)
    {
        Builder.AddSource(name, topics, null, Wrap(keySerde), Wrap(valueSerde));
        return this;
    }

    /// <summary>Adds a source reading every topic whose whole name matches <paramref name="pattern"/>.</summary>
    public Topology AddSource<TKey, TValue>(string name, ISerde<TKey>? keySerde, ISerde<TValue>? valueSerde, Regex pattern)
    {
        Builder.AddSource(name, [], pattern, Wrap(keySerde), Wrap(valueSerde));
        return this;
    }

    /// <summary>Adds a processor fed by <paramref name="parentNames"/>.</summary>
    public Topology AddProcessor<TKeyIn, TValueIn, TKeyOut, TValueOut>(string name, IProcessorSupplier<TKeyIn, TValueIn, TKeyOut, TValueOut> supplier, params string[] parentNames)
    {
        Builder.AddProcessor(name, parentNames, n => new ProcessorAdapter<TKeyIn, TValueIn, TKeyOut, TValueOut>(n, supplier.Get()));
        if (supplier.Stores is { } stores)
        {
            foreach (var store in stores)
            {
                if (Builder.HasStore(store.Name))
                    Builder.ConnectProcessorAndStateStores([name], [store.Name]);
                else
                    Builder.AddStateStore(store, [name]);
            }
        }
        return this;
    }

    /// <summary>Adds a processor created by <paramref name="factory"/> (a new instance per task).</summary>
    public Topology AddProcessor<TKeyIn, TValueIn, TKeyOut, TValueOut>(string name, Func<IProcessor<TKeyIn, TValueIn, TKeyOut, TValueOut>> factory, params string[] parentNames) =>
        AddProcessor(name, new FuncSupplier<TKeyIn, TValueIn, TKeyOut, TValueOut>(factory), parentNames);

    /// <summary>Adds a sink writing to <paramref name="topic"/> with the default serdes.</summary>
    public Topology AddSink(string name, string topic, params string[] parentNames) => AddSink<object?, object?>(name, topic, null, null, null, parentNames);

    /// <summary>Adds a sink writing to <paramref name="topic"/>; <paramref name="partitioner"/> (key, value, partition count) may pick the partition.</summary>
    public Topology AddSink<TKey, TValue>(string name, string topic, ISerde<TKey>? keySerde, ISerde<TValue>? valueSerde,
        Func<string, TKey, TValue, int, int?>? partitioner, params string[] parentNames)
    {
        Builder.AddSink(name, parentNames, topic, null, Wrap(keySerde), Wrap(valueSerde), WrapPartitioner(partitioner));
        return this;
    }

    /// <summary>Adds a sink whose topic <paramref name="topicExtractor"/> picks per record.</summary>
    public Topology AddSink<TKey, TValue>(string name, Func<TKey, TValue, RecordContext, string> topicExtractor, ISerde<TKey>? keySerde, ISerde<TValue>? valueSerde,
        Func<string, TKey, TValue, int, int?>? partitioner, params string[] parentNames)
    {
        Builder.AddSink(name, parentNames, null, (k, v, c) => topicExtractor(ProcessorNode.Cast<TKey>(k), ProcessorNode.Cast<TValue>(v), c),
            Wrap(keySerde), Wrap(valueSerde), WrapPartitioner(partitioner));
        return this;
    }

    /// <summary>Adds a store and connects it to <paramref name="processorNames"/>.</summary>
    public Topology AddStateStore(IStoreBuilder storeBuilder, params string[] processorNames)
    {
        Builder.AddStateStore(storeBuilder, processorNames);
        return this;
    }

    /// <summary>Connects existing stores to a processor.</summary>
    public Topology ConnectProcessorAndStateStores(string processorName, params string[] storeNames)
    {
        Builder.ConnectProcessorAndStateStores([processorName], storeNames);
        return this;
    }

    /// <summary>
    /// Adds a global store: every instance reads every partition of <paramref name="topic"/> through
    /// <paramref name="stateUpdateSupplier"/>, which keeps the store up to date. The store must not be logged.
    /// </summary>
    public Topology AddGlobalStore<TKey, TValue, TKeyOut, TValueOut>(IStoreBuilder storeBuilder, string sourceName, ISerde<TKey>? keySerde, ISerde<TValue>? valueSerde,
        string topic, string processorName, IProcessorSupplier<TKey, TValue, TKeyOut, TValueOut> stateUpdateSupplier)
    {
        Builder.AddGlobalStore(storeBuilder, sourceName, topic, Wrap(keySerde), Wrap(valueSerde), processorName,
            n => new ProcessorAdapter<TKey, TValue, TKeyOut, TValueOut>(n, stateUpdateSupplier.Get()));
        return this;
    }

    /// <summary>The topology's structure, printed like Kafka's <c>TopologyDescription</c>.</summary>
    public TopologyDescription Describe() => TopologyDescription.Of(Builder);

    private static UntypedSerde? Wrap<T>(ISerde<T>? serde) => serde is null ? null : UntypedSerde.Of(serde);

    private static Func<string, object?, object?, int, int?>? WrapPartitioner<TKey, TValue>(Func<string, TKey, TValue, int, int?>? partitioner) =>
        partitioner is null ? null : (topic, k, v, n) => partitioner(topic, ProcessorNode.Cast<TKey>(k), ProcessorNode.Cast<TValue>(v), n);

    private sealed class FuncSupplier<TKeyIn, TValueIn, TKeyOut, TValueOut>(Func<IProcessor<TKeyIn, TValueIn, TKeyOut, TValueOut>> factory)
        : IProcessorSupplier<TKeyIn, TValueIn, TKeyOut, TValueOut>
    {
        public IProcessor<TKeyIn, TValueIn, TKeyOut, TValueOut> Get() => factory();
    }
}
