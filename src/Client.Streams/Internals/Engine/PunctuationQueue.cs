using Samsa.Streams.Processor;

namespace Samsa.Streams.Internals.Engine;

/// <summary>
/// Punctuation schedules of one type, earliest first. A schedule that fell behind by several intervals fires once and
/// is moved to the next aligned time after now, as Kafka's <c>PunctuationSchedule.next</c> does.
/// </summary>
internal sealed class PunctuationQueue
{
    private readonly PriorityQueue<Schedule, (long Time, long Seq)> _queue = new();
    private long _sequence;

    public ICancellable Add(long firstTime, long interval, Action<long> punctuator)
    {
        var schedule = new Schedule(firstTime, interval, punctuator);
        _queue.Enqueue(schedule, (firstTime, _sequence++));
        return schedule;
    }

    /// <summary>Fires every schedule due at <paramref name="now"/>; true when any fired.</summary>
    public bool MayPunctuate(long now, Action<Schedule, long> fire)
    {
        bool fired = false;
        while (_queue.TryPeek(out var top, out var priority) && priority.Time <= now)
        {
            _queue.Dequeue();
            if (top.Cancelled)
                continue;
            fire(top, now);
            fired = true;
            if (top.Cancelled)
                continue;
            long next = top.Time + top.Interval;
            if (now >= next)
                next = top.Time + ((now - top.Time) / top.Interval + 1) * top.Interval;
            top.Time = next;
            _queue.Enqueue(top, (next, _sequence++));
        }
        return fired;
    }

    internal sealed class Schedule(long time, long interval, Action<long> punctuator) : ICancellable
    {
        public long Time { get; set; } = time;
        public long Interval { get; } = interval;
        public Action<long> Punctuator { get; } = punctuator;
        public bool Cancelled { get; private set; }
        public void Cancel() => Cancelled = true;
    }
}
