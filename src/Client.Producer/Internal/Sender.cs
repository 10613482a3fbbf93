using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Samsa.Client;

namespace Samsa.Producer.Internal;

/// <summary>
/// The producer's background loop (Kafka's Sender): drains ready batches from the accumulator, groups them per leader
/// into one ProduceRequest per broker (one batch per partition), sends them pipelined (up to
/// <c>max.in.flight.requests.per.connection</c> per broker) and handles responses: success, retries with backoff within
/// <c>delivery.timeout.ms</c>, splits, per-record errors and the idempotence bookkeeping.
/// </summary>
internal sealed partial class Sender : IAsyncDisposable
{
    private readonly ProducerOptions _options;
    private readonly KafkaCluster _cluster;
    private readonly RecordAccumulator _accumulator;
    private readonly TopicRegistry _topics;
    private readonly IDeliverySink _sink;
    private readonly TransactionManager? _transactions;
    private readonly ProducerMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly WakeupSignal _signal;
    private readonly CancellationTokenSource _forceStop = new();
    private readonly Dictionary<int, int> _brokerInFlight = [];
    private readonly Dictionary<int, List<ProducerBatch>> _drained = [];
    private readonly Dictionary<int, int> _drainedBytes = [];
    private readonly List<PartitionQueue> _toAdd = [];
    private readonly short _acks;
    private readonly bool _idempotent;
    private readonly long _lingerTicks;
    private readonly long _deliveryTimeoutTicks;
    private Task? _loop;
    private int _flushRequests;
    private volatile bool _closing;
    private int _inFlightBatches;
    private long _lastLoadUpdate;
    private int[] _loadSizes = new int[64];

    /// <summary>Set for adaptive partitioning (KIP-794): the sender reports per-partition queue lengths to it.</summary>
    public StickyPartitioner? AdaptiveSticky { get; init; }

    public Sender(ProducerOptions options, KafkaCluster cluster, RecordAccumulator accumulator, TopicRegistry topics, IDeliverySink sink,
        TransactionManager? transactions, ProducerMetrics metrics, ILogger logger, TimeProvider time)
    {
        _options = options;
        _cluster = cluster;
        _accumulator = accumulator;
        _topics = topics;
        _sink = sink;
        _transactions = transactions;
        _metrics = metrics;
        _logger = logger;
        _time = time;
        _signal = new WakeupSignal();
        _acks = options.AcksValue;
        _idempotent = options.Idempotent;
        _lingerTicks = MsToTicks(options.LingerMs);
        _deliveryTimeoutTicks = MsToTicks(options.DeliveryTimeoutMs);
    }

    /// <summary>The current producer id and epoch (idempotent producers), or (-1, -1).</summary>
    public ProducerIdAndEpoch ProducerIdentity { get; private set; } = ProducerIdAndEpoch.None;

    /// <summary>Wakes the loop (new batch, full batch, flush).</summary>
    public void Wake() => _signal.Set();

    /// <summary>
    /// Starts the sender on a thread of its own, as the Java client's network thread: it parks in the kernel between
    /// passes, so a wakeup per batch costs one thread switch rather than a thread-pool worker that then spins for work.
    /// </summary>
    public void Start()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _loop = done.Task;
        new Thread(() =>
        {
            try
            {
                Run();
                done.TrySetResult();
            }
            catch (Exception e)
            {
                done.TrySetException(e);
            }
        }) { IsBackground = true, Name = "samsa-producer-sender" }.Start();
    }

    /// <summary>Makes every batch ready now until <see cref="EndFlush"/>.</summary>
    public void BeginFlush()
    {
        Interlocked.Increment(ref _flushRequests);
        _signal.Set();
    }

    public void EndFlush() => Interlocked.Decrement(ref _flushRequests);

    /// <summary>Sends everything that is left, then stops; <paramref name="timeout"/> bounds the wait, after which the rest fails.</summary>
    public async ValueTask CloseAsync(TimeSpan timeout)
    {
        _closing = true;
        _signal.Set();
        if (_loop is null) return;
        if (await Task.WhenAny(_loop, Task.Delay(timeout, _time)).ConfigureAwait(false) != _loop)
        {
            _forceStop.Cancel();
            _signal.Set();
            try
            {
                await _loop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
        FailAll(new KafkaException(Protocol.ErrorCode.UnknownServerError, "The producer was closed before the record was sent.", isRetriable: false));
    }

    public async ValueTask DisposeAsync()
    {
        await CloseAsync(TimeSpan.Zero).ConfigureAwait(false);
        await StopSlotsAsync().ConfigureAwait(false);
        _forceStop.Dispose();
    }

    private void Run()
    {
        var token = _forceStop.Token;
        while (!token.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                // The few network waits of this thread (producer id, transaction partitions) block it, as they do Java's.
                if (_idempotent && !EnsureProducerIdAsync(token).AsTask().GetAwaiter().GetResult())
                {
                    wait = TimeSpan.FromMilliseconds(_options.RetryBackoffMs);
                }
                else
                {
                    if (_transactions is not null)
                    {
                        _transactions.AddPartitionsIfNeededAsync(_toAdd, token).AsTask().GetAwaiter().GetResult();
                        // Like Java's Sender: once the transaction can only be aborted, queued batches fail at once.
                        if (_transactions.HasAbortableError) FailAll(_transactions.FailureForPendingBatches());
                    }
                    wait = RunOnce();
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                Log.SenderError(_logger, e);
                wait = TimeSpan.FromMilliseconds(_options.RetryBackoffMs);
            }
            if (_closing && _accumulator.IncompleteBatches == 0) break;
            _signal.Wait(wait);
        }
    }

    /// <summary>One pass: expire, drain ready batches per leader, send. Returns how long to sleep at most.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private TimeSpan RunOnce()
    {
        var metadata = _topics.Refresh();
        long now = _time.GetTimestamp();
        if (AdaptiveSticky is not null && now - _lastLoadUpdate >= MsToTicks(100))
        {
            _lastLoadUpdate = now;
            ReportLoad(AdaptiveSticky);
        }
        long nextWake = now + MsToTicks(1000);
        bool allReady = Volatile.Read(ref _flushRequests) > 0 || _closing;
        bool missingLeader = false;
        int maxInFlight = _options.MaxInFlightRequestsPerConnection;
        List<ProducerBatch>? expired = null;
        _toAdd.Clear();
        bool bumping = _idempotent && BumpPending;
        foreach (var topic in _topics.All)
        {
            foreach (var queue in topic.Partitions)
            {
                lock (queue.Gate)
                {
                    var head = queue.First;
                    if (head is null) continue;
                    // Expire batches waiting longer than delivery.timeout.ms (Java checks the whole deque).
                    while (head is not null && now - head.CreatedTimestamp >= _deliveryTimeoutTicks && !(queue.InFlight > 0 && head.BaseSequence >= 0))
                    {
                        (expired ??= []).Add(queue.RemoveFirst());
                        head = queue.First;
                    }
                    if (head is null) continue;
                    long due = head.Attempts > 0 ? head.RetryAfterTimestamp : head.CreatedTimestamp + _lingerTicks;
                    bool ready = head.Attempts > 0 ? now >= due : allReady || queue.Count > 1 || head.Full || now >= due;
                    if (!ready)
                    {
                        nextWake = Math.Min(nextWake, due);
                        continue;
                    }
                    nextWake = Math.Min(nextWake, head.CreatedTimestamp + _deliveryTimeoutTicks);
                    var partition = metadata.Partition(topic.Name, queue.Partition);
                    if (partition is null || partition.LeaderId < 0 || !metadata.Brokers.ContainsKey(partition.LeaderId))
                    {
                        missingLeader = true;
                        continue;
                    }
                    int leader = partition.LeaderId;
                    if (BrokerInFlight(leader) >= maxInFlight) continue;
                    // max.in.flight.requests.per.connection=1 promises order even without idempotence: the partition
                    // stays muted while any batch of it is in flight, also to a previous leader (Java's guaranteeMessageOrder).
                    if (maxInFlight == 1 && queue.InFlight > 0) continue;
                    if (_idempotent)
                    {
                        if (bumping) continue;
                        // A batch that already has a sequence is a retry: resend it only once nothing else of the partition is in flight, so order holds.
                        if (head.BaseSequence >= 0 && queue.InFlight > 0) continue;
                        if (queue.InFlight >= 5) continue;
                    }
                    if (_transactions is not null && !queue.InTransaction)
                    {
                        _toAdd.Add(queue);
                        continue;
                    }
                    int bytes = _drainedBytes.GetValueOrDefault(leader);
                    if (bytes > 0 && bytes + head.SizeInBytes > _options.MaxRequestSize) continue;
                    var batch = queue.RemoveFirst();
                    if (_idempotent && batch.BaseSequence < 0)
                    {
                        var id = ProducerIdentity;
                        batch.ProducerId = id.ProducerId;
                        batch.ProducerEpoch = id.Epoch;
                        batch.BaseSequence = queue.NextSequence;
                        queue.NextSequence = unchecked(queue.NextSequence + batch.Count) & int.MaxValue;
                    }
                    queue.InFlight++;
                    queue.LeaderId = leader;
                    queue.AddInFlight(batch);
                    _drainedBytes[leader] = bytes + batch.SizeInBytes;
                    if (!_drained.TryGetValue(leader, out var list)) _drained[leader] = list = [];
                    list.Add(batch);
                }
            }
        }
        if (expired is not null) ExpireBatches(expired);
        if (missingLeader)
        {
            _cluster.RequestMetadataUpdate();
            nextWake = Math.Min(nextWake, now + MsToTicks(_options.RetryBackoffMs));
        }
        if (_toAdd.Count > 0) nextWake = now;
        foreach (var (leader, batches) in _drained)
        {
            if (batches.Count == 0) continue;
            var slot = RentSlot();
            slot.Leader = leader;
            slot.Request.Batches.AddRange(batches);
            batches.Clear();
            _drainedBytes[leader] = 0;
            lock (_brokerInFlight) _brokerInFlight[leader] = _brokerInFlight.GetValueOrDefault(leader) + 1;
            Interlocked.Add(ref _inFlightBatches, slot.Request.Batches.Count);
            slot.Start();
        }
        if (_transactions is null && _toAdd.Count > 0) nextWake = now + MsToTicks(_options.RetryBackoffMs);
        long waitTicks = Math.Max(nextWake - now, 0);
        return TimeSpan.FromSeconds(waitTicks / (double)_time.TimestampFrequency) + TimeSpan.FromTicks(1);
    }

    /// <summary>Queue length (batches waiting) of every available partition, for the adaptive sticky choice.</summary>
    private void ReportLoad(StickyPartitioner sticky)
    {
        foreach (var topic in _topics.All)
        {
            var partitions = topic.Available;
            if (partitions.Length == 0) continue;
            if (_loadSizes.Length < partitions.Length) _loadSizes = new int[partitions.Length];
            var sizes = _loadSizes.AsSpan(0, partitions.Length);
            var queues = topic.Partitions;
            for (int i = 0; i < partitions.Length; i++)
            {
                var queue = queues[partitions[i]];
                lock (queue.Gate) sizes[i] = queue.Count + queue.InFlight;
            }
            sticky.UpdateLoad(topic.Name, partitions, sizes);
        }
    }

    private int BrokerInFlight(int leader)
    {
        lock (_brokerInFlight) return _brokerInFlight.GetValueOrDefault(leader);
    }

    private long MsToTicks(long ms) => ms * _time.TimestampFrequency / 1000;
}
