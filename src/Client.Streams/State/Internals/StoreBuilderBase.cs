namespace Samsa.Streams.State.Internals;

/// <summary>Name, logging switch and changelog configs shared by the store builders.</summary>
internal abstract class StoreBuilderBase<T> : IStoreBuilder<T> where T : IStateStore
{
    private Dictionary<string, string> _userLogConfig = new(StringComparer.Ordinal);

    protected StoreBuilderBase(string name)
    {
        StoreArguments.RequireName(name);
        Name = name;
    }

    public string Name { get; }

    public bool LoggingEnabled { get; private set; } = true;

    /// <summary>Kafka's defaults for this kind of changelog, overridden by configs given to <see cref="WithLoggingEnabled"/>.</summary>
    public IReadOnlyDictionary<string, string> LogConfig
    {
        get
        {
            var config = new Dictionary<string, string>(StringComparer.Ordinal);
            if (!LoggingEnabled) return config;
            foreach (var (key, value) in DefaultLogConfig()) config[key] = value;
            foreach (var (key, value) in _userLogConfig) config[key] = value;
            return config;
        }
    }

    public IStoreBuilder<T> WithLoggingEnabled(IReadOnlyDictionary<string, string>? config = null)
    {
        LoggingEnabled = true;
        _userLogConfig = config is null ? new(StringComparer.Ordinal) : new Dictionary<string, string>(config, StringComparer.Ordinal);
        return this;
    }

    public IStoreBuilder<T> WithLoggingDisabled()
    {
        LoggingEnabled = false;
        _userLogConfig.Clear();
        return this;
    }

    public abstract T Build();

    IStateStore IStoreBuilder.Build() => Build();

    /// <summary>Kafka's default changelog configs for the store kind.</summary>
    protected abstract IEnumerable<KeyValuePair<string, string>> DefaultLogConfig();

    /// <summary>A compacted changelog, for key-value stores.</summary>
    protected static IEnumerable<KeyValuePair<string, string>> CompactedLogConfig() => [new("cleanup.policy", "compact")];

    /// <summary>
    /// A windowed changelog: compacted and deleted, kept for the store retention plus one day
    /// (Kafka's <c>windowstore.changelog.additional.retention.ms</c> default).
    /// </summary>
    protected static IEnumerable<KeyValuePair<string, string>> WindowedLogConfig(long retentionMs) =>
    [
        new("cleanup.policy", "compact,delete"),
        new("retention.ms", (retentionMs > long.MaxValue - AdditionalRetentionMs ? long.MaxValue : retentionMs + AdditionalRetentionMs).ToString(System.Globalization.CultureInfo.InvariantCulture)),
    ];

    /// <summary>One day, Kafka's extra changelog retention for windowed stores.</summary>
    public const long AdditionalRetentionMs = 24L * 60 * 60 * 1000;
}

/// <summary>Kafka's <c>KeyValueStoreBuilder</c>: typed layer over an optional logging layer over the supplied bytes store.</summary>
internal sealed class KeyValueStoreBuilder<TKey, TValue>(IKeyValueBytesStoreSupplier supplier, ISerde<TKey> keySerde, ISerde<TValue> valueSerde)
    : StoreBuilderBase<IKeyValueStore<TKey, TValue>>(supplier.Name)
{
    public override IKeyValueStore<TKey, TValue> Build()
    {
        var bytes = supplier.Get();
        if (LoggingEnabled) bytes = new ChangeLoggingKeyValueBytesStore(bytes, timestampedValues: false);
        return new TypedKeyValueStore<TKey, TValue>(bytes, keySerde, valueSerde);
    }

    protected override IEnumerable<KeyValuePair<string, string>> DefaultLogConfig() => CompactedLogConfig();
}

/// <summary>Kafka's <c>TimestampedKeyValueStoreBuilder</c>: values are <see cref="ValueAndTimestamp{TValue}"/>.</summary>
internal sealed class TimestampedKeyValueStoreBuilder<TKey, TValue>(IKeyValueBytesStoreSupplier supplier, ISerde<TKey> keySerde, ISerde<TValue> valueSerde)
    : StoreBuilderBase<ITimestampedKeyValueStore<TKey, TValue>>(supplier.Name)
{
    public override ITimestampedKeyValueStore<TKey, TValue> Build()
    {
        var bytes = supplier.Get();
        if (LoggingEnabled) bytes = new ChangeLoggingKeyValueBytesStore(bytes, timestampedValues: true);
        return new TimestampedKeyValueStore<TKey, TValue>(bytes, keySerde, valueSerde);
    }

    protected override IEnumerable<KeyValuePair<string, string>> DefaultLogConfig() => CompactedLogConfig();
}
