using Samsa.Streams.Processor;

namespace Samsa.Streams.Internals.Engine;

/// <summary>
/// A node of a running task's processor graph. Records travel between nodes untyped (boxed key and value);
/// typed processors are wrapped by <see cref="ProcessorAdapter{TKeyIn, TValueIn, TKeyOut, TValueOut}"/>.
/// </summary>
internal abstract class ProcessorNode
{
    protected ProcessorNode(string name) => Name = name;

    /// <summary>The node name from the topology.</summary>
    public string Name { get; }

    /// <summary>Downstream nodes in the order they were connected.</summary>
    public List<ProcessorNode> Children { get; } = [];

    /// <summary>Names of stores this node may use.</summary>
    public HashSet<string> StoreNames { get; } = new(StringComparer.Ordinal);

    /// <summary>Opens the node inside <paramref name="task"/>.</summary>
    public virtual void Init(TaskContext task) { }

    /// <summary>Processes one record.</summary>
    public abstract void Process(Record<object?, object?> record);

    /// <summary>Closes the node.</summary>
    public virtual void Close() { }

    /// <summary>Casts a boxed value, mapping null to default (so value types accept null).</summary>
    public static T Cast<T>(object? value) => value is null ? default! : (T)value;
}

/// <summary>Runs a typed <see cref="IProcessor{TKeyIn, TValueIn, TKeyOut, TValueOut}"/> as a node.</summary>
internal sealed class ProcessorAdapter<TKeyIn, TValueIn, TKeyOut, TValueOut> : ProcessorNode
{
    private readonly IProcessor<TKeyIn, TValueIn, TKeyOut, TValueOut> _processor;

    public ProcessorAdapter(string name, IProcessor<TKeyIn, TValueIn, TKeyOut, TValueOut> processor) : base(name) => _processor = processor;

    public override void Init(TaskContext task)
    {
        _processor.Init(new NodeContext<TKeyOut, TValueOut>(task, this));
    }

    public override void Process(Record<object?, object?> record) =>
        _processor.Process(new Record<TKeyIn, TValueIn>(Cast<TKeyIn>(record.Key), Cast<TValueIn>(record.Value), record.Timestamp, record.Headers));

    public override void Close() => _processor.Close();
}
