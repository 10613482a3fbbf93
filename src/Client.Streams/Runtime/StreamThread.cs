using Microsoft.Extensions.Logging;
using Samsa.Consumer;
using Samsa.Producer;
using Samsa.Streams.Internals;
using Samsa.Streams.Processor;

namespace Samsa.Streams.Runtime;

/// <summary>The life cycle of one stream thread.</summary>
internal enum StreamThreadState
{
    Created,
    /// <summary>Joining the group, or restoring newly assigned tasks.</summary>
    Rebalancing,
    Running,
    PendingShutdown,
    Dead,
}

/// <summary>
/// One stream thread (Kafka's <c>StreamThread</c>): a group consumer, a producer (transactional under exactly-once),
/// a restore consumer and the tasks the group assigned to it. The poll loop adds fetched records to tasks,
/// processes them round-robin, punctuates and commits every <c>commit.interval.ms</c>. Rebalance callbacks run on
/// the consumer's group task and take the same gate as a loop iteration, so tasks are only touched by one party at
/// a time; the loop does not hold the gate while it waits for records.
/// </summary>
internal sealed partial class StreamThread : IAsyncDisposable
{
    private readonly RuntimeContext _context;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly RecordCollector _collector;
    private readonly TaskEnvironment _environment;
    private readonly Dictionary<TaskId, TaskEntry> _tasks = new();
    private readonly Dictionary<TopicPartition, TaskId> _partitionTasks = new();
    private KafkaConsumer<byte[]?, byte[]?>? _consumer;
    private KafkaConsumer<byte[]?, byte[]?>? _restoreConsumer;
    private IKafkaProducer<byte[]?, byte[]?>? _producer;
    private Task? _loop;
    private long _lastCommit;
    private bool _inTransaction;
    private bool _abandon;
    private readonly object _stateLock = new();
    private int _state;

    public StreamThread(RuntimeContext context, int index)
    {
        _context = context;
        Index = index;
        Name = $"{context.ApplicationId}-{context.ProcessId}-StreamThread-{index + 1}";
        _logger = context.LoggerFactory.CreateLogger("Samsa.Streams.StreamThread");
        _collector = new RecordCollector(PartitionCount, BeginTransactionIfNeeded);
        _environment = new TaskEnvironment(context, _collector, OnStoreRegistered);
    }

    /// <summary>The thread's index (it names the transactional id <c>&lt;application.id&gt;-&lt;processId&gt;-&lt;index&gt;</c>).</summary>
    public int Index { get; }

    public string Name { get; }

    /// <summary>Test hook: while true the loop processes but never commits (so a crash can be simulated mid-transaction).</summary>
    internal bool PauseCommitsForTest { get; set; }

    public StreamThreadState State => (StreamThreadState)Volatile.Read(ref _state);

    /// <summary>Raised after every state change (on whichever thread made it).</summary>
    public event Action<StreamThread>? StateChanged;

    /// <summary>Raised once when the loop died of an exception (after the tasks were closed).</summary>
    public event Action<StreamThread, Exception>? Failed;

    /// <summary>The loop; completes when the thread is dead.</summary>
    public Task Completion => _loop ?? Task.CompletedTask;

    private bool ExactlyOnce => _context.Config.ExactlyOnce;

    public void Start()
    {
        var config = _context.Config;
        string clientId = Name;
        _consumer = new ConsumerBuilder<byte[]?, byte[]?>(ClientConfigs.Consumer(config, ClientConfigs.ConsumerRole.Main, clientId + "-consumer"))
            .SetAssignors([new StreamsPartitionAssignor(_context.Topology, _context.ProcessId)])
            .SetRebalanceHandlers(new RebalanceHandlers { Assigned = OnAssignedAsync, Revoked = OnRevokedAsync, Lost = OnLostAsync })
            .SetLoggerFactory(_context.LoggerFactory)
            .SetTimeProvider(_context.Time)
            .Build();
        _restoreConsumer = new ConsumerBuilder<byte[]?, byte[]?>(ClientConfigs.Consumer(config, ClientConfigs.ConsumerRole.Restore, clientId + "-restore-consumer"))
            .SetLoggerFactory(_context.LoggerFactory)
            .SetTimeProvider(_context.Time)
            .Build();
        CreateProducer();
        SetState(StreamThreadState.Rebalancing);
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Asks the loop to finish: commit, close tasks cleanly, leave the group.</summary>
    public void RequestShutdown()
    {
        if (State is StreamThreadState.Dead) return;
        SetState(StreamThreadState.PendingShutdown);
        _stop.Cancel();
    }

    /// <summary>Test hook: stops as if the process died (no commit, no abort, no checkpoint).</summary>
    internal void Abandon()
    {
        _abandon = true;
        _stop.Cancel();
    }

    public async ValueTask DisposeAsync()
    {
        RequestShutdown();
        try
        {
            await Completion.ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Reported through Failed.
        }
        _stop.Dispose();
        _gate.Dispose();
    }

    private void CreateProducer()
    {
        string? transactionalId = ExactlyOnce ? $"{_context.ApplicationId}-{_context.ProcessId}-{Index}" : null;
        _producer = new ProducerBuilder<byte[]?, byte[]?>(ClientConfigs.Producer(_context.Config, Name + "-producer", transactionalId))
            .SetLoggerFactory(_context.LoggerFactory)
            .SetTimeProvider(_context.Time)
            .Build();
        _collector.Producer = _producer;
        _inTransaction = false;
    }

    private async Task RunAsync()
    {
        var consumer = _consumer!;
        Exception? failure = null;
        try
        {
            if (ExactlyOnce) await _producer!.InitTransactionsAsync(_stop.Token).ConfigureAwait(false);
            consumer.Subscribe(_context.Topology.AllSourceTopics);
            _lastCommit = _context.Time.GetTimestamp();
            while (!_stop.IsCancellationRequested)
            {
                var batch = await PollAsync(consumer).ConfigureAwait(false);
                await _gate.WaitAsync().ConfigureAwait(false);
                try
                {
                    await RunOnceAsync(batch).ConfigureAwait(false);
                }
                catch (Exception e) when (IsTaskMigrated(e))
                {
                    Log.TaskMigrated(_logger, e, Name);
                    await RecoverDirtyAsync().ConfigureAwait(false);
                }
                finally
                {
                    _gate.Release();
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Shutdown requested.
        }
        catch (Exception e)
        {
            failure = e;
            Log.ThreadFailed(_logger, e, Name);
        }
        await ShutdownAsync(failure).ConfigureAwait(false);
        SetState(StreamThreadState.Dead);
        if (failure is not null) Failed?.Invoke(this, failure);
    }

    private async Task<IReadOnlyList<ConsumeResult<byte[]?, byte[]?>>> PollAsync(KafkaConsumer<byte[]?, byte[]?> consumer)
    {
        // Restoring tasks need the loop, not the wait; otherwise wait up to poll.ms for records.
        int waitMs = HasPendingRestore ? 1 : Math.Max(1, _context.Config.PollMs);
        using var poll = new CancellationTokenSource(TimeSpan.FromMilliseconds(waitMs), _context.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(poll.Token, _stop.Token);
        try
        {
            return await consumer.ConsumeBatchAsync(0, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!_stop.IsCancellationRequested)
        {
            return [];
        }
    }

    private async Task RunOnceAsync(IReadOnlyList<ConsumeResult<byte[]?, byte[]?>> batch)
    {
        await RestorePendingAsync().ConfigureAwait(false);
        foreach (var record in batch)
        {
            if (!_partitionTasks.TryGetValue(record.TopicPartition, out var id) || !_tasks.TryGetValue(id, out var entry)) continue;
            // A record before one already queued would be processed twice: never hand it to the task.
            if (entry.NextOffsets.TryGetValue(record.TopicPartition, out long next) && record.Offset < next)
            {
                Log.DuplicateRecordSkipped(_logger, Name, record.Topic, record.Partition, record.Offset, next);
                continue;
            }
            entry.NextOffsets[record.TopicPartition] = record.Offset + 1;
            entry.Task.AddRecord(new ConsumedRecord(record.Topic, record.Partition, record.Offset, record.Timestamp, record.Key, record.Value,
                record.Headers.Count > 0 ? record.Headers : null));
        }
        var running = _tasks.Values.Where(t => t.IsRestored).ToList();
        long commitInterval = _context.Config.EffectiveCommitIntervalMs;
        for (bool any = true; any;)
        {
            any = false;
            foreach (var entry in running) any |= entry.Task.Process();
            if (_context.Time.GetElapsedTime(_lastCommit).TotalMilliseconds >= commitInterval) break;
        }
        bool commitRequested = false;
        foreach (var entry in running)
        {
            entry.Task.MaybePunctuateStreamTime();
            entry.Task.MaybePunctuateSystemTime();
            commitRequested |= entry.Task.CommitRequested;
        }
        if (PauseCommitsForTest) return;
        if (commitRequested || _context.Time.GetElapsedTime(_lastCommit).TotalMilliseconds >= commitInterval)
            await CommitAsync().ConfigureAwait(false);
    }

    private int? PartitionCount(string topic)
    {
        if (_producer is KafkaProducer<byte[]?, byte[]?> producer && producer.Cluster.Metadata.Topics.TryGetValue(topic, out var t) && t.Partitions.Count > 0)
            return t.Partitions.Count;
        foreach (var (sub, topics) in _context.Topology.Sources)
            if (topics.Contains(topic)) return _context.Topology.TaskCounts[sub];
        return null;
    }

    private void SetState(StreamThreadState state)
    {
        StreamThreadState old;
        lock (_stateLock)
        {
            old = (StreamThreadState)_state;
            // Dead is final; once shutting down, only Dead follows.
            if (old == state || old == StreamThreadState.Dead || (old == StreamThreadState.PendingShutdown && state != StreamThreadState.Dead)) return;
            Volatile.Write(ref _state, (int)state);
        }
        Log.ThreadStateChanged(_logger, Name, old, state);
        StateChanged?.Invoke(this);
    }
}
