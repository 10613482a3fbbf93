namespace Samsa.Consumer.Groups;

/// <summary>
/// <c>max.poll.interval.ms</c> bookkeeping shared by both group protocols: when the application last consumed, and
/// whether a consume call is waiting for data right now (which counts as consuming).
/// </summary>
internal sealed class PollInterval
{
    private readonly TimeProvider _time;
    private readonly int _maxMs;
    private long _lastConsume;
    private int _waiters;

    public PollInterval(TimeProvider time, int maxPollIntervalMs)
    {
        _time = time;
        _maxMs = maxPollIntervalMs;
        _lastConsume = time.GetTimestamp();
    }

    public void Touch() => Volatile.Write(ref _lastConsume, _time.GetTimestamp());

    public void SetWaiting(bool waiting)
    {
        if (waiting) Interlocked.Increment(ref _waiters);
        else
        {
            Interlocked.Decrement(ref _waiters);
            Touch();
        }
    }

    /// <summary>True when no consume call is waiting and the last one is older than <c>max.poll.interval.ms</c>.</summary>
    public bool Expired(out long elapsedMs)
    {
        elapsedMs = (long)_time.GetElapsedTime(Volatile.Read(ref _lastConsume)).TotalMilliseconds;
        return Volatile.Read(ref _waiters) == 0 && elapsedMs > _maxMs;
    }

    /// <summary>Milliseconds until the deadline would pass (at least <paramref name="floorMs"/>), to schedule the next check.</summary>
    public long MsUntilDeadline(long floorMs) =>
        Math.Max(floorMs, _maxMs - (long)_time.GetElapsedTime(Volatile.Read(ref _lastConsume)).TotalMilliseconds + 1);
}
