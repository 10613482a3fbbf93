using System.Text;
using System.Text.Json;
using Samsa.Streams.Internals;
using Samsa.Streams.Processor;
using Samsa.Streams.State;

namespace Samsa.Streams.Tests.Runtime;

/// <summary>A hand-written topology model: one subtopology per entry, tasks from a factory.</summary>
internal sealed class TestModel(IReadOnlyList<SubtopologyModel> subtopologies, Func<TaskId, ITaskEnvironment, IStreamTask> factory,
    IReadOnlyList<InternalTopicModel>? repartition = null) : ITopologyModel
{
    public IReadOnlyList<SubtopologyModel> Subtopologies => subtopologies;
    public IReadOnlyList<GlobalStoreModel> GlobalStores => [];
    public IReadOnlyList<InternalTopicModel> RepartitionTopics => repartition ?? [];
    public IStreamTask CreateTask(TaskId id, ITaskEnvironment environment) => factory(id, environment);
    public IGlobalStateUpdater? CreateGlobalUpdater(ITaskEnvironment environment) => null;

    /// <summary><paramref name="input"/> → upper-cased values → <paramref name="output"/>.</summary>
    public static TestModel Uppercase(string input, string output, Func<string, bool>? fail = null) =>
        new([new SubtopologyModel(0, [input], null, [], [])], (id, env) => new UppercaseTask(id, env, output, fail));

    /// <summary>Counts per key in store <c>counts</c> (changelogged), writing <c>key → count</c> to <paramref name="output"/>.</summary>
    public static TestModel Counting(string input, string output, bool persistent = true) =>
        new([new SubtopologyModel(0, [input], null, [], [new StoreModel("counts", true, new Dictionary<string, string>())])],
            (id, env) => new CountingTask(id, env, output, persistent));
}

/// <summary>The queueing and offset bookkeeping shared by the test tasks (one record at a time, in arrival order).</summary>
internal abstract class QueueTask(TaskId id, ITaskEnvironment environment) : IStreamTask
{
    private readonly Queue<ConsumedRecord> _queue = new();
    private readonly Dictionary<TopicPartition, long> _offsets = new();

    public TaskId Id { get; } = id;
    protected ITaskEnvironment Environment { get; } = environment;
    public bool CommitRequested => false;
    public int QueuedRecords => _queue.Count;

    public virtual void Initialize() { }
    public void AddRecord(ConsumedRecord record) => _queue.Enqueue(record);

    public bool Process()
    {
        if (!_queue.TryDequeue(out var record)) return false;
        Handle(record);
        _offsets[new TopicPartition(record.Topic, record.Partition)] = record.Offset + 1;
        return true;
    }

    protected abstract void Handle(ConsumedRecord record);
    public bool MaybePunctuateStreamTime() => false;
    public bool MaybePunctuateSystemTime() => false;
    public IReadOnlyDictionary<TopicPartition, long> CommittableOffsets() => new Dictionary<TopicPartition, long>(_offsets);
    public virtual void Flush() { }
    public virtual void Close() { }
}

internal sealed class UppercaseTask(TaskId id, ITaskEnvironment environment, string output, Func<string, bool>? fail) : QueueTask(id, environment)
{
    protected override void Handle(ConsumedRecord record)
    {
        string value = Encoding.UTF8.GetString(record.Value ?? []);
        if (fail?.Invoke(value) == true) throw new InvalidOperationException($"Poison record '{value}'.");
        Environment.Collector.Send(output, record.Partition, record.Key, Encoding.UTF8.GetBytes(value.ToUpperInvariant()), record.Headers, record.Timestamp);
    }
}

/// <summary>Counts per key; the store writes its changelog and (when persistent) a JSON file on flush.</summary>
internal sealed class CountingTask(TaskId id, ITaskEnvironment environment, string output, bool persistent) : QueueTask(id, environment)
{
    private CountStore? _store;

    public CountStore Store => _store ?? throw new InvalidOperationException("Not initialised.");

    public override void Initialize()
    {
        _store = new CountStore("counts", persistent ? Environment.TaskDirectory(Id) : null);
        _store.Open();
        Environment.OnStoreRegistered(Id, _store, $"{Environment.ApplicationId}-counts-changelog", _store);
    }

    protected override void Handle(ConsumedRecord record)
    {
        string key = Encoding.UTF8.GetString(record.Key ?? []);
        long count = Store.Get(key) + 1;
        Store.Put(key, count);
        var keyBytes = Encoding.UTF8.GetBytes(key);
        var countBytes = Encoding.UTF8.GetBytes(count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Environment.Collector.Send($"{Environment.ApplicationId}-counts-changelog", Id.Partition, keyBytes, countBytes, null, record.Timestamp);
        Environment.Collector.Send(output, null, keyBytes, countBytes, null, record.Timestamp);
    }

    public override void Flush() => Store.Flush();
    public override void Close() => Store.Close();
}

/// <summary>A string → count store, optionally persisted as JSON in the task directory on flush; also its own restore callback.</summary>
internal sealed class CountStore(string name, string? directory) : IStateStore, IStateRestoreCallback, IReadOnlyKeyValueStore<string, long?>
{
    private readonly Dictionary<string, long> _counts = new(StringComparer.Ordinal);
    private readonly object _sync = new();
    private string? Path => directory is null ? null : System.IO.Path.Combine(directory, "counts.json");

    public string Name => name;
    public bool Persistent => directory is not null;
    public bool IsOpen { get; private set; }
    public int Restored { get; private set; }

    public void Init(IStateStoreContext context) => throw new NotSupportedException("The test task opens this store itself.");

    public void Open()
    {
        if (Path is { } path && File.Exists(path))
            foreach (var (k, v) in JsonSerializer.Deserialize<Dictionary<string, long>>(File.ReadAllText(path))!) _counts[k] = v;
        IsOpen = true;
    }

    public long Get(string key)
    {
        if (!IsOpen) Open();
        lock (_sync) return _counts.GetValueOrDefault(key);
    }

    public void Put(string key, long value)
    {
        lock (_sync) _counts[key] = value;
    }

    public void RestoreBatch(IReadOnlyList<KeyValuePair<byte[], byte[]?>> records)
    {
        if (!IsOpen) Open();
        lock (_sync)
        {
            foreach (var (key, value) in records)
            {
                string k = Encoding.UTF8.GetString(key);
                if (value is null) _counts.Remove(k);
                else _counts[k] = long.Parse(Encoding.UTF8.GetString(value), System.Globalization.CultureInfo.InvariantCulture);
                Restored++;
            }
        }
    }

    public void Flush()
    {
        if (Path is not { } path) return;
        lock (_sync) File.WriteAllText(path, JsonSerializer.Serialize(_counts));
    }

    public void Close()
    {
        Flush();
        IsOpen = false;
    }

    long? IReadOnlyKeyValueStore<string, long?>.Get(string key)
    {
        lock (_sync) return _counts.TryGetValue(key, out long v) ? v : null;
    }

    public IKeyValueIterator<string, long?> Range(string? from, string? to) => throw new NotSupportedException();
    public IKeyValueIterator<string, long?> ReverseRange(string? from, string? to) => throw new NotSupportedException();
    public IKeyValueIterator<string, long?> All() => throw new NotSupportedException();

    public long ApproximateNumEntries
    {
        get
        {
            lock (_sync) return _counts.Count;
        }
    }
}
