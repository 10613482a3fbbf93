namespace Samsa.Producer.Internal;

/// <summary>
/// A coalescing wakeup for the sender loop: any number of <see cref="Set"/> calls between two waits cost one semaphore
/// release, so appenders can signal per batch without contention.
/// </summary>
internal sealed class WakeupSignal : IDisposable
{
    private readonly SemaphoreSlim _semaphore = new(0, int.MaxValue);
    private int _set;

    public void Set()
    {
        if (Volatile.Read(ref _set) == 0 && Interlocked.Exchange(ref _set, 1) == 0) _semaphore.Release();
    }

    /// <summary>Waits for a signal or the timeout; true when signalled.</summary>
    public async ValueTask<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        bool signalled = await _semaphore.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _set, 0);
        return signalled;
    }

    public void Dispose() => _semaphore.Dispose();
}
