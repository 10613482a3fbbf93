namespace Samsa.Streams.State.Internals;

/// <summary>Supplies <see cref="SegmentedWindowStore"/>s, in memory or on disk.</summary>
internal sealed class WindowBytesStoreSupplier : IWindowBytesStoreSupplier
{
    public WindowBytesStoreSupplier(string name, TimeSpan retentionPeriod, TimeSpan windowSize, bool retainDuplicates, bool persistent, bool timestamped)
    {
        StoreArguments.RequireName(name);
        long retention = StoreArguments.NonNegativeMs(retentionPeriod, nameof(retentionPeriod));
        long size = StoreArguments.NonNegativeMs(windowSize, nameof(windowSize));
        if (size > retention)
            throw new ArgumentException($"The retention period of the window store {name} must be no smaller than its window size. Got size=[{size}], retention=[{retention}]", nameof(windowSize));
        Name = name;
        RetentionPeriodMs = retention;
        WindowSizeMs = size;
        RetainDuplicates = retainDuplicates;
        Persistent = persistent;
        Timestamped = timestamped;
        SegmentIntervalMs = Math.Max(retention / 2, 60_000L);
    }

    public string Name { get; }

    public long SegmentIntervalMs { get; }

    public long WindowSizeMs { get; }

    public bool RetainDuplicates { get; }

    public long RetentionPeriodMs { get; }

    public bool Persistent { get; }

    /// <summary>True for <c>Stores.PersistentTimestampedWindowStore</c>.</summary>
    public bool Timestamped { get; }

    public string MetricsScope => Persistent ? "rocksdb-window" : "in-memory-window";

    public IWindowStore<byte[], byte[]> Get() =>
        new SegmentedWindowStore(Name, RetentionPeriodMs, WindowSizeMs, RetainDuplicates, SegmentIntervalMs, Persistent, LogStructuredStoreOptions.Default);
}

/// <summary>Supplies <see cref="SegmentedSessionStore"/>s, in memory or on disk.</summary>
internal sealed class SessionBytesStoreSupplier : ISessionBytesStoreSupplier
{
    public SessionBytesStoreSupplier(string name, TimeSpan retentionPeriod, bool persistent)
    {
        StoreArguments.RequireName(name);
        Name = name;
        RetentionPeriodMs = StoreArguments.NonNegativeMs(retentionPeriod, nameof(retentionPeriod));
        Persistent = persistent;
        SegmentIntervalMs = Math.Max(RetentionPeriodMs / 2, 60_000L);
    }

    public string Name { get; }

    public long SegmentIntervalMs { get; }

    public long RetentionPeriodMs { get; }

    public bool Persistent { get; }

    public string MetricsScope => Persistent ? "rocksdb-session" : "in-memory-session";

    public ISessionStore<byte[], byte[]> Get() => new SegmentedSessionStore(Name, RetentionPeriodMs, SegmentIntervalMs, Persistent, LogStructuredStoreOptions.Default);
}

/// <summary>Kafka's <c>WindowStoreBuilder</c>.</summary>
internal sealed class WindowStoreBuilder<TKey, TValue>(IWindowBytesStoreSupplier supplier, ISerde<TKey> keySerde, ISerde<TValue> valueSerde)
    : StoreBuilderBase<IWindowStore<TKey, TValue>>(supplier.Name)
{
    public override IWindowStore<TKey, TValue> Build()
    {
        var bytes = supplier.Get();
        if (LoggingEnabled) bytes = new ChangeLoggingWindowBytesStore(bytes, supplier.RetainDuplicates, timestampedValues: false);
        return new TypedWindowStore<TKey, TValue>(bytes, keySerde, valueSerde);
    }

    protected override IEnumerable<KeyValuePair<string, string>> DefaultLogConfig() => WindowedLogConfig(supplier.RetentionPeriodMs);
}

/// <summary>Kafka's <c>TimestampedWindowStoreBuilder</c>.</summary>
internal sealed class TimestampedWindowStoreBuilder<TKey, TValue>(IWindowBytesStoreSupplier supplier, ISerde<TKey> keySerde, ISerde<TValue> valueSerde)
    : StoreBuilderBase<ITimestampedWindowStore<TKey, TValue>>(supplier.Name)
{
    public override ITimestampedWindowStore<TKey, TValue> Build()
    {
        var bytes = supplier.Get();
        if (LoggingEnabled) bytes = new ChangeLoggingWindowBytesStore(bytes, supplier.RetainDuplicates, timestampedValues: true);
        return new TimestampedWindowStore<TKey, TValue>(bytes, keySerde, valueSerde);
    }

    protected override IEnumerable<KeyValuePair<string, string>> DefaultLogConfig() => WindowedLogConfig(supplier.RetentionPeriodMs);
}

/// <summary>Kafka's <c>SessionStoreBuilder</c>.</summary>
internal sealed class SessionStoreBuilder<TKey, TValue>(ISessionBytesStoreSupplier supplier, ISerde<TKey> keySerde, ISerde<TValue> valueSerde)
    : StoreBuilderBase<ISessionStore<TKey, TValue>>(supplier.Name)
{
    public override ISessionStore<TKey, TValue> Build()
    {
        var bytes = supplier.Get();
        if (LoggingEnabled) bytes = new ChangeLoggingSessionBytesStore(bytes);
        return new TypedSessionStore<TKey, TValue>(bytes, keySerde, valueSerde);
    }

    protected override IEnumerable<KeyValuePair<string, string>> DefaultLogConfig() => WindowedLogConfig(supplier.RetentionPeriodMs);
}
