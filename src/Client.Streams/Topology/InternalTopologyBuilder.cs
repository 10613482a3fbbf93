using System.Text.RegularExpressions;
using Samsa.Streams.Internals.Engine;
using Samsa.Streams.State;

namespace Samsa.Streams.Internals.Building;

/// <summary>
/// The logical topology: node factories in insertion order (always topological, parents come first), stores and the
/// processors connected to them, global stores and internal topics. Groups nodes into subtopologies as Kafka does.
/// </summary>
internal sealed partial class InternalTopologyBuilder
{
    private readonly Dictionary<string, NodeFactory> _nodes = new(StringComparer.Ordinal);
    private readonly List<NodeFactory> _order = [];
    private readonly Dictionary<string, IStoreBuilder> _stores = new(StringComparer.Ordinal);
    private readonly Dictionary<string, GlobalStoreEntry> _globalStores = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _topicToSource = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int?> _internalTopics = new(StringComparer.Ordinal);
    private int _index;

    private sealed record GlobalStoreEntry(IStoreBuilder Builder, string SourceName, string ProcessorName, string Topic);

    /// <summary>Next index for generated names (shared by processors and stores, as in Kafka).</summary>
    public int NextIndex() => _index++;

    /// <summary>Kafka's generated names: <c>PREFIX0000000007</c>.</summary>
    public string NewName(string prefix) => prefix + NextIndex().ToString("D10", System.Globalization.CultureInfo.InvariantCulture);

    public IEnumerable<NodeFactory> Nodes => _order;

    public bool HasNode(string name) => _nodes.ContainsKey(name);

    public bool IsInternalTopic(string topic) => _internalTopics.ContainsKey(topic);

    /// <summary>Declares a repartition topic by logical name; <paramref name="partitions"/> null: like the upstream sources.</summary>
    public void AddInternalTopic(string name, int? partitions = null) => _internalTopics[name] = partitions;

    public void AddSource(string name, IReadOnlyList<string> topics, Regex? pattern, UntypedSerde? keySerde, UntypedSerde? valueSerde)
    {
        CheckNewName(name);
        if (topics.Count == 0 && pattern is null)
            throw new TopologyException($"Source {name} needs at least one topic.");
        foreach (var topic in topics)
        {
            if (_topicToSource.TryGetValue(topic, out var other))
                throw new TopologyException($"Topic {topic} has already been registered by source {other}.");
        }
        foreach (var topic in topics)
            _topicToSource[topic] = name;
        Add(new SourceFactory(name, topics, pattern, keySerde, valueSerde));
    }

    public void AddProcessor(string name, IReadOnlyList<string> parents, Func<string, ProcessorNode> create)
    {
        CheckNewName(name);
        CheckParents(name, parents);
        Add(new ProcessorFactory(name, parents, create));
    }

    public void AddSink(string name, IReadOnlyList<string> parents, string? topic, Func<object?, object?, Processor.RecordContext, string>? extractor,
        UntypedSerde? keySerde, UntypedSerde? valueSerde, Func<string, object?, object?, int, int?>? partitioner)
    {
        CheckNewName(name);
        CheckParents(name, parents);
        Add(new SinkFactory(name, parents, topic, extractor, keySerde, valueSerde, partitioner));
    }

    public void AddStateStore(IStoreBuilder builder, IEnumerable<string> processorNames, bool allowExisting = false)
    {
        if (_stores.TryGetValue(builder.Name, out var existing) || _globalStores.ContainsKey(builder.Name))
        {
            if (!allowExisting || !ReferenceEquals(existing, builder))
                throw new TopologyException($"StateStore {builder.Name} is already added.");
        }
        _stores[builder.Name] = builder;
        ConnectProcessorAndStateStores(processorNames, [builder.Name]);
    }

    public void ConnectProcessorAndStateStores(IEnumerable<string> processorNames, IEnumerable<string> storeNames)
    {
        var stores = storeNames.ToList();
        foreach (var processor in processorNames)
        {
            if (!_nodes.TryGetValue(processor, out var node) || node is not ProcessorFactory factory)
                throw new TopologyException($"Processor {processor} is not added yet.");
            foreach (var store in stores)
            {
                if (!_stores.ContainsKey(store) && !_globalStores.ContainsKey(store))
                    throw new TopologyException($"StateStore {store} is not added yet.");
                if (!_globalStores.ContainsKey(store))
                    factory.Stores.Add(store);
            }
        }
    }

    public void AddGlobalStore(IStoreBuilder builder, string sourceName, string topic, UntypedSerde? keySerde, UntypedSerde? valueSerde,
        string processorName, Func<string, ProcessorNode> create)
    {
        if (_stores.ContainsKey(builder.Name) || _globalStores.ContainsKey(builder.Name))
            throw new TopologyException($"StateStore {builder.Name} is already added.");
        AddSource(sourceName, [topic], null, keySerde, valueSerde);
        AddProcessor(processorName, [sourceName], create);
        ((ProcessorFactory)_nodes[processorName]).Stores.Add(builder.Name);
        _globalStores[builder.Name] = new GlobalStoreEntry(builder, sourceName, processorName, topic);
    }

    public bool HasStore(string name) => _stores.ContainsKey(name) || _globalStores.ContainsKey(name);

    private void Add(NodeFactory factory)
    {
        _nodes[factory.Name] = factory;
        _order.Add(factory);
    }

    private void CheckNewName(string name)
    {
        if (string.IsNullOrEmpty(name))
            throw new TopologyException("Node names must not be empty.");
        if (_nodes.ContainsKey(name))
            throw new TopologyException($"Processor {name} is already added.");
    }

    private void CheckParents(string name, IReadOnlyList<string> parents)
    {
        if (parents.Count == 0)
            throw new TopologyException($"Processor {name} must have at least one parent.");
        foreach (var parent in parents)
        {
            if (parent == name)
                throw new TopologyException($"Processor {name} cannot be a predecessor of itself.");
            if (!_nodes.TryGetValue(parent, out var node))
                throw new TopologyException($"Parent processor {parent} is not added yet for {name}.");
            if (node is SinkFactory)
                throw new TopologyException($"Sink {parent} cannot be used as a parent.");
        }
    }
}
