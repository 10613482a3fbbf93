using Samsa.Streams.State.Internals;

namespace Samsa.Streams.State;

public static partial class Stores
{
    /// <summary>An in-memory window store. Throws <see cref="ArgumentException"/> for a negative retention or size, or a window larger than the retention.</summary>
    public static IWindowBytesStoreSupplier InMemoryWindowStore(string name, TimeSpan retentionPeriod, TimeSpan windowSize, bool retainDuplicates) =>
        new WindowBytesStoreSupplier(name, retentionPeriod, windowSize, retainDuplicates, persistent: false, timestamped: false);

    /// <summary>A persistent window store (segments of <c>max(retention / 2, 60 s)</c>, one log-structured file each).</summary>
    public static IWindowBytesStoreSupplier PersistentWindowStore(string name, TimeSpan retentionPeriod, TimeSpan windowSize, bool retainDuplicates) =>
        new WindowBytesStoreSupplier(name, retentionPeriod, windowSize, retainDuplicates, persistent: true, timestamped: false);

    /// <summary>A persistent window store for timestamped values (what windowed aggregations use).</summary>
    public static IWindowBytesStoreSupplier PersistentTimestampedWindowStore(string name, TimeSpan retentionPeriod, TimeSpan windowSize, bool retainDuplicates) =>
        new WindowBytesStoreSupplier(name, retentionPeriod, windowSize, retainDuplicates, persistent: true, timestamped: true);

    /// <summary>An in-memory session store keeping sessions for <paramref name="retentionPeriod"/> after they end.</summary>
    public static ISessionBytesStoreSupplier InMemorySessionStore(string name, TimeSpan retentionPeriod) => new SessionBytesStoreSupplier(name, retentionPeriod, persistent: false);

    /// <summary>A persistent session store.</summary>
    public static ISessionBytesStoreSupplier PersistentSessionStore(string name, TimeSpan retentionPeriod) => new SessionBytesStoreSupplier(name, retentionPeriod, persistent: true);

    /// <summary>Builds <see cref="IWindowStore{TKey,TValue}"/>s; the changelog defaults to <c>compact,delete</c> with retention + 1 day.</summary>
    public static IStoreBuilder<IWindowStore<TKey, TValue>> WindowStoreBuilder<TKey, TValue>(IWindowBytesStoreSupplier supplier, ISerde<TKey> keySerde, ISerde<TValue> valueSerde)
    {
        ArgumentNullException.ThrowIfNull(supplier);
        ArgumentNullException.ThrowIfNull(keySerde);
        ArgumentNullException.ThrowIfNull(valueSerde);
        return new Internals.WindowStoreBuilder<TKey, TValue>(supplier, keySerde, valueSerde);
    }

    /// <summary>Builds <see cref="ITimestampedWindowStore{TKey,TValue}"/>s.</summary>
    public static IStoreBuilder<ITimestampedWindowStore<TKey, TValue>> TimestampedWindowStoreBuilder<TKey, TValue>(IWindowBytesStoreSupplier supplier, ISerde<TKey> keySerde, ISerde<TValue> valueSerde)
    {
        ArgumentNullException.ThrowIfNull(supplier);
        ArgumentNullException.ThrowIfNull(keySerde);
        ArgumentNullException.ThrowIfNull(valueSerde);
        return new Internals.TimestampedWindowStoreBuilder<TKey, TValue>(supplier, keySerde, valueSerde);
    }

    /// <summary>Builds <see cref="ISessionStore{TKey,TValue}"/>s; the changelog defaults to <c>compact,delete</c> with retention + 1 day.</summary>
    public static IStoreBuilder<ISessionStore<TKey, TValue>> SessionStoreBuilder<TKey, TValue>(ISessionBytesStoreSupplier supplier, ISerde<TKey> keySerde, ISerde<TValue> valueSerde)
    {
        ArgumentNullException.ThrowIfNull(supplier);
        ArgumentNullException.ThrowIfNull(keySerde);
        ArgumentNullException.ThrowIfNull(valueSerde);
        return new Internals.SessionStoreBuilder<TKey, TValue>(supplier, keySerde, valueSerde);
    }
}
