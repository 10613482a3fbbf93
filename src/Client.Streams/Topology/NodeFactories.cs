using System.Text.RegularExpressions;
using Samsa.Streams.Internals.Engine;

namespace Samsa.Streams.Internals.Building;

/// <summary>A node of the logical topology; builds a fresh runtime node per task.</summary>
internal abstract class NodeFactory(string name, IReadOnlyList<string> predecessors)
{
    public string Name { get; } = name;

    public IReadOnlyList<string> Predecessors { get; } = predecessors;

    /// <summary>A new runtime node; <paramref name="applicationId"/> prefixes internal topics.</summary>
    public abstract ProcessorNode Build(string applicationId, Func<string, bool> isInternalTopic);
}

/// <summary>A source reading topics (or a pattern) with optional serdes.</summary>
internal sealed class SourceFactory(string name, IReadOnlyList<string> topics, Regex? pattern, UntypedSerde? keySerde, UntypedSerde? valueSerde)
    : NodeFactory(name, [])
{
    public IReadOnlyList<string> Topics { get; } = topics;

    public Regex? Pattern { get; } = pattern;

    public override ProcessorNode Build(string applicationId, Func<string, bool> isInternalTopic) => new SourceNode(Name, keySerde, valueSerde);
}

/// <summary>A processor built from a supplier.</summary>
internal sealed class ProcessorFactory(string name, IReadOnlyList<string> predecessors, Func<string, ProcessorNode> create)
    : NodeFactory(name, predecessors)
{
    public SortedSet<string> Stores { get; } = new(StringComparer.Ordinal);

    public override ProcessorNode Build(string applicationId, Func<string, bool> isInternalTopic)
    {
        var node = create(Name);
        foreach (var store in Stores)
            node.StoreNames.Add(store);
        return node;
    }
}

/// <summary>A sink writing to a fixed topic or to the topic an extractor picks.</summary>
internal sealed class SinkFactory(string name, IReadOnlyList<string> predecessors, string? topic, Func<object?, object?, Processor.RecordContext, string>? extractor,
    UntypedSerde? keySerde, UntypedSerde? valueSerde, Func<string, object?, object?, int, int?>? partitioner) : NodeFactory(name, predecessors)
{
    public string? Topic { get; } = topic;

    public bool HasExtractor => extractor is not null;

    public override ProcessorNode Build(string applicationId, Func<string, bool> isInternalTopic)
    {
        string? actual = Topic is not null && isInternalTopic(Topic) ? $"{applicationId}-{Topic}" : Topic;
        return new SinkNode(Name, actual, extractor, keySerde, valueSerde, partitioner);
    }
}
