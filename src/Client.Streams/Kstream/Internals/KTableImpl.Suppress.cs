using Samsa.Streams.State;

namespace Samsa.Streams.Kstream.Internals;

internal sealed partial class KTableImpl<TKey, TValue>
{
    public IKTable<TKey, TValue> Suppress(Suppressed suppressed)
    {
        ArgumentNullException.ThrowIfNull(suppressed);
        // Kafka's naming: the processor is the given name or KTABLE-SUPPRESS-<n>; the buffer store is <name>-store or a
        // generated KTABLE-SUPPRESS-STATE-STORE-<n>.
        string child = suppressed.Name ?? builder.NewName("KTABLE-SUPPRESS-");
        string storeName = suppressed.Name is { } given ? given + "-store" : builder.NewStoreName("KTABLE-SUPPRESS-");
        Func<TKey, long> bufferTime;
        long delayMs;
        Func<StreamsConfig, ISerde<TKey>> keys;
        if (suppressed.IsUntilWindowCloses)
        {
            var windowing = Windowing ?? throw new TopologyException(
                $"Suppressed.UntilWindowCloses on {name} needs a windowed table (the result of a windowed aggregation).");
            bufferTime = windowing.WindowEnd;
            delayMs = windowing.GraceMs;
            keys = keySerde is { } known ? _ => known : windowing.KeySerde;
        }
        else
        {
            bufferTime = null!;
            delayMs = suppressed.TimeLimitMs;
            var windowing = Windowing;
            keys = keySerde is { } known ? _ => known
                : windowing is not null ? windowing.KeySerde
                : config => DslSerdes.Default<TKey>(config.DefaultKeySerde, "key", storeName);
        }
        var values = valueSerde;
        Func<StreamsConfig, ISerde<TValue>> valuesFor = values is not null ? _ => values : config => DslSerdes.Default<TValue>(config.DefaultValueSerde, "value", storeName);
        var parent = info;
        // As Kafka, the buffer keeps the old value from before a key's first buffered update, for the table's getter.
        parent.EnableSendingOldValues();
        var childInfo = TableInfo<TKey, TValue>.Computed(() => new SuppressedValueGetter<TKey, TValue>(storeName, parent.CreateGetter(), keys, valuesFor),
            [.. parent.GetterStores, storeName], () => { });
        var options = new SuppressOptions<TKey>(storeName, suppressed.Buffer, delayMs, bufferTime, DropTombstones: suppressed.IsUntilWindowCloses);
        builder.Internal.AddProcessor(child, [name], n => Nodes.Of(n, new KTableSuppressProcessor<TKey, TValue>(options, keys, valuesFor, childInfo)));
        var store = Stores.KeyValueStoreBuilder(Stores.InMemoryKeyValueStore(storeName), Serdes.ByteArray, Serdes.ByteArray);
        store = suppressed.Buffer.LoggingEnabled ? store.WithLoggingEnabled(suppressed.Buffer.LogConfig) : store.WithLoggingDisabled();
        builder.Internal.AddStateStore(store, [child]);
        return new KTableImpl<TKey, TValue>(builder, child, keySerde, valueSerde, childInfo, null) { Windowing = Windowing };
    }
}

/// <summary>What suppression until window close needs from a windowed table: its grace, window ends and key serde.</summary>
internal sealed record WindowedTableInfo<TKey>(long GraceMs, Func<TKey, long> WindowEnd, Func<StreamsConfig, ISerde<TKey>> KeySerde);

/// <summary>Builds <see cref="WindowedTableInfo{TKey}"/> for tables keyed by <see cref="Windowed{TKey}"/>.</summary>
internal static class WindowedTableInfo
{
    /// <summary>Windowed keys serialized by <paramref name="windowed"/> over the given or default inner key serde.</summary>
    public static WindowedTableInfo<Windowed<TKey>> Of<TKey>(long graceMs, ISerde<TKey>? keys, Func<ISerde<TKey>, ISerde<Windowed<TKey>>> windowed, string where) =>
        new(graceMs, k => k.Window.End, config => windowed(keys ?? DslSerdes.Default<TKey>(config.DefaultKeySerde, "key", where)));
}
