using Samsa.Streams.Internals.Engine;
using Samsa.Streams.State;

namespace Samsa.Streams.Kstream.Internals;

/// <summary>Builds the timestamped window stores of windowed aggregations (and the join buffers) through <see cref="Stores"/>.</summary>
internal sealed class DslWindowStoreBuilder<TKey, TValue>(string name, Materialized<TKey, TValue> materialized, long retentionMs, long windowSizeMs,
    bool retainDuplicates, bool timestamped, ISerde<TKey>? keySerde, ISerde<TValue>? valueSerde)
    : DslStoreBuilder<TKey, TValue>(name, materialized, keySerde, valueSerde)
{
    protected override IStateStore Build(ISerde<TKey> keys, ISerde<TValue> values)
    {
        var retention = TimeSpan.FromMilliseconds(retentionMs);
        var size = TimeSpan.FromMilliseconds(windowSizeMs);
        if (timestamped)
        {
            var supplier = Materialized.Persistent
                ? Stores.PersistentTimestampedWindowStore(Name, retention, size, retainDuplicates)
                : Stores.InMemoryWindowStore(Name, retention, size, retainDuplicates);
            return Logged(Stores.TimestampedWindowStoreBuilder(supplier, keys, values));
        }
        var plain = Materialized.Persistent
            ? Stores.PersistentWindowStore(Name, retention, size, retainDuplicates)
            : Stores.InMemoryWindowStore(Name, retention, size, retainDuplicates);
        return Logged(Stores.WindowStoreBuilder(plain, keys, values));
    }
}

/// <summary>Builds the session stores of session aggregations through <see cref="Stores"/>.</summary>
internal sealed class DslSessionStoreBuilder<TKey, TValue>(string name, Materialized<TKey, TValue> materialized, long retentionMs, ISerde<TKey>? keySerde, ISerde<TValue>? valueSerde)
    : DslStoreBuilder<TKey, TValue>(name, materialized, keySerde, valueSerde)
{
    protected override IStateStore Build(ISerde<TKey> keys, ISerde<TValue> values)
    {
        var retention = TimeSpan.FromMilliseconds(retentionMs);
        var supplier = Materialized.Persistent ? Stores.PersistentSessionStore(Name, retention) : Stores.InMemorySessionStore(Name, retention);
        return Logged(Stores.SessionStoreBuilder(supplier, keys, values));
    }
}

/// <summary>Reads one window of a timestamped window store.</summary>
internal sealed class WindowStoreGetter<TKey, TValue>(string storeName) : IValueGetter<Windowed<TKey>, TValue>
{
    private IWindowStore<TKey, ValueAndTimestamp<TValue>>? _store;

    public void Init(TaskContext task) => _store = (IWindowStore<TKey, ValueAndTimestamp<TValue>>)task.Stores[storeName];

    public bool TryGet(Windowed<TKey> key, out ValueAndTimestamp<TValue> value) => WindowStores.TryFetch(_store!, key.Key, key.Window.Start, out value);
}

/// <summary>Reads one session of a session store (the timestamp is the session end).</summary>
internal sealed class SessionStoreGetter<TKey, TValue>(string storeName) : IValueGetter<Windowed<TKey>, TValue>
{
    private ISessionStore<TKey, TValue>? _store;

    public void Init(TaskContext task) => _store = (ISessionStore<TKey, TValue>)task.Stores[storeName];

    public bool TryGet(Windowed<TKey> key, out ValueAndTimestamp<TValue> value)
    {
        using var sessions = _store!.FindSessions(key.Key, key.Window.End, key.Window.Start);
        while (sessions.MoveNext())
        {
            if (sessions.Current.Key.Window == key.Window)
            {
                value = new ValueAndTimestamp<TValue>(sessions.Current.Value, key.Window.End);
                return true;
            }
        }
        value = default;
        return false;
    }
}

/// <summary>Window store helpers.</summary>
internal static class WindowStores
{
    /// <summary>The value of the window of <paramref name="key"/> starting at <paramref name="start"/>; false when absent (a default is not a value).</summary>
    public static bool TryFetch<TKey, TValue>(IWindowStore<TKey, TValue> store, TKey key, long start, out TValue value)
    {
        using var windows = store.Fetch(key, start, start);
        if (windows.MoveNext())
        {
            value = windows.Current.Value;
            return true;
        }
        value = default!;
        return false;
    }
}
