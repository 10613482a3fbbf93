using System.Text;
using Samsa.Streams.Internals.Building;

namespace Samsa.Streams;

/// <summary>The structure of a <see cref="Topology"/>; <see cref="ToString"/> prints it as Kafka does.</summary>
public sealed class TopologyDescription
{
    private TopologyDescription(IReadOnlyList<Subtopology> subtopologies, IReadOnlyList<Subtopology> globalStores)
    {
        Subtopologies = subtopologies;
        GlobalStores = globalStores;
    }

    /// <summary>Subtopologies in id order.</summary>
    public IReadOnlyList<Subtopology> Subtopologies { get; }

    /// <summary>Global stores (a source and its processor each), by id.</summary>
    public IReadOnlyList<Subtopology> GlobalStores { get; }

    /// <summary>A subtopology or a global store.</summary>
    /// <param name="Id">Its id.</param>
    /// <param name="Nodes">Nodes, largest subtree first, then by name (Kafka's order).</param>
    /// <param name="IsGlobalStore">True for a global store.</param>
    public sealed record Subtopology(int Id, IReadOnlyList<Node> Nodes, bool IsGlobalStore)
    {
        /// <inheritdoc/>
        public override string ToString()
        {
            var sb = new StringBuilder();
            sb.Append("Sub-topology: ").Append(Id);
            sb.Append(IsGlobalStore ? " for global store (will not generate tasks)\n" : "\n");
            foreach (var node in Nodes)
                sb.Append("    ").Append(node).Append('\n');
            if (!IsGlobalStore)
                sb.Append('\n');
            return sb.ToString();
        }
    }

    /// <summary>A node.</summary>
    /// <param name="Kind"><c>Source</c>, <c>Processor</c> or <c>Sink</c>.</param>
    /// <param name="Name">The node name.</param>
    /// <param name="Detail">Topics of a source, stores of a processor, topic of a sink.</param>
    /// <param name="Successors">Children.</param>
    /// <param name="Predecessors">Parents.</param>
    public sealed record Node(string Kind, string Name, string Detail, IReadOnlyList<string> Successors, IReadOnlyList<string> Predecessors)
    {
        /// <inheritdoc/>
        public override string ToString() => Kind switch
        {
            "Source" => $"Source: {Name} ({Detail})\n      --> {Names(Successors)}",
            "Sink" => $"Sink: {Name} ({Detail})\n      <-- {Names(Predecessors)}",
            _ => $"Processor: {Name} ({Detail})\n      --> {Names(Successors)}\n      <-- {Names(Predecessors)}",
        };

        private static string Names(IReadOnlyList<string> names) => names.Count == 0 ? "none" : string.Join(", ", names);
    }

    /// <inheritdoc/>
    public override string ToString()
    {
        var sb = new StringBuilder("Topologies:\n ");
        foreach (var item in Subtopologies.Concat(GlobalStores).OrderBy(s => s.Id))
            sb.Append("  ").Append(item);
        return sb.ToString();
    }

    internal static TopologyDescription Of(InternalTopologyBuilder builder)
    {
        var subtopologies = new List<Subtopology>();
        var globals = new List<Subtopology>();
        foreach (var group in builder.NodeGroups())
        {
            var inGroup = group.Nodes.ToDictionary(n => n.Name, StringComparer.Ordinal);
            var children = group.Nodes.ToDictionary(n => n.Name, _ => new List<string>(), StringComparer.Ordinal);
            foreach (var node in group.Nodes)
            {
                foreach (var p in node.Predecessors)
                    children[p].Add(node.Name);
            }
            var size = new Dictionary<string, int>(StringComparer.Ordinal);
            int Size(string name)
            {
                if (size.TryGetValue(name, out int s))
                    return s;
                s = 1 + children[name].Sum(Size);
                size[name] = s;
                return s;
            }
            var comparer = Comparer<string>.Create((a, b) =>
            {
                int bySize = Size(b).CompareTo(Size(a));
                return bySize != 0 ? bySize : string.CompareOrdinal(a, b);
            });
            var nodes = group.Nodes.Select(n => n.Name).Order(comparer).Select(name =>
            {
                var factory = inGroup[name];
                var successors = children[name].Order(comparer).ToList();
                var predecessors = factory.Predecessors.Order(comparer).ToList();
                return factory switch
                {
                    SourceFactory source => new Node("Source", name,
                        "topics: " + (source.Pattern is not null ? source.Pattern.ToString() : "[" + string.Join(", ", source.Topics) + "]"), successors, predecessors),
                    SinkFactory sink => new Node("Sink", name, sink.Topic is not null ? $"topic: {sink.Topic}" : "extractor class: topic name extractor", successors, predecessors),
                    ProcessorFactory processor => new Node("Processor", name, "stores: [" + string.Join(", ", processor.Stores) + "]", successors, predecessors),
                    _ => throw new InvalidOperationException(),
                };
            }).ToList();
            (group.Global ? globals : subtopologies).Add(new Subtopology(group.Id, nodes, group.Global));
        }
        return new TopologyDescription(subtopologies, globals);
    }
}
