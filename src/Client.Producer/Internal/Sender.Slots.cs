using System.Threading.Tasks.Sources;
using Samsa.Client;

namespace Samsa.Producer.Internal;

/// <summary>
/// One reusable in-flight Produce request: its request body, its per-batch results and a long-lived loop that sends it
/// whenever the sender hands it batches. Slots are pooled by the sender (at most brokers ×
/// <c>max.in.flight.requests.per.connection</c> of them exist), so sending and completing a request allocates nothing:
/// every await in the loop is on a reusable value-task source.
/// </summary>
internal sealed class ProduceSlot : IValueTaskSource<bool>
{
    // Inline continuations: Start runs the loop on the sender's thread up to the network await, as a direct call would.
    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = false };
    private PartitionAck[] _acks = new PartitionAck[16];

    public ProduceRequestBody Request { get; } = new();

    public int Leader { get; set; }

    public Task Loop { get; set; } = Task.CompletedTask;

    /// <summary>The per-batch results, at least as long as the request's batch list.</summary>
    public Span<PartitionAck> Acks
    {
        get
        {
            if (_acks.Length < Request.Batches.Count) _acks = new PartitionAck[Math.Max(Request.Batches.Count, _acks.Length * 2)];
            return _acks;
        }
    }

    /// <summary>Clears the results of the last request (drops error strings).</summary>
    public void ClearAcks() => _acks.AsSpan().Clear();

    /// <summary>Arms the slot; the returned task completes with true at <see cref="Start"/> or false at <see cref="Stop"/>.</summary>
    public ValueTask<bool> WaitAsync()
    {
        _core.Reset();
        return new ValueTask<bool>(this, _core.Version);
    }

    public void Start() => _core.SetResult(true);

    public void Stop() => _core.SetResult(false);

    public bool GetResult(short token) => _core.GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}

internal sealed partial class Sender
{
    private readonly Stack<ProduceSlot> _idleSlots = new();
    private readonly List<ProduceSlot> _allSlots = [];
    private bool _slotsStopped;

    /// <summary>An idle slot (a new one when all are busy).</summary>
    private ProduceSlot RentSlot()
    {
        lock (_idleSlots)
        {
            if (_idleSlots.TryPop(out var slot)) return slot;
        }
        var created = new ProduceSlot();
        lock (_idleSlots) _allSlots.Add(created);
        created.Loop = RunSlotAsync(created, returnWhenIdle: false);
        return created;
    }

    /// <summary>The slot's loop: wait to be started, send, handle the response, go back to the pool.</summary>
    private async Task RunSlotAsync(ProduceSlot slot, bool returnWhenIdle)
    {
        var wait = slot.WaitAsync();
        if (returnWhenIdle) ReturnSlot(slot);
        while (await wait.ConfigureAwait(false))
        {
            // The send is inlined here rather than a separate async method: this loop's state machine is allocated once
            // per slot, whereas a nested async call would need a box per request.
            var request = slot.Request;
            var batches = request.Batches;
            int count = batches.Count;
            ProduceAcks? response = null;
            Exception? failure = null;
            long started = _time.GetTimestamp();
            try
            {
                PrepareRequest(request);
                var connection = await _cluster.GetConnectionAsync(slot.Leader, _forceStop.Token).ConfigureAwait(false);
                short version = connection.SelectVersion(request);
                if (_acks == 0) await connection.SendWithoutResponseAsync(request, version, _forceStop.Token).ConfigureAwait(false);
                else response = await connection.SendAsync(request, version, null, _forceStop.Token).ConfigureAwait(false);
                _metrics.RequestLatency(_time.GetElapsedTime(started).TotalMilliseconds);
            }
            catch (Exception e)
            {
                failure = e;
            }
            // A request cancelled by a forced close may still sit in its connection's queue, which would write it later:
            // its body must stay as it is, so the slot retires instead of being reused.
            bool retire = failure is OperationCanceledException && _forceStop.IsCancellationRequested;
            Complete(slot, response, failure, count, clearRequest: !retire);
            if (retire)
            {
                lock (_idleSlots) _allSlots.Remove(slot);
                _signal.Set();
                return;
            }
            wait = slot.WaitAsync();
            ReturnSlot(slot);
            // Only now, with this slot back in the pool for it, does the sender's next pass start.
            _signal.Set();
        }
    }

    private void ReturnSlot(ProduceSlot slot)
    {
        lock (_idleSlots)
        {
            if (!_slotsStopped)
            {
                _idleSlots.Push(slot);
                return;
            }
        }
        slot.Stop();
    }

    /// <summary>Ends every slot loop (idle ones now, busy ones when their request completes) and waits for them.</summary>
    private async Task StopSlotsAsync()
    {
        ProduceSlot[] idle;
        Task[] loops;
        lock (_idleSlots)
        {
            _slotsStopped = true;
            idle = [.. _idleSlots];
            _idleSlots.Clear();
            loops = [.. _allSlots.Select(s => s.Loop)];
        }
        foreach (var slot in idle) slot.Stop();
        await Task.WhenAll(loops).ConfigureAwait(false);
    }

    /// <summary>Handles a request's outcome: per-batch results, in-flight accounting, and the slot's reset.</summary>
    private void Complete(ProduceSlot slot, ProduceAcks? response, Exception? failure, int count, bool clearRequest)
    {
        var request = slot.Request;
        try
        {
            if (response is not null) response.Match(request.Batches, slot.Acks);
            HandleResponse(request.Batches, response is null ? default : slot.Acks, response is not null, failure);
        }
        catch (Exception e)
        {
            Log.SenderError(_logger, e);
        }
        finally
        {
            // The leader's request slot frees only after the batches were settled: a failed batch is back at the front
            // of its partition before the sender can send the partition's next batch in its place.
            lock (_brokerInFlight) _brokerInFlight[slot.Leader]--;
            if (response is not null)
            {
                response.Dispose();
                request.ReturnResponse(response);
            }
            slot.ClearAcks();
            if (clearRequest) request.Clear();
        }
        Interlocked.Add(ref _inFlightBatches, -count);
    }

    /// <summary>Groups the batches by topic and encodes each (cached between attempts).</summary>
    private void PrepareRequest(ProduceRequestBody request)
    {
        request.Acks = _acks;
        request.TimeoutMs = _options.RequestTimeoutMs;
        request.TransactionalId = _options.TransactionalId;
        request.Prepare();
        bool transactional = _transactions is not null;
        var batches = request.Batches;
        for (int i = 0; i < batches.Count; i++)
        {
            var batch = batches[i];
            var encoded = batch.Encode(transactional);
            _metrics.BatchEncoded(batch.SizeInBytes, encoded.Length, batch.Count);
            request.SetRecords(i, encoded);
        }
    }
}
