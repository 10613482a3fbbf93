using Samsa.Serialization;
using Samsa.Streams.Internals;
using Samsa.Streams.Internals.Building;
using Samsa.Streams.Internals.Engine;
using Samsa.Streams.Processor;
using Samsa.Streams.State;

namespace Samsa.Streams.Testing;

/// <summary>
/// Runs a <see cref="Topology"/> in memory, deterministically, without a broker (Kafka's <c>TopologyTestDriver</c>).
/// Every topic has one partition: each subtopology runs as task <c>&lt;id&gt;_0</c>. Piping a record processes it
/// to completion, including records written to repartition topics (and to any topic the topology also reads);
/// stream-time punctuations fire after each record. The wall clock starts at the given time (default: the Unix
/// epoch) and only moves through <see cref="AdvanceWallClockTime"/>, which fires wall-clock punctuations.
/// Everything written (sinks, repartition and changelog topics) can be read with <see cref="CreateOutputTopic{TKey, TValue}(string, IDeserializer{TKey}, IDeserializer{TValue})"/>.
/// </summary>
public sealed partial class TopologyTestDriver : IDisposable
{
    /// <summary>The application id used when the configuration has none (Kafka's).</summary>
    public const string DefaultApplicationId = "dummy-topology-test-driver-app-id";

    private readonly TopologyModel _model;
    private readonly ManualTimeProvider _time;
    private readonly Environment _environment;
    private readonly SortedDictionary<int, StreamTask> _tasks = [];
    private readonly GlobalStateUpdater? _globalUpdater;
    private readonly Dictionary<string, StreamTask> _taskByTopic = new(StringComparer.Ordinal);
    private readonly HashSet<string> _globalTopics = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<ConsumedRecord>> _outputs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _nextOffset = new(StringComparer.Ordinal);
    private readonly Queue<ConsumedRecord> _sent = new();
    private bool _disposed;

    /// <summary>Creates a driver for <paramref name="topology"/>.</summary>
    /// <param name="topology">The topology to run.</param>
    /// <param name="config">Settings (default serdes, application id, handlers); optional.</param>
    /// <param name="initialWallClockTime">The wall clock at start; default the Unix epoch.</param>
    public TopologyTestDriver(Topology topology, StreamsConfig? config = null, DateTimeOffset? initialWallClockTime = null)
    {
        config ??= new StreamsConfig();
        if (string.IsNullOrEmpty(config.ApplicationId))
            config.ApplicationId = DefaultApplicationId;
        _time = new ManualTimeProvider(initialWallClockTime ?? DateTimeOffset.UnixEpoch);
        _environment = new Environment(this, config, _time);
        _model = (TopologyModel)topology.Build(config);

        foreach (var global in _model.GlobalStores)
            _globalTopics.Add(global.SourceTopic);
        _globalUpdater = _model.CreateGlobalStateUpdater(_environment);
        _globalUpdater?.Initialize();

        foreach (var sub in _model.Subtopologies)
        {
            var task = _model.CreateStreamTask(new TaskId(sub.Id, 0), _environment);
            _tasks[sub.Id] = task;
            foreach (var topic in sub.SourceTopics)
                _taskByTopic[topic] = task;
            foreach (var topic in sub.RepartitionSourceTopics)
                _taskByTopic[$"{config.ApplicationId}-{topic}"] = task;
        }
        foreach (var task in _tasks.Values)
            task.Initialize();
        Drain();
    }

    /// <summary>The application id in use.</summary>
    public string ApplicationId => _environment.ApplicationId;

    /// <summary>Topics written to so far (outputs, repartition and changelog topics).</summary>
    public IReadOnlySet<string> ProducedTopicNames => _outputs.Keys.ToHashSet(StringComparer.Ordinal);

    /// <summary>An input topic writing keys and values with the given serializers, starting at the driver's wall clock.</summary>
    public TestInputTopic<TKey, TValue> CreateInputTopic<TKey, TValue>(string topic, ISerializer<TKey> keySerializer, ISerializer<TValue> valueSerializer) =>
        CreateInputTopic(topic, keySerializer, valueSerializer, _time.GetUtcNow(), TimeSpan.Zero);

    /// <summary>An input topic whose records without timestamp start at <paramref name="startTimestamp"/> and advance by <paramref name="autoAdvance"/>.</summary>
    public TestInputTopic<TKey, TValue> CreateInputTopic<TKey, TValue>(string topic, ISerializer<TKey> keySerializer, ISerializer<TValue> valueSerializer,
        DateTimeOffset startTimestamp, TimeSpan autoAdvance) =>
        new(this, topic, keySerializer, valueSerializer, startTimestamp.ToUnixTimeMilliseconds(), autoAdvance);

    /// <summary>An input topic using the serializers of two serdes.</summary>
    public TestInputTopic<TKey, TValue> CreateInputTopic<TKey, TValue>(string topic, ISerde<TKey> keySerde, ISerde<TValue> valueSerde) =>
        CreateInputTopic(topic, keySerde.Serializer, valueSerde.Serializer);

    /// <summary>An output topic reading with the given deserializers.</summary>
    public TestOutputTopic<TKey, TValue> CreateOutputTopic<TKey, TValue>(string topic, IDeserializer<TKey> keyDeserializer, IDeserializer<TValue> valueDeserializer) =>
        new(this, topic, keyDeserializer, valueDeserializer);

    /// <summary>An output topic using the deserializers of two serdes.</summary>
    public TestOutputTopic<TKey, TValue> CreateOutputTopic<TKey, TValue>(string topic, ISerde<TKey> keySerde, ISerde<TValue> valueSerde) =>
        CreateOutputTopic(topic, keySerde.Deserializer, valueSerde.Deserializer);

    /// <summary>Moves the wall clock, fires due wall-clock punctuations and processes what they produce.</summary>
    public void AdvanceWallClockTime(TimeSpan advance)
    {
        ThrowIfDisposed();
        _time.Advance(advance);
        foreach (var task in _tasks.Values)
        {
            task.MaybePunctuateSystemTime();
            Drain();
        }
        ProcessAll();
    }

    /// <summary>A store by name (task stores first, then global stores); null when there is none.</summary>
    public IStateStore? GetStateStore(string name)
    {
        foreach (var task in _tasks.Values)
        {
            if (task.Context.Stores.TryGetValue(name, out var store))
                return store;
        }
        return FindGlobal(name);
    }

    /// <summary>
    /// A key-value store by name, or null. A timestamped store (a KTable's) is returned as a plain view of its values,
    /// as Kafka's driver does.
    /// </summary>
    public IKeyValueStore<TKey, TValue>? GetKeyValueStore<TKey, TValue>(string name) => GetStateStore(name) switch
    {
        IKeyValueStore<TKey, TValue> plain => plain,
        IKeyValueStore<TKey, ValueAndTimestamp<TValue>> timestamped => new KeyValueStoreFacade<TKey, TValue>(timestamped),
        _ => null,
    };

    /// <summary>A timestamped key-value store (what KTables materialize) by name, or null.</summary>
    public IKeyValueStore<TKey, ValueAndTimestamp<TValue>>? GetTimestampedKeyValueStore<TKey, TValue>(string name) =>
        GetStateStore(name) as IKeyValueStore<TKey, ValueAndTimestamp<TValue>>;

    /// <summary>A window store by name, or null.</summary>
    public IWindowStore<TKey, TValue>? GetWindowStore<TKey, TValue>(string name) => GetStateStore(name) as IWindowStore<TKey, TValue>;

    /// <summary>A session store by name, or null.</summary>
    public ISessionStore<TKey, TValue>? GetSessionStore<TKey, TValue>(string name) => GetStateStore(name) as ISessionStore<TKey, TValue>;

    /// <summary>Closes tasks and stores and deletes the driver's state directory.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        foreach (var task in _tasks.Values)
            task.Close();
        _globalUpdater?.Close();
        _environment.DeleteStateDirectory();
    }

    internal Queue<ConsumedRecord> OutputQueue(string topic)
    {
        if (!_outputs.TryGetValue(topic, out var queue))
        {
            queue = new Queue<ConsumedRecord>();
            _outputs[topic] = queue;
        }
        return queue;
    }

    internal void Pipe(string topic, byte[]? key, byte[]? value, long timestamp, Headers? headers)
    {
        ThrowIfDisposed();
        if (!Route(topic, key, value, timestamp, headers))
            throw new ArgumentException($"Unknown topic: {topic}", nameof(topic));
        ProcessAll();
    }

    private bool Route(string topic, byte[]? key, byte[]? value, long timestamp, Headers? headers)
    {
        if (!_globalTopics.Contains(topic) && FindTask(topic) is null)
            return false;
        Route(new ConsumedRecord(topic, 0, NextOffset(topic), timestamp, key, value, headers));
        return true;
    }

    private void Route(ConsumedRecord record)
    {
        if (_globalTopics.Contains(record.Topic))
            _globalUpdater!.Update(record);
        FindTask(record.Topic)?.AddRecord(record);
    }

    private long NextOffset(string topic)
    {
        long offset = _nextOffset.GetValueOrDefault(topic);
        _nextOffset[topic] = offset + 1;
        return offset;
    }

    private StreamTask? FindTask(string topic)
    {
        if (_taskByTopic.TryGetValue(topic, out var task))
            return task;
        foreach (var sub in _model.Subtopologies)
        {
            if (sub.SourcePattern is { } pattern && pattern.Match(topic) is { Success: true } m && m.Index == 0 && m.Length == topic.Length)
                return _tasks[sub.Id];
        }
        return null;
    }

    private void ProcessAll()
    {
        bool progress = true;
        while (progress)
        {
            progress = false;
            foreach (var task in _tasks.Values)
            {
                while (task.Process())
                {
                    progress = true;
                    task.MaybePunctuateStreamTime();
                    Drain();
                }
            }
        }
    }

    /// <summary>Moves sent records to the output queues and feeds those of topics the topology reads back in.</summary>
    private void Drain()
    {
        while (_sent.TryDequeue(out var record))
        {
            OutputQueue(record.Topic).Enqueue(record);
            Route(record);
        }
    }

    private IStateStore? FindGlobal(string name) => _model.GlobalStateStores.TryGetValue(name, out var store) ? store : null;

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);
}
