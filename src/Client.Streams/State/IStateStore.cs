using Samsa.Streams.Processor;

namespace Samsa.Streams.State;

/// <summary>A store owned by one task (or by the global thread). Kafka's <c>StateStore</c>.</summary>
public interface IStateStore
{
    /// <summary>The store's name, unique in the topology; names its changelog <c>&lt;application.id&gt;-&lt;name&gt;-changelog</c>.</summary>
    string Name { get; }

    /// <summary>True when the store keeps its data on disk under the task's state directory.</summary>
    bool Persistent { get; }

    /// <summary>True between <see cref="Init"/> and <see cref="Close"/>.</summary>
    bool IsOpen { get; }

    /// <summary>Opens the store and registers it (with its restore callback) through <paramref name="context"/>.</summary>
    void Init(IStateStoreContext context);

    /// <summary>Makes everything written so far durable (files synced, changelog records handed to the collector).</summary>
    void Flush();

    /// <summary>Closes the store; files stay on disk.</summary>
    void Close();
}

/// <summary>What a store sees of its task while it opens and runs.</summary>
public interface IStateStoreContext
{
    /// <summary><c>application.id</c>.</summary>
    string ApplicationId { get; }

    /// <summary>The owning task (a global store has subtopology -1, partition -1).</summary>
    TaskId TaskId { get; }

    /// <summary>The task's own directory under <c>state.dir</c>, created on demand; null for in-memory-only runs.</summary>
    string? StateDirectory { get; }

    /// <summary>Registers <paramref name="store"/>; the runtime replays its changelog into <paramref name="restore"/> before processing starts.</summary>
    void Register(IStateStore store, IStateRestoreCallback restore);

    /// <summary>True when the store's changelog is enabled; logging stores call <see cref="LogChange"/> on every write.</summary>
    bool IsLoggingEnabled(string storeName);

    /// <summary>Sends one change (a null value is a delete) to the store's changelog partition.</summary>
    void LogChange(string storeName, byte[] key, byte[]? value, long timestamp);

    /// <summary>The timestamp of the record being processed (used for changelog records and window retention).</summary>
    long RecordTimestamp { get; }
}

/// <summary>Receives changelog records while a store restores.</summary>
public interface IStateRestoreCallback
{
    /// <summary>Applies a batch of changelog records in offset order; a null value deletes the key.</summary>
    void RestoreBatch(IReadOnlyList<KeyValuePair<byte[], byte[]?>> records);
}

/// <summary>Builds a store for each task; Kafka's <c>StoreBuilder</c>.</summary>
public interface IStoreBuilder
{
    /// <summary>The store's name.</summary>
    string Name { get; }

    /// <summary>True when writes go to a changelog topic (the default).</summary>
    bool LoggingEnabled { get; }

    /// <summary>Topic configs for the changelog (for example <c>cleanup.policy</c>, <c>retention.ms</c>).</summary>
    IReadOnlyDictionary<string, string> LogConfig { get; }

    /// <summary>A new, unopened store instance.</summary>
    IStateStore Build();
}

/// <summary>A typed store builder with logging switches.</summary>
public interface IStoreBuilder<out T> : IStoreBuilder where T : IStateStore
{
    /// <summary>A new, unopened store instance.</summary>
    new T Build();

    /// <summary>Enables the changelog with extra topic configs.</summary>
    IStoreBuilder<T> WithLoggingEnabled(IReadOnlyDictionary<string, string>? config = null);

    /// <summary>Disables the changelog (the store is not restored after a failure).</summary>
    IStoreBuilder<T> WithLoggingDisabled();
}
