using Samsa.Streams.Processor;
using Samsa.Streams.State;

namespace Samsa.Streams.Internals.Engine;

/// <summary>The processor context handed to one node: forwarding goes to that node's children.</summary>
internal sealed class NodeContext<TKeyOut, TValueOut>(TaskContext task, ProcessorNode node) : IProcessorContext<TKeyOut, TValueOut>
{
    public TaskContext Task => task;

    public string ApplicationId => task.ApplicationId;

    public TaskId TaskId => task.TaskId;

    public RecordMetadata? RecordMetadata => task.CurrentMetadata;

    public long CurrentStreamTimeMs => task.StreamTime;

    public long CurrentSystemTimeMs => task.WallClockMs;

    public T GetStateStore<T>(string name) where T : IStateStore
    {
        var store = task.GetStore(node, name);
        return store is T typed
            ? typed
            : throw new StreamsException($"State store {name} is a {store.GetType().Name}, not a {typeof(T).Name}.");
    }

    public ICancellable Schedule(TimeSpan interval, PunctuationType type, Action<long> punctuator)
    {
        long intervalMs = (long)interval.TotalMilliseconds;
        if (intervalMs < 1)
            throw new ArgumentOutOfRangeException(nameof(interval), "The minimum supported scheduling interval is 1 millisecond.");
        return type == PunctuationType.StreamTime
            ? task.StreamTimePunctuations.Add(0, intervalMs, punctuator) // aligned to 0: fires as soon as there is data
            : task.WallClockPunctuations.Add(task.WallClockMs + intervalMs, intervalMs, punctuator);
    }

    public void Commit() => task.CommitRequested = true;

    public void Forward(Record<TKeyOut, TValueOut> record, string? childName = null)
    {
        var untyped = new Record<object?, object?>(record.Key, record.Value, record.Timestamp, record.Headers);
        if (childName is null)
        {
            foreach (var child in node.Children)
                task.Forward(child, untyped);
            return;
        }
        foreach (var child in node.Children)
        {
            if (child.Name == childName)
            {
                task.Forward(child, untyped);
                return;
            }
        }
        throw new StreamsException($"Unknown downstream node {childName}: not a child of {node.Name}.");
    }
}
