using Samsa.Streams.Internals.Engine;
using Samsa.Streams.State;

namespace Samsa.Streams.Kstream.Internals;

/// <summary>Builds the timestamped window stores of windowed aggregations (and the join buffers) through <see cref="Stores"/>.</summary>
internal sealed class DslWindowStoreBuilder<TKey, TValue>(string name, Materialized<TKey, TValue> materialized, long retentionMs, long windowSizeMs,
    bool retainDuplicates, bool timestamped, ISerde<TKey>? keySerde, ISerde<TValue>? valueSerde) : IConfigurableStoreBuilder
{
    private static readonly IReadOnlyDictionary<string, string> NoConfig = new Dictionary<string, string>();

    public string Name => name;

    public bool LoggingEnabled => materialized.LoggingEnabled;

    public IReadOnlyDictionary<string, string> LogConfig => materialized.LogConfig ?? NoConfig;

    public IStateStore Build() => Build(new StreamsConfig());

    public IStateStore Build(StreamsConfig config)
    {
        var keys = materialized.KeySerde ?? keySerde ?? DslSerdes.Default<TKey>(config.DefaultKeySerde, "key", name);
        var values = materialized.ValueSerde ?? valueSerde ?? DslSerdes.Default<TValue>(config.DefaultValueSerde, "value", name);
        var retention = TimeSpan.FromMilliseconds(retentionMs);
        var size = TimeSpan.FromMilliseconds(windowSizeMs);
        if (timestamped)
        {
            var supplier = materialized.Persistent
                ? Stores.PersistentTimestampedWindowStore(name, retention, size, retainDuplicates)
                : Stores.InMemoryWindowStore(name, retention, size, retainDuplicates);
            var builder = Stores.TimestampedWindowStoreBuilder(supplier, keys, values);
            builder = materialized.LoggingEnabled ? builder.WithLoggingEnabled(materialized.LogConfig) : builder.WithLoggingDisabled();
            return builder.Build();
        }
        var plainSupplier = materialized.Persistent
            ? Stores.PersistentWindowStore(name, retention, size, retainDuplicates)
            : Stores.InMemoryWindowStore(name, retention, size, retainDuplicates);
        var plain = Stores.WindowStoreBuilder(plainSupplier, keys, values);
        plain = materialized.LoggingEnabled ? plain.WithLoggingEnabled(materialized.LogConfig) : plain.WithLoggingDisabled();
        return plain.Build();
    }
}

/// <summary>Builds the session stores of session aggregations through <see cref="Stores"/>.</summary>
internal sealed class DslSessionStoreBuilder<TKey, TValue>(string name, Materialized<TKey, TValue> materialized, long retentionMs, ISerde<TKey>? keySerde, ISerde<TValue>? valueSerde)
    : IConfigurableStoreBuilder
{
    private static readonly IReadOnlyDictionary<string, string> NoConfig = new Dictionary<string, string>();

    public string Name => name;

    public bool LoggingEnabled => materialized.LoggingEnabled;

    public IReadOnlyDictionary<string, string> LogConfig => materialized.LogConfig ?? NoConfig;

    public IStateStore Build() => Build(new StreamsConfig());

    public IStateStore Build(StreamsConfig config)
    {
        var keys = materialized.KeySerde ?? keySerde ?? DslSerdes.Default<TKey>(config.DefaultKeySerde, "key", name);
        var values = materialized.ValueSerde ?? valueSerde ?? DslSerdes.Default<TValue>(config.DefaultValueSerde, "value", name);
        var retention = TimeSpan.FromMilliseconds(retentionMs);
        var supplier = materialized.Persistent ? Stores.PersistentSessionStore(name, retention) : Stores.InMemorySessionStore(name, retention);
        var builder = Stores.SessionStoreBuilder(supplier, keys, values);
        builder = materialized.LoggingEnabled ? builder.WithLoggingEnabled(materialized.LogConfig) : builder.WithLoggingDisabled();
        return builder.Build();
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
