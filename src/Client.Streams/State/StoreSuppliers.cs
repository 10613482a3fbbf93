namespace Samsa.Streams.State;

/// <summary>Supplies new bytes-store instances of one kind; Kafka's <c>StoreSupplier</c>.</summary>
public interface IStoreSupplier<out T> where T : IStateStore
{
    /// <summary>The store name.</summary>
    string Name { get; }

    /// <summary>A new, unopened store.</summary>
    T Get();

    /// <summary>The metrics scope (for example <c>in-memory</c>, <c>persistent</c>).</summary>
    string MetricsScope { get; }
}

/// <summary>Supplies key-value bytes stores; Kafka's <c>KeyValueBytesStoreSupplier</c>.</summary>
public interface IKeyValueBytesStoreSupplier : IStoreSupplier<IKeyValueStore<byte[], byte[]>>;

/// <summary>Supplies window bytes stores (keys are the raw serialized keys); Kafka's <c>WindowBytesStoreSupplier</c>.</summary>
public interface IWindowBytesStoreSupplier : IStoreSupplier<IWindowStore<byte[], byte[]>>
{
    /// <summary>The time span of each segment, in ms.</summary>
    long SegmentIntervalMs { get; }

    /// <summary>The size of the windows stored, in ms.</summary>
    long WindowSizeMs { get; }

    /// <summary>True when several values per key and window are kept (stream-stream joins).</summary>
    bool RetainDuplicates { get; }

    /// <summary>How long windows are kept, in ms.</summary>
    long RetentionPeriodMs { get; }
}

/// <summary>Supplies session bytes stores; Kafka's <c>SessionBytesStoreSupplier</c>.</summary>
public interface ISessionBytesStoreSupplier : IStoreSupplier<ISessionStore<byte[], byte[]>>
{
    /// <summary>The time span of each segment, in ms.</summary>
    long SegmentIntervalMs { get; }

    /// <summary>How long sessions are kept after they end, in ms.</summary>
    long RetentionPeriodMs { get; }
}
