using Samsa.Streams.Internals.Engine;
using Samsa.Streams.State;

namespace Samsa.Streams.Kstream.Internals;

/// <summary>Reads a KTable's current value for a key, from its store or computed from upstream (Kafka's <c>KTableValueGetter</c>).</summary>
internal interface IValueGetter<TKey, TValue>
{
    /// <summary>Opens the getter inside a task.</summary>
    void Init(TaskContext task);

    /// <summary>The value and its timestamp; false when the key has no value.</summary>
    bool TryGet(TKey key, out ValueAndTimestamp<TValue> value);
}

/// <summary>
/// What the DSL knows about a KTable node: whether its downstream needs old values (propagated upstream, as Kafka's
/// <c>enableSendingOldValues</c>), how to read its values, and which stores that needs.
/// </summary>
internal sealed class TableInfo<TKey, TValue>
{
    private readonly Action? _enableUpstream;

    private TableInfo(Func<IValueGetter<TKey, TValue>> getter, IReadOnlyList<string> getterStores, Action? enableUpstream)
    {
        CreateGetter = getter;
        GetterStores = getterStores;
        _enableUpstream = enableUpstream;
    }

    /// <summary>True when processors of this node forward old values.</summary>
    public bool SendOldValues { get; private set; }

    /// <summary>A new getter (one per task).</summary>
    public Func<IValueGetter<TKey, TValue>> CreateGetter { get; }

    /// <summary>Stores a getter reads: connect them to processors that use it.</summary>
    public IReadOnlyList<string> GetterStores { get; }

    /// <summary>Asks this node (and what it computes from) to send old values.</summary>
    public void EnableSendingOldValues()
    {
        if (SendOldValues)
            return;
        SendOldValues = true;
        _enableUpstream?.Invoke();
    }

    /// <summary>A table held in <paramref name="storeName"/>.</summary>
    public static TableInfo<TKey, TValue> Materialized(string storeName, Action? enableUpstream = null) =>
        new(() => new StoreGetter<TKey, TValue>(storeName), [storeName], enableUpstream);

    /// <summary>A table computed on read.</summary>
    public static TableInfo<TKey, TValue> Computed(Func<IValueGetter<TKey, TValue>> getter, IReadOnlyList<string> stores, Action enableUpstream) =>
        new(getter, stores, enableUpstream);
}

/// <summary>Reads a timestamped key-value store.</summary>
internal sealed class StoreGetter<TKey, TValue>(string storeName) : IValueGetter<TKey, TValue>
{
    private ITimestampedKeyValueStore<TKey, TValue>? _store;

    public void Init(TaskContext task)
    {
        var store = task.Stores.GetValueOrDefault(storeName) ?? task.GlobalStores.GetValueOrDefault(storeName)
            ?? throw new StreamsException($"Store {storeName} is not available in task {task.TaskId}.");
        _store = (ITimestampedKeyValueStore<TKey, TValue>)store;
    }

    public bool TryGet(TKey key, out ValueAndTimestamp<TValue> value)
    {
        if (key is null)
        {
            value = default;
            return false;
        }
        return _store!.TryGet(key, out value);
    }
}

/// <summary>A getter that maps or filters an upstream getter.</summary>
internal sealed class MappingGetter<TKey, TIn, TOut>(IValueGetter<TKey, TIn> parent, Func<TKey, TIn, (bool Present, TOut Value)> map) : IValueGetter<TKey, TOut>
{
    public void Init(TaskContext task) => parent.Init(task);

    public bool TryGet(TKey key, out ValueAndTimestamp<TOut> value)
    {
        if (parent.TryGet(key, out var upstream))
        {
            var (present, mapped) = map(key, upstream.Value);
            if (present)
            {
                value = new ValueAndTimestamp<TOut>(mapped, upstream.Timestamp);
                return true;
            }
        }
        value = default;
        return false;
    }
}
