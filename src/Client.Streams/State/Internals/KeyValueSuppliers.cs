namespace Samsa.Streams.State.Internals;

/// <summary>Supplies <see cref="InMemoryKeyValueStore"/>s.</summary>
internal sealed class InMemoryKeyValueBytesStoreSupplier : IKeyValueBytesStoreSupplier
{
    public InMemoryKeyValueBytesStoreSupplier(string name)
    {
        StoreArguments.RequireName(name);
        Name = name;
    }

    public string Name { get; }

    public string MetricsScope => "in-memory";

    public IKeyValueStore<byte[], byte[]> Get() => new InMemoryKeyValueStore(Name);
}

/// <summary>Supplies <see cref="LogStructuredKeyValueStore"/>s, optionally marked as holding timestamped values.</summary>
internal sealed class PersistentKeyValueBytesStoreSupplier : IKeyValueBytesStoreSupplier
{
    public PersistentKeyValueBytesStoreSupplier(string name, bool timestamped)
    {
        StoreArguments.RequireName(name);
        Name = name;
        Timestamped = timestamped;
    }

    public string Name { get; }

    /// <summary>True for <c>Stores.PersistentTimestampedKeyValueStore</c>.</summary>
    public bool Timestamped { get; }

    public string MetricsScope => "persistent";

    public IKeyValueStore<byte[], byte[]> Get() => new LogStructuredKeyValueStore(Name, LogStructuredStoreOptions.Default);
}
