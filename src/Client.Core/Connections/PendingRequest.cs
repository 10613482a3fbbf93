using System.Threading.Tasks.Sources;
using Samsa.Protocol;
using Samsa.Protocol.Messages;

namespace Samsa.Client.Connections;

/// <summary>
/// One request's journey through a connection: queued, written (in flight), then answered or failed — exactly once.
/// Instances are pooled; two owners (the caller awaiting it and the connection holding it) each release once, and the
/// object returns to its pool only after both have.
/// </summary>
internal abstract class PendingRequest
{
    private int _state; // 0 = open, 1 = completed
    private int _refs;
    private CancellationTokenRegistration _registration;

    public ApiKey ApiKey;
    public short Version;
    public int CorrelationId;
    public IKafkaApiMessage? Request;
    public long TimeoutMs;
    public long WrittenTimestamp;

    public bool IsCompleted => Volatile.Read(ref _state) != 0;

    public virtual bool ExpectsResponse => true;

    protected void Open(IKafkaApiMessage request, short version, long timeoutMs, CancellationToken cancellationToken)
    {
        ApiKey = request.ApiKey;
        Version = version;
        Request = request;
        TimeoutMs = timeoutMs;
        CorrelationId = 0;
        WrittenTimestamp = 0;
        _state = 0;
        _refs = 2;
        if (cancellationToken.CanBeCanceled)
            _registration = cancellationToken.UnsafeRegister(static (s, ct) => ((PendingRequest)s!).TryFail(new OperationCanceledException(ct)), this);
    }

    /// <summary>Claims the right to complete; true exactly once.</summary>
    protected bool TryClaim() => Interlocked.Exchange(ref _state, 1) == 0;

    /// <summary>
    /// Parses the response frame (header already checked) and returns the broker's throttle time; the result reaches the
    /// caller at <see cref="Publish"/>, so the connection records the throttle first. A malformed frame fails at once.
    /// </summary>
    public abstract int Complete(ReadOnlySpan<byte> frame, int bodyOffset);

    /// <summary>
    /// True when the response must outlive the read loop (leased responses): the connection then copies the frame into a
    /// buffer from its frame pool and hands it over with <see cref="AdoptFrame"/> before <see cref="Complete"/>.
    /// </summary>
    public virtual bool OwnsFrame => false;

    /// <summary>
    /// Takes ownership of <paramref name="frame"/> (the whole response frame from index 0, rented from
    /// <paramref name="pool"/>), which the next <see cref="Complete"/> call is read from; the request returns it to the
    /// pool when it no longer needs it.
    /// </summary>
    public virtual void AdoptFrame(byte[] frame, FramePool pool) => pool.Return(frame);

    /// <summary>Hands the result parsed by <see cref="Complete"/> to the caller.</summary>
    public virtual void Publish() { }

    /// <summary>Completes with an error unless already completed.</summary>
    public abstract bool TryFail(Exception error);

    /// <summary>Completes a request that gets no response (Produce with acks=0) once its bytes are flushed.</summary>
    public virtual void CompleteWritten() { }

    /// <summary>Drops one owner's reference; the last one resets the object and returns it to its pool.</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _refs) != 0) return;
        _registration.Dispose();
        _registration = default;
        Request = null;
        Reset();
    }

    protected abstract void Reset();
}

/// <summary>A pending request whose result type is <typeparamref name="TResult"/>.</summary>
internal abstract class PendingRequest<TResult> : PendingRequest, IValueTaskSource<TResult>
{
    private ManualResetValueTaskSourceCore<TResult> _core = new() { RunContinuationsAsynchronously = true };

    public ValueTask<TResult> Task => new(this, _core.Version);

    protected bool TrySetResult(TResult result)
    {
        if (!TryClaim()) return false;
        _core.SetResult(result);
        return true;
    }

    public override bool TryFail(Exception error)
    {
        if (!TryClaim()) return false;
        _core.SetException(error);
        return true;
    }

    public TResult GetResult(short token)
    {
        try
        {
            return _core.GetResult(token);
        }
        finally
        {
            Release();
        }
    }

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);

    protected void ResetCore() => _core.Reset();
}

/// <summary>A small lock-free pool of pending requests of one type.</summary>
internal static class PendingPool<T> where T : PendingRequest, new()
{
    private const int MaxRetained = 256;
    private static readonly System.Collections.Concurrent.ConcurrentQueue<T> Items = new();
    private static int _count;

    public static T Rent()
    {
        if (Items.TryDequeue(out var item))
        {
            Interlocked.Decrement(ref _count);
            return item;
        }
        return new T();
    }

    public static void Return(T item)
    {
        if (Interlocked.Increment(ref _count) > MaxRetained)
        {
            Interlocked.Decrement(ref _count);
            return;
        }
        Items.Enqueue(item);
    }
}
