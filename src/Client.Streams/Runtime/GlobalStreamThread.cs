using Microsoft.Extensions.Logging;
using Samsa.Consumer;
using Samsa.Streams.Internals;
using Samsa.Streams.Processor;

namespace Samsa.Streams.Runtime;

/// <summary>
/// Kafka's <c>GlobalStreamThread</c>: reads every partition of every global topic with a consumer outside the group.
/// <see cref="StartAsync"/> bootstraps each partition to its end offset (from the <c>global/.checkpoint</c> offsets of
/// persistent stores, else from the beginning on wiped state) before stream threads start; then a loop keeps the
/// stores up to date, flushing and checkpointing every <c>commit.interval.ms</c>.
/// </summary>
internal sealed class GlobalStreamThread : IAsyncDisposable
{
    private static readonly TaskId GlobalTask = new(-1, -1);
    private readonly RuntimeContext _context;
    private readonly ILogger _logger;
    private readonly IReadOnlyList<string> _topics;
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<TopicPartition, long> _positions = new();
    private readonly List<RegisteredStore> _stores = [];
    private readonly IGlobalStateUpdater _updater;
    private KafkaConsumer<byte[]?, byte[]?>? _consumer;
    private Task? _loop;
    private long _lastFlush;

    public GlobalStreamThread(RuntimeContext context, IReadOnlyList<string> topics)
    {
        _context = context;
        _topics = topics;
        _logger = context.LoggerFactory.CreateLogger("Samsa.Streams.GlobalStreamThread");
        var collector = new RecordCollector(_ => null, () => throw new InvalidOperationException("Global stores are read-only: they are written only from their topics."));
        var environment = new TaskEnvironment(context, collector, (_, store) => _stores.Add(store));
        _updater = context.Topology.Model.CreateGlobalUpdater(environment)
            ?? throw new InvalidOperationException("The topology has global stores but no global updater.");
    }

    /// <summary>The registered global stores (for interactive queries).</summary>
    public IReadOnlyList<RegisteredStore> Stores => _stores;

    /// <summary>Raised when the update loop fails.</summary>
    public event Action<Exception>? Failed;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var dir = _context.StateDirectory;
        if (!dir.HasCheckpoint(GlobalTask)) dir.Wipe(GlobalTask);
        var checkpoint = dir.ReadCheckpoint(GlobalTask);
        _updater.Initialize();
        bool persistent = _stores.Count > 0 && _stores.All(s => s.Store.Persistent);
        _consumer = new ConsumerBuilder<byte[]?, byte[]?>(ClientConfigs.Consumer(_context.Config, ClientConfigs.ConsumerRole.Global,
                $"{_context.ApplicationId}-{_context.ProcessId}-global-consumer"))
            .SetLoggerFactory(_context.LoggerFactory)
            .SetTimeProvider(_context.Time)
            .Build();
        var metadata = await _consumer.Cluster.RefreshMetadataAsync(_topics, cancellationToken).ConfigureAwait(false);
        var assignment = new List<TopicPartitionOffset>();
        var ends = new Dictionary<TopicPartition, long>();
        foreach (var topic in _topics)
        {
            if (!metadata.Topics.TryGetValue(topic, out var t)) throw new StreamsException($"Global topic '{topic}' does not exist.");
            foreach (int p in t.Partitions.Keys.Order())
            {
                var tp = new TopicPartition(topic, p);
                long start = persistent && checkpoint.TryGetValue(tp, out long o) ? o : Offsets.Beginning;
                assignment.Add(new TopicPartitionOffset(topic, p, start));
                var (_, high) = await _consumer.QueryWatermarkOffsetsAsync(tp, cancellationToken).ConfigureAwait(false);
                ends[tp] = high;
            }
        }
        _consumer.Assign(assignment);
        // Bootstrap: catch up to the end offsets seen at start.
        int idle = 0;
        while (ends.Any(kv => _positions.GetValueOrDefault(kv.Key, -1) < kv.Value) && idle < 4)
        {
            int applied = await PollOnceAsync(500, cancellationToken).ConfigureAwait(false);
            if (applied > 0) continue;
            bool done = true;
            foreach (var (tp, end) in ends)
            {
                long position = await _consumer.PositionAsync(tp, cancellationToken).ConfigureAwait(false);
                if (position < end) done = false;
                else _positions[tp] = Math.Max(_positions.GetValueOrDefault(tp), position);
            }
            if (done) break;
            idle++;
        }
        FlushAndCheckpoint();
        Log.GlobalBootstrapped(_logger, string.Join(", ", _topics), _positions.Count);
        _loop = Task.Run(RunAsync, CancellationToken.None);
    }

    private async Task RunAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                await PollOnceAsync(Math.Max(1, _context.Config.PollMs), _stop.Token).ConfigureAwait(false);
                if (_context.Time.GetElapsedTime(_lastFlush).TotalMilliseconds >= _context.Config.EffectiveCommitIntervalMs) FlushAndCheckpoint();
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Closing.
        }
        catch (Exception e)
        {
            Log.GlobalThreadFailed(_logger, e);
            Failed?.Invoke(e);
        }
    }

    private async Task<int> PollOnceAsync(int waitMs, CancellationToken cancellationToken)
    {
        IReadOnlyList<ConsumeResult<byte[]?, byte[]?>> batch;
        using (var poll = new CancellationTokenSource(TimeSpan.FromMilliseconds(waitMs), _context.Time))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(poll.Token, cancellationToken, _stop.Token))
        {
            try
            {
                batch = await _consumer!.ConsumeBatchAsync(0, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && !_stop.IsCancellationRequested)
            {
                return 0;
            }
        }
        foreach (var record in batch)
        {
            _updater.Update(new ConsumedRecord(record.Topic, record.Partition, record.Offset, record.Timestamp, record.Key, record.Value,
                record.Headers.Count > 0 ? record.Headers : null));
            _positions[record.TopicPartition] = record.Offset + 1;
        }
        return batch.Count;
    }

    private void FlushAndCheckpoint()
    {
        _updater.Flush();
        if (_stores.Any(s => s.Store.Persistent) && _positions.Count > 0) _context.StateDirectory.WriteCheckpoint(GlobalTask, _positions);
        _lastFlush = _context.Time.GetTimestamp();
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        if (_loop is not null) await _loop.ConfigureAwait(false);
        try
        {
            if (_consumer is not null) FlushAndCheckpoint();
            _updater.Close();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Log.GlobalThreadFailed(_logger, e);
        }
        if (_consumer is not null) await _consumer.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }
}
