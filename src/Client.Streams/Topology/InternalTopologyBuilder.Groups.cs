using System.Text.RegularExpressions;
using Samsa.Streams.Internals.Engine;
using Samsa.Streams.State;

namespace Samsa.Streams.Internals.Building;

internal sealed partial class InternalTopologyBuilder
{
    /// <summary>A subtopology (or a global store's nodes): its id and node names in insertion order.</summary>
    internal sealed record NodeGroup(int Id, IReadOnlyList<NodeFactory> Nodes, bool Global);

    /// <summary>
    /// Groups connected nodes (parents, and processors sharing a store) and numbers the groups by their sorted
    /// source node names, as Kafka's <c>makeNodeGroups</c> does; global stores take ids in the same sequence.
    /// </summary>
    public IReadOnlyList<NodeGroup> NodeGroups()
    {
        var parent = new Dictionary<string, string>(StringComparer.Ordinal);
        string Find(string x)
        {
            while (parent[x] != x)
            {
                parent[x] = parent[parent[x]];
                x = parent[x];
            }
            return x;
        }
        void Union(string a, string b) => parent[Find(a)] = Find(b);

        foreach (var node in _order)
            parent[node.Name] = node.Name;
        foreach (var node in _order)
        {
            foreach (var predecessor in node.Predecessors)
                Union(node.Name, predecessor);
        }
        var byStore = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var node in _order.OfType<ProcessorFactory>())
        {
            foreach (var store in node.Stores)
            {
                if (_globalStores.ContainsKey(store))
                    continue;
                if (byStore.TryGetValue(store, out var other))
                    Union(node.Name, other);
                else
                    byStore[store] = node.Name;
            }
        }

        var globalSources = _globalStores.Values.Select(g => g.SourceName).ToHashSet(StringComparer.Ordinal);
        var idByRoot = new Dictionary<string, int>(StringComparer.Ordinal);
        var roots = _order.OfType<SourceFactory>().Select(s => s.Name).Order(StringComparer.Ordinal)
            .Concat(_order.Select(n => n.Name).Order(StringComparer.Ordinal));
        foreach (var name in roots)
        {
            string root = Find(name);
            if (!idByRoot.ContainsKey(root))
                idByRoot[root] = idByRoot.Count;
        }
        return idByRoot
            .OrderBy(e => e.Value)
            .Select(e =>
            {
                var nodes = _order.Where(n => Find(n.Name) == e.Key).ToList();
                return new NodeGroup(e.Value, nodes, nodes.Any(n => globalSources.Contains(n.Name)));
            })
            .ToList();
    }

    /// <summary>Freezes the topology into the model runners use.</summary>
    public TopologyModel BuildModel() => new(this, NodeGroups());

    internal IReadOnlyDictionary<string, IStoreBuilder> StoresOf(NodeGroup group)
    {
        var stores = new Dictionary<string, IStoreBuilder>(StringComparer.Ordinal);
        foreach (var node in group.Nodes.OfType<ProcessorFactory>())
        {
            foreach (var store in node.Stores)
            {
                if (_stores.TryGetValue(store, out var builder))
                    stores[store] = builder;
                else if (group.Global && _globalStores.TryGetValue(store, out var global))
                    stores[store] = global.Builder;
            }
        }
        return stores;
    }

    internal IEnumerable<(string Store, string Topic)> GlobalStoreTopics => _globalStores.Values.Select(g => (g.Builder.Name, g.Topic));

    internal IReadOnlyDictionary<string, int?> InternalTopics => _internalTopics;

    /// <summary>Instantiates the runtime nodes of <paramref name="group"/> and wires children in insertion order.</summary>
    internal ProcessorGraph BuildGraph(NodeGroup group, string applicationId)
    {
        var nodes = new List<ProcessorNode>(group.Nodes.Count);
        var byName = new Dictionary<string, ProcessorNode>(StringComparer.Ordinal);
        var sources = new Dictionary<string, SourceNode>(StringComparer.Ordinal);
        var patterns = new List<(Regex, SourceNode)>();
        foreach (var factory in group.Nodes)
        {
            var node = factory.Build(applicationId, IsInternalTopic);
            nodes.Add(node);
            byName[factory.Name] = node;
            foreach (var predecessor in factory.Predecessors)
                byName[predecessor].Children.Add(node);
            if (factory is SourceFactory source)
            {
                foreach (var topic in source.Topics)
                    sources[IsInternalTopic(topic) ? $"{applicationId}-{topic}" : topic] = (SourceNode)node;
                if (source.Pattern is not null)
                    patterns.Add((source.Pattern, (SourceNode)node));
            }
        }
        return new ProcessorGraph(nodes, sources, patterns, StoresOf(group));
    }
}
