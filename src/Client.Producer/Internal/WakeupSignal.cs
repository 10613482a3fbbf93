namespace Samsa.Producer.Internal;

/// <summary>
/// A coalescing wakeup for the sender's thread: any number of <see cref="Set"/> calls between two waits wake it once.
/// The thread parks in the kernel while it waits, so waking it costs one thread switch and no thread-pool worker that
/// spins afterwards. One waiter at a time.
/// </summary>
internal sealed class WakeupSignal
{
    private readonly object _gate = new();
    private bool _signalled;
    private bool _waiting;

    public void Set()
    {
        if (Volatile.Read(ref _signalled)) return;
        lock (_gate)
        {
            _signalled = true;
            if (_waiting) Monitor.Pulse(_gate);
        }
    }

    /// <summary>Blocks until a signal or the timeout; true when signalled.</summary>
    public bool Wait(TimeSpan timeout)
    {
        lock (_gate)
        {
            if (!_signalled)
            {
                _waiting = true;
                Monitor.Wait(_gate, timeout);
                _waiting = false;
            }
            bool signalled = _signalled;
            _signalled = false;
            return signalled;
        }
    }
}
