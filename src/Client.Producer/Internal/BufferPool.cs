using Samsa.Client;

namespace Samsa.Producer.Internal;

/// <summary>
/// <c>buffer.memory</c> accounting: batches reserve their bytes here when created and give them back when completed.
/// Reservations beyond the bound wait (synchronously for <c>Produce</c>, asynchronously for <c>ProduceAsync</c>) up to
/// <c>max.block.ms</c>, in arrival order, then fail with <see cref="KafkaTimeoutException"/>. Usage never exceeds the bound.
/// </summary>
internal sealed class BufferPool(long totalBytes, TimeProvider time)
{
    private readonly object _gate = new();
    private readonly LinkedList<Waiter> _waiters = new();
    private readonly long _total = totalBytes;
    private long _available = totalBytes;

    // A thread blocked in Reserve is in the queue at most once, so each thread reuses one node for its blocking waits.
    [ThreadStatic]
    private static LinkedListNode<Waiter>? t_syncNode;

    private sealed class Waiter(int bytes, bool async)
    {
        public int Bytes = bytes;
        public readonly TaskCompletionSource? Signal = async ? new(TaskCreationOptions.RunContinuationsAsynchronously) : null;
        public bool Granted;
    }

    /// <summary>The bound.</summary>
    public long TotalBytes => _total;

    /// <summary>Bytes not reserved.</summary>
    public long AvailableBytes
    {
        get
        {
            lock (_gate) return _available;
        }
    }

    /// <summary>Number of producers waiting for space.</summary>
    public int QueuedCount
    {
        get
        {
            lock (_gate) return _waiters.Count;
        }
    }

    /// <summary>Reserves without waiting; false when there is not enough space or others already wait.</summary>
    public bool TryReserve(int bytes)
    {
        lock (_gate)
        {
            if (_waiters.Count > 0 || _available < bytes) return false;
            _available -= bytes;
            return true;
        }
    }

    /// <summary>Reserves, blocking the calling thread up to <paramref name="maxBlock"/>.</summary>
    public void Reserve(int bytes, TimeSpan maxBlock)
    {
        if (TryReserve(bytes)) return;
        CheckFits(bytes);
        long start = time.GetTimestamp();
        LinkedListNode<Waiter> node;
        lock (_gate)
        {
            if (_waiters.Count == 0 && _available >= bytes)
            {
                _available -= bytes;
                return;
            }
            node = t_syncNode ??= new LinkedListNode<Waiter>(new Waiter(bytes, async: false));
            node.Value.Bytes = bytes;
            node.Value.Granted = false;
            _waiters.AddLast(node);
            try
            {
                while (!node.Value.Granted)
                {
                    var left = maxBlock - time.GetElapsedTime(start);
                    if (left <= TimeSpan.Zero || !Monitor.Wait(_gate, left))
                    {
                        if (node.Value.Granted) break;
                        _waiters.Remove(node);
                        GrantLocked();
                        throw Timeout(bytes, maxBlock);
                    }
                }
            }
            finally
            {
                // An interrupted wait leaves the node queued: take it out so that the thread can reuse it.
                if (node.List is not null)
                {
                    _waiters.Remove(node);
                    GrantLocked();
                }
            }
        }
    }

    /// <summary>Reserves, waiting asynchronously up to <paramref name="maxBlock"/>.</summary>
    public async ValueTask ReserveAsync(int bytes, TimeSpan maxBlock, CancellationToken cancellationToken)
    {
        if (TryReserve(bytes)) return;
        CheckFits(bytes);
        LinkedListNode<Waiter> node;
        lock (_gate)
        {
            if (_waiters.Count == 0 && _available >= bytes)
            {
                _available -= bytes;
                return;
            }
            node = _waiters.AddLast(new Waiter(bytes, async: true));
        }
        try
        {
            await node.Value.Signal!.Task.WaitAsync(maxBlock, time, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            lock (_gate)
            {
                if (node.Value.Granted) return;
                _waiters.Remove(node);
                GrantLocked();
            }
            if (e is TimeoutException) throw Timeout(bytes, maxBlock);
            throw;
        }
    }

    /// <summary>Returns reserved bytes and wakes waiters that now fit.</summary>
    public void Release(int bytes)
    {
        if (bytes == 0) return;
        lock (_gate)
        {
            _available += bytes;
            GrantLocked();
        }
    }

    private void GrantLocked()
    {
        bool pulse = false;
        while (_waiters.First is { } first && _available >= first.Value.Bytes)
        {
            _available -= first.Value.Bytes;
            first.Value.Granted = true;
            _waiters.RemoveFirst();
            if (first.Value.Signal is { } signal) signal.TrySetResult();
            else pulse = true;
        }
        if (pulse) Monitor.PulseAll(_gate);
    }

    private void CheckFits(int bytes)
    {
        if (bytes > _total)
            throw new KafkaException(Protocol.ErrorCode.MessageTooLarge, $"The record needs {bytes} bytes, more than buffer.memory ({_total}).");
    }

    private static KafkaTimeoutException Timeout(int bytes, TimeSpan maxBlock) =>
        new($"Failed to allocate {bytes} bytes of buffer.memory within max.block.ms ({maxBlock.TotalMilliseconds:F0} ms).");
}
