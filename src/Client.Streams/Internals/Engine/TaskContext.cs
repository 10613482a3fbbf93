using Samsa.Streams.Processor;
using Samsa.Streams.State;

namespace Samsa.Streams.Internals.Engine;

/// <summary>
/// The state a task (or the global updater) shares with its nodes and stores: the record being processed,
/// stream time, stores, punctuation queues. It is the <see cref="IStateStoreContext"/> stores are opened with.
/// </summary>
internal sealed class TaskContext : IStateStoreContext
{
    private readonly ITaskEnvironment _environment;
    private readonly IReadOnlyDictionary<string, IStoreBuilder> _storeBuilders;
    private readonly bool _global;
    private readonly IReadOnlyDictionary<string, string> _globalStoreTopics;

    public TaskContext(TaskId id, ITaskEnvironment environment, IReadOnlyDictionary<string, IStoreBuilder> storeBuilders, bool global,
        IReadOnlyDictionary<string, string>? globalStoreTopics = null)
    {
        TaskId = id;
        _environment = environment;
        _storeBuilders = storeBuilders;
        _global = global;
        _globalStoreTopics = globalStoreTopics ?? new Dictionary<string, string>();
    }

    public string ApplicationId => _environment.ApplicationId;

    public TaskId TaskId { get; }

    public StreamsConfig Config => _environment.Config;

    public IRecordCollector Collector => _environment.Collector;

    public ITaskEnvironment Environment => _environment;

    /// <summary>Metadata of the input record being processed; null inside punctuations.</summary>
    public RecordMetadata? CurrentMetadata { get; set; }

    /// <summary>The timestamp of the record being forwarded (or the punctuation time).</summary>
    public long CurrentTimestamp { get; set; }

    /// <summary>Headers of the record being processed.</summary>
    public Headers? CurrentHeaders { get; set; }

    /// <summary>Largest timestamp processed so far; -1 before the first record.</summary>
    public long StreamTime { get; set; } = -1;

    public long WallClockMs => _environment.Time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>This task's open stores by name.</summary>
    public Dictionary<string, IStateStore> Stores { get; } = new(StringComparer.Ordinal);

    /// <summary>Global stores every node may read.</summary>
    public IReadOnlyDictionary<string, IStateStore> GlobalStores { get; set; } = new Dictionary<string, IStateStore>();

    public PunctuationQueue StreamTimePunctuations { get; } = new();

    public PunctuationQueue WallClockPunctuations { get; } = new();

    public bool CommitRequested { get; set; }

    /// <summary>State shared by processors of this task by key (the time tracker of a stream-stream join's two sides).</summary>
    public Dictionary<string, object> Shared { get; } = new(StringComparer.Ordinal);

    /// <summary>Hands <paramref name="record"/> to <paramref name="child"/>, keeping its timestamp as the current one meanwhile.</summary>
    public void Forward(ProcessorNode child, Record<object?, object?> record)
    {
        long savedTimestamp = CurrentTimestamp;
        var savedHeaders = CurrentHeaders;
        CurrentTimestamp = record.Timestamp;
        CurrentHeaders = record.Headers;
        try
        {
            child.Process(record);
        }
        finally
        {
            CurrentTimestamp = savedTimestamp;
            CurrentHeaders = savedHeaders;
        }
    }

    /// <summary>Fires one punctuation with no input record in context.</summary>
    public void Punctuate(PunctuationQueue.Schedule schedule, long now)
    {
        var savedMetadata = CurrentMetadata;
        long savedTimestamp = CurrentTimestamp;
        CurrentMetadata = null;
        CurrentTimestamp = now;
        try
        {
            schedule.Punctuator(now);
        }
        finally
        {
            CurrentMetadata = savedMetadata;
            CurrentTimestamp = savedTimestamp;
        }
    }

    /// <summary>A store this node may use, or a global store; fails like Kafka for anything else.</summary>
    public IStateStore GetStore(ProcessorNode node, string name)
    {
        if (node.StoreNames.Contains(name) && Stores.TryGetValue(name, out var store))
            return store;
        if (GlobalStores.TryGetValue(name, out var global))
            return global;
        throw new StreamsException($"Processor {node.Name} has no access to StateStore {name} as the store is not connected to the processor. " +
            "Connect it with Topology.AddStateStore or Topology.ConnectProcessorAndStateStores (or a supplier's Stores).");
    }

    // IStateStoreContext

    public string? StateDirectory => _environment.TaskDirectory(TaskId);

    public void Register(IStateStore store, IStateRestoreCallback restore)
    {
        string? changelog = _global
            ? _globalStoreTopics.GetValueOrDefault(store.Name)
            : IsLoggingEnabled(store.Name) ? ChangelogTopic(ApplicationId, store.Name) : null;
        _environment.OnStoreRegistered(TaskId, store, changelog, restore);
    }

    public bool IsLoggingEnabled(string storeName) =>
        !_global && _storeBuilders.TryGetValue(storeName, out var builder) && builder.LoggingEnabled;

    public void LogChange(string storeName, byte[] key, byte[]? value, long timestamp)
    {
        if (!IsLoggingEnabled(storeName))
            return;
        Collector.Send(ChangelogTopic(ApplicationId, storeName), TaskId.Partition, key, value, null, timestamp);
    }

    public long RecordTimestamp => CurrentTimestamp;

    /// <summary><c>&lt;application.id&gt;-&lt;store&gt;-changelog</c>.</summary>
    public static string ChangelogTopic(string applicationId, string storeName) => $"{applicationId}-{storeName}-changelog";
}
