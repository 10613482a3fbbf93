using Samsa.Streams.Processor;
using Samsa.Streams.State;

namespace Samsa.Streams.Internals.Engine;

/// <summary>
/// One subtopology on one partition number: per-partition record queues drained in timestamp order (Kafka's
/// PartitionGroup), stream time, punctuation, and the processor graph with its stores.
/// </summary>
internal sealed class StreamTask : IStreamTask
{
    private readonly ProcessorGraph _graph;
    private readonly TaskContext _context;
    private readonly bool _continueOnDeserializationError;
    private readonly Dictionary<TopicPartition, PartitionQueue> _queues = [];
    private readonly List<PartitionQueue> _queueOrder = [];
    private readonly Dictionary<TopicPartition, long> _consumed = [];
    private bool _initialized;
    private bool _closed;

    public StreamTask(TaskId id, ITaskEnvironment environment, ProcessorGraph graph, IReadOnlyDictionary<string, IStateStore>? globalStores = null)
    {
        Id = id;
        _graph = graph;
        _context = new TaskContext(id, environment, graph.StoreBuilders, global: false)
        {
            GlobalStores = globalStores ?? new Dictionary<string, IStateStore>(),
        };
        _continueOnDeserializationError = DeserializationHandling.ContinueOnError(environment.Config);
    }

    public TaskId Id { get; }

    /// <summary>The task's context (stores, stream time); for the test driver.</summary>
    internal TaskContext Context => _context;

    public bool CommitRequested => _context.CommitRequested;

    public int QueuedRecords
    {
        get
        {
            int total = 0;
            foreach (var queue in _queueOrder)
                total += queue.Count;
            return total;
        }
    }

    /// <summary>Stream time (largest timestamp processed), -1 before the first record.</summary>
    public long StreamTime => _context.StreamTime;

    public void Initialize()
    {
        if (_initialized)
            return;
        foreach (var builder in _graph.StoreBuilders.Values)
        {
            var store = builder is IConfigurableStoreBuilder configurable ? configurable.Build(_context.Config) : builder.Build();
            _context.Stores[builder.Name] = store;
            store.Init(_context);
        }
        foreach (var node in _graph.Nodes)
            node.Init(_context);
        _initialized = true;
    }

    public void AddRecord(ConsumedRecord record)
    {
        var tp = new TopicPartition(record.Topic, record.Partition);
        if (!_queues.TryGetValue(tp, out var queue))
        {
            if (_graph.SourceFor(record.Topic) is null)
                throw new StreamsException($"Task {Id} has no source for topic {record.Topic}.");
            queue = new PartitionQueue(tp);
            _queues[tp] = queue;
            _queueOrder.Add(queue);
        }
        queue.Enqueue(record);
    }

    public bool Process()
    {
        EnsureOpen();
        PartitionQueue? next = null;
        foreach (var queue in _queueOrder)
        {
            if (queue.Count > 0 && (next is null || queue.HeadTimestamp < next.HeadTimestamp))
                next = queue;
        }
        if (next is null)
            return false;

        var raw = next.Dequeue();
        _consumed[next.Partition] = raw.Offset;
        var source = _graph.SourceFor(raw.Topic)!;
        Record<object?, object?> record;
        try
        {
            record = source.Deserialize(raw);
        }
        catch (Exception e) when (e is not StreamsException)
        {
            if (_continueOnDeserializationError)
            {
                EngineLog.SkippedRecord(_context.Environment, Id, raw, e);
                return true;
            }
            throw new StreamsException(
                $"Deserialization exception handler is set to fail upon a deserialization error. Failed on topic {raw.Topic} partition {raw.Partition} offset {raw.Offset}.", e);
        }
        if (raw.Timestamp < 0)
            throw new StreamsException($"Input record {raw.Topic}-{raw.Partition}@{raw.Offset} has invalid (negative) timestamp {raw.Timestamp}.");

        if (raw.Timestamp > _context.StreamTime)
            _context.StreamTime = raw.Timestamp;
        _context.CurrentMetadata = new RecordMetadata(raw.Topic, raw.Partition, raw.Offset);
        _context.CurrentTimestamp = raw.Timestamp;
        _context.CurrentHeaders = raw.Headers;
        try
        {
            source.Process(record);
        }
        catch (Exception e) when (e is not StreamsException)
        {
            // Kafka's wording, so operators recognise it.
            throw new StreamsException(
                $"Exception caught in process. taskId={Id}, processor={source.Name}, topic={raw.Topic}, partition={raw.Partition}, offset={raw.Offset}: {e.Message}", e);
        }
        finally
        {
            _context.CurrentMetadata = null;
        }
        return true;
    }

    public bool MaybePunctuateStreamTime()
    {
        EnsureOpen();
        long streamTime = _context.StreamTime;
        return streamTime >= 0 && _context.StreamTimePunctuations.MayPunctuate(streamTime, Punctuate);
    }

    public bool MaybePunctuateSystemTime()
    {
        EnsureOpen();
        return _context.WallClockPunctuations.MayPunctuate(_context.WallClockMs, Punctuate);
    }

    private void Punctuate(PunctuationQueue.Schedule schedule, long now)
    {
        try
        {
            _context.Punctuate(schedule, now);
        }
        catch (Exception e) when (e is not StreamsException)
        {
            throw new StreamsException($"Exception caught while punctuating in task {Id} at {now}: {e.Message}", e);
        }
    }

    public IReadOnlyDictionary<TopicPartition, long> CommittableOffsets()
    {
        _context.CommitRequested = false;
        var offsets = new Dictionary<TopicPartition, long>(_consumed.Count);
        foreach (var (tp, offset) in _consumed)
            offsets[tp] = offset + 1;
        return offsets;
    }

    public void Flush()
    {
        foreach (var store in _context.Stores.Values)
            store.Flush();
    }

    public void Close()
    {
        if (_closed)
            return;
        _closed = true;
        if (!_initialized)
            return;
        foreach (var node in _graph.Nodes)
            node.Close();
        foreach (var store in _context.Stores.Values)
        {
            store.Flush();
            store.Close();
        }
    }

    private void EnsureOpen()
    {
        if (!_initialized)
            throw new InvalidOperationException($"Task {Id} is not initialized.");
        if (_closed)
            throw new InvalidOperationException($"Task {Id} is closed.");
    }

    private sealed class PartitionQueue(TopicPartition partition)
    {
        private readonly Queue<ConsumedRecord> _records = new();

        public TopicPartition Partition => partition;

        public int Count => _records.Count;

        public long HeadTimestamp => _records.Peek().Timestamp;

        public void Enqueue(ConsumedRecord record) => _records.Enqueue(record);

        public ConsumedRecord Dequeue() => _records.Dequeue();
    }
}

/// <summary>The nodes of one task in initialization order, its sources by topic and its stores.</summary>
internal sealed class ProcessorGraph(IReadOnlyList<ProcessorNode> nodes, IReadOnlyDictionary<string, SourceNode> sourcesByTopic,
    IReadOnlyList<(System.Text.RegularExpressions.Regex Pattern, SourceNode Source)> patternSources, IReadOnlyDictionary<string, IStoreBuilder> storeBuilders)
{
    public IReadOnlyList<ProcessorNode> Nodes => nodes;

    public IReadOnlyDictionary<string, IStoreBuilder> StoreBuilders => storeBuilders;

    /// <summary>The source reading <paramref name="topic"/> (an actual topic name, internal topics prefixed), or null.</summary>
    public SourceNode? SourceFor(string topic)
    {
        if (sourcesByTopic.TryGetValue(topic, out var source))
            return source;
        foreach (var (pattern, patternSource) in patternSources)
        {
            var match = pattern.Match(topic);
            if (match.Success && match.Index == 0 && match.Length == topic.Length)
                return patternSource;
        }
        return null;
    }
}

/// <summary><c>default.deserialization.exception.handler</c>: log-and-fail (default) or log-and-continue.</summary>
internal static class DeserializationHandling
{
    /// <summary>The setting's Kafka name.</summary>
    public const string ConfigName = "default.deserialization.exception.handler";

    public static bool ContinueOnError(StreamsConfig config) =>
        config.Extra.TryGetValue(ConfigName, out var handler) && handler.Contains("LogAndContinue", StringComparison.OrdinalIgnoreCase);
}
