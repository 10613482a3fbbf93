using Samsa.Streams.Internals.Engine;
using Samsa.Streams.Processor;
using Samsa.Streams.State;

namespace Samsa.Streams.Kstream.Internals;

/// <summary>Base of the DSL's processors: typed access to the node context, the task and stores.</summary>
internal abstract class DslProcessor<TKeyIn, TValueIn, TKeyOut, TValueOut> : IProcessor<TKeyIn, TValueIn, TKeyOut, TValueOut>
{
    protected NodeContext<TKeyOut, TValueOut> Context { get; private set; } = null!;

    protected TaskContext Task => Context.Task;

    public void Init(IProcessorContext<TKeyOut, TValueOut> context)
    {
        Context = (NodeContext<TKeyOut, TValueOut>)context;
        OnInit();
    }

    protected virtual void OnInit() { }

    public abstract void Process(Record<TKeyIn, TValueIn> record);

    protected ITimestampedKeyValueStore<TStoreKey, TStoreValue> TimestampedStore<TStoreKey, TStoreValue>(string name) =>
        Context.GetStateStore<ITimestampedKeyValueStore<TStoreKey, TStoreValue>>(name);
}

/// <summary>A processor from a lambda (the stateless DSL operations).</summary>
internal sealed class LambdaProcessor<TKeyIn, TValueIn, TKeyOut, TValueOut>(Action<IProcessorContext<TKeyOut, TValueOut>, Record<TKeyIn, TValueIn>> body)
    : IProcessor<TKeyIn, TValueIn, TKeyOut, TValueOut>
{
    private IProcessorContext<TKeyOut, TValueOut> _context = null!;

    public void Init(IProcessorContext<TKeyOut, TValueOut> context) => _context = context;

    public void Process(Record<TKeyIn, TValueIn> record) => body(_context, record);
}

/// <summary>Wraps processors as engine nodes.</summary>
internal static class Nodes
{
    public static ProcessorNode Of<TKeyIn, TValueIn, TKeyOut, TValueOut>(string name, IProcessor<TKeyIn, TValueIn, TKeyOut, TValueOut> processor) =>
        new ProcessorAdapter<TKeyIn, TValueIn, TKeyOut, TValueOut>(name, processor);
}
