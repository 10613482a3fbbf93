using Samsa.Streams.State.Internals;

namespace Samsa.Streams.State;

/// <summary>
/// Kafka's <c>Stores</c>: suppliers of bytes stores (in-memory or persistent; persistent ones keep files under
/// <c>&lt;state dir&gt;/&lt;task&gt;/&lt;store name&gt;/</c>, no RocksDB) and builders that add the changelog and typed layers.
/// Builders enable logging by default with Kafka's changelog configs.
/// </summary>
public static partial class Stores
{
    /// <summary>An in-memory key-value store.</summary>
    public static IKeyValueBytesStoreSupplier InMemoryKeyValueStore(string name) => new InMemoryKeyValueBytesStoreSupplier(name);

    /// <summary>A persistent (log-structured, on-disk) key-value store.</summary>
    public static IKeyValueBytesStoreSupplier PersistentKeyValueStore(string name) => new PersistentKeyValueBytesStoreSupplier(name, timestamped: false);

    /// <summary>A persistent key-value store for timestamped values (what KTables use).</summary>
    public static IKeyValueBytesStoreSupplier PersistentTimestampedKeyValueStore(string name) => new PersistentKeyValueBytesStoreSupplier(name, timestamped: true);

    /// <summary>Builds <see cref="IKeyValueStore{TKey,TValue}"/>s from <paramref name="supplier"/>.</summary>
    public static IStoreBuilder<IKeyValueStore<TKey, TValue>> KeyValueStoreBuilder<TKey, TValue>(IKeyValueBytesStoreSupplier supplier, ISerde<TKey> keySerde, ISerde<TValue> valueSerde)
    {
        ArgumentNullException.ThrowIfNull(supplier);
        ArgumentNullException.ThrowIfNull(keySerde);
        ArgumentNullException.ThrowIfNull(valueSerde);
        return new Internals.KeyValueStoreBuilder<TKey, TValue>(supplier, keySerde, valueSerde);
    }

    /// <summary>Builds <see cref="ITimestampedKeyValueStore{TKey,TValue}"/>s (values with timestamps) from <paramref name="supplier"/>.</summary>
    public static IStoreBuilder<ITimestampedKeyValueStore<TKey, TValue>> TimestampedKeyValueStoreBuilder<TKey, TValue>(IKeyValueBytesStoreSupplier supplier, ISerde<TKey> keySerde, ISerde<TValue> valueSerde)
    {
        ArgumentNullException.ThrowIfNull(supplier);
        ArgumentNullException.ThrowIfNull(keySerde);
        ArgumentNullException.ThrowIfNull(valueSerde);
        return new Internals.TimestampedKeyValueStoreBuilder<TKey, TValue>(supplier, keySerde, valueSerde);
    }
}
