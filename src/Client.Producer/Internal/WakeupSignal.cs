using System.Threading.Tasks.Sources;

namespace Samsa.Producer.Internal;

/// <summary>
/// A coalescing, allocation-free wakeup for the sender loop: any number of <see cref="Set"/> calls between two waits
/// wake it once, and a wait with a timeout reuses one timer and one value-task source (no task or timer per wait).
/// One waiter at a time.
/// </summary>
internal sealed class WakeupSignal : IValueTaskSource<bool>, IDisposable
{
    private readonly Lock _gate = new();
    private readonly ITimer _timer;
    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };
    private bool _signalled;
    private bool _waiting;

    public WakeupSignal(TimeProvider time) => _timer = time.CreateTimer(static s => ((WakeupSignal)s!).Complete(false), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

    public void Set()
    {
        if (Volatile.Read(ref _signalled)) return;
        Complete(true);
    }

    /// <summary>Waits for a signal or the timeout; true when signalled.</summary>
    public ValueTask<bool> WaitAsync(TimeSpan timeout)
    {
        lock (_gate)
        {
            if (_signalled)
            {
                _signalled = false;
                return new ValueTask<bool>(true);
            }
            _core.Reset();
            _waiting = true;
            _timer.Change(timeout, Timeout.InfiniteTimeSpan);
            return new ValueTask<bool>(this, _core.Version);
        }
    }

    private void Complete(bool signalled)
    {
        lock (_gate)
        {
            if (!_waiting)
            {
                if (signalled) _signalled = true;
                return;
            }
            _waiting = false;
            _core.SetResult(signalled);
        }
    }

    public bool GetResult(short token) => _core.GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);

    public void Dispose() => _timer.Dispose();
}
