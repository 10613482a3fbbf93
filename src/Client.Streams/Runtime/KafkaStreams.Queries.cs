using Samsa.Streams.Runtime;
using Samsa.Streams.State;

namespace Samsa.Streams;

public sealed partial class KafkaStreams
{
    /// <summary>
    /// A local store for interactive queries: a global store, or the named store of the tasks this instance runs.
    /// When several local tasks have the store and <typeparamref name="T"/> is
    /// <see cref="IReadOnlyKeyValueStore{TKey, TValue}"/>, the result reads across all of them. Only restored tasks
    /// are queryable; throws <see cref="StreamsException"/> when none has the store (yet), which is retriable
    /// during a rebalance.
    /// </summary>
    public T Store<T>(string name) where T : class
    {
        ArgumentNullException.ThrowIfNull(name);
        var matches = QueryableStores(name, partition: null);
        if (matches.Count == 1) return Cast<T>(matches[0], name);
        if (matches.Count == 0) throw NotQueryable(name);
        var type = typeof(T);
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyKeyValueStore<,>))
        {
            var composite = typeof(CompositeReadOnlyKeyValueStore<,>).MakeGenericType(type.GetGenericArguments());
            var list = Array.CreateInstance(type, matches.Count);
            for (int i = 0; i < matches.Count; i++) list.SetValue(Cast<T>(matches[i], name), i);
            return (T)Activator.CreateInstance(composite, list)!;
        }
        throw new StreamsException($"Store '{name}' is held by {matches.Count} local tasks; ask for IReadOnlyKeyValueStore<K, V> or use Store<T>(name, partition).");
    }

    /// <summary>The named store of the local task for <paramref name="partition"/>.</summary>
    public T Store<T>(string name, int partition) where T : class
    {
        ArgumentNullException.ThrowIfNull(name);
        var matches = QueryableStores(name, partition);
        return matches.Count > 0 ? Cast<T>(matches[0], name) : throw NotQueryable(name);
    }

    /// <summary>The names of the global stores this instance maintains.</summary>
    internal IReadOnlyList<string> GlobalStoreNames => _global is null ? [] : [.. _global.Stores.Select(s => s.Store.Name).Distinct()];

    private List<IStateStore> QueryableStores(string name, int? partition)
    {
        var result = new List<IStateStore>();
        if (_global is not null && partition is null)
            result.AddRange(_global.Stores.Where(s => s.Store.Name == name).Select(s => s.Store));
        foreach (var thread in Threads)
            result.AddRange(thread.QueryableStores.Where(s => s.Store.Name == name && (partition is null || s.Task.Partition == partition)).Select(s => s.Store));
        return result;
    }

    private static T Cast<T>(IStateStore store, string name) where T : class =>
        store as T ?? throw new StreamsException($"Store '{name}' is a {store.GetType().Name}, not a {typeof(T).Name}.");

    private StreamsException NotQueryable(string name) =>
        new($"Store '{name}' is not available on this instance (state {State}): unknown name, tasks hosted elsewhere, or still restoring.");
}
