using Samsa.Streams.Internals.Engine;
using Samsa.Streams.State;

namespace Samsa.Streams.Kstream.Internals;

/// <summary>
/// What the DSL's store builders share: name and changelog settings from <see cref="Materialized{TKey, TValue}"/>, and
/// serdes resolved from the configuration when the task opens the store (the DSL does not know them when the topology
/// is built).
/// </summary>
internal abstract class DslStoreBuilder<TKey, TValue>(string name, Materialized<TKey, TValue> materialized, ISerde<TKey>? keySerde, ISerde<TValue>? valueSerde)
    : IConfigurableStoreBuilder
{
    private static readonly IReadOnlyDictionary<string, string> NoConfig = new Dictionary<string, string>();

    public string Name => name;

    public bool LoggingEnabled => materialized.LoggingEnabled;

    public IReadOnlyDictionary<string, string> LogConfig => materialized.LogConfig ?? NoConfig;

    protected Materialized<TKey, TValue> Materialized => materialized;

    public IStateStore Build() => Build(new StreamsConfig());

    public IStateStore Build(StreamsConfig config)
    {
        var keys = materialized.KeySerde ?? keySerde ?? DslSerdes.Default<TKey>(config.DefaultKeySerde, "key", name);
        var values = materialized.ValueSerde ?? valueSerde ?? DslSerdes.Default<TValue>(config.DefaultValueSerde, "value", name);
        return Build(keys, values);
    }

    /// <summary>The store over the resolved serdes.</summary>
    protected abstract IStateStore Build(ISerde<TKey> keys, ISerde<TValue> values);

    /// <summary>Builds <paramref name="builder"/> with the changelog switched as <see cref="Materialized{TKey, TValue}"/> says.</summary>
    protected IStateStore Logged<T>(IStoreBuilder<T> builder) where T : IStateStore =>
        (materialized.LoggingEnabled ? builder.WithLoggingEnabled(materialized.LogConfig) : builder.WithLoggingDisabled()).Build();
}

/// <summary>Builds the DSL's timestamped key-value stores through <see cref="Stores"/>.</summary>
internal sealed class DslKeyValueStoreBuilder<TKey, TValue>(string name, Materialized<TKey, TValue> materialized, ISerde<TKey>? keySerde, ISerde<TValue>? valueSerde)
    : DslStoreBuilder<TKey, TValue>(name, materialized, keySerde, valueSerde)
{
    protected override IStateStore Build(ISerde<TKey> keys, ISerde<TValue> values)
    {
        var supplier = Materialized.KeyValueStoreSupplier
            ?? (Materialized.Persistent ? Stores.PersistentTimestampedKeyValueStore(Name) : Stores.InMemoryKeyValueStore(Name));
        return Logged(Stores.TimestampedKeyValueStoreBuilder(supplier, keys, values));
    }
}

/// <summary>Serde helpers of the DSL.</summary>
internal static class DslSerdes
{
    /// <summary>The configured default serde as an <see cref="ISerde{T}"/>, or a failure naming the store.</summary>
    public static ISerde<T> Default<T>(object? configured, string what, string where) => configured switch
    {
        ISerde<T> serde => serde,
        null => throw new StreamsException($"No {what} serde for {where}: pass one (Materialized, Grouped, Consumed...) or set the default {what} serde."),
        _ => throw new StreamsException($"The default {what} serde {configured.GetType().Name} does not handle {typeof(T).Name} (needed by {where})."),
    };

    /// <summary>An untyped wrapper, or null.</summary>
    public static UntypedSerde? Wrap<T>(ISerde<T>? serde) => serde is null ? null : UntypedSerde.Of(serde);
}

/// <summary>Fills in what an aggregation knows when the user's <see cref="Materialized{TKey, TValue}"/> does not say.</summary>
internal static class MaterializedDefaults
{
    /// <summary><paramref name="materialized"/> (or a default one) with <paramref name="valueSerde"/> unless it has a value serde.</summary>
    public static Materialized<TKey, TValue> WithValueSerde<TKey, TValue>(Materialized<TKey, TValue>? materialized, ISerde<TValue>? valueSerde)
    {
        materialized ??= new Materialized<TKey, TValue>();
        return materialized.ValueSerde is null && valueSerde is not null ? materialized with { ValueSerde = valueSerde } : materialized;
    }
}
