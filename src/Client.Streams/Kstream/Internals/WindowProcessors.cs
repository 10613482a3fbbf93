using Samsa.Streams.Processor;
using Samsa.Streams.State;

namespace Samsa.Streams.Kstream.Internals;

/// <summary>
/// Aggregates into fixed windows (Kafka's <c>KStreamWindowAggregate</c>): each record updates every window that
/// contains it and is still open (its end is after stream time minus grace); records for closed windows are dropped.
/// </summary>
internal sealed class KStreamWindowAggregateProcessor<TKey, TValue, TAggregate>(string storeName, TimeWindows windows, Func<TAggregate> initializer,
    Func<TKey, TValue, TAggregate, TAggregate> aggregator, TableInfo<Windowed<TKey>, TAggregate> info, Func<TValue, TAggregate>? firstValue = null)
    : DslProcessor<TKey, TValue, Windowed<TKey>, Change<TAggregate>>
{
    private IWindowStore<TKey, ValueAndTimestamp<TAggregate>> _store = null!;
    private long _observedStreamTime = -1;

    protected override void OnInit() => _store = Context.GetStateStore<IWindowStore<TKey, ValueAndTimestamp<TAggregate>>>(storeName);

    public override void Process(Record<TKey, TValue> record)
    {
        if (record.Key is null || record.Value is null)
            return;
        _observedStreamTime = Math.Max(_observedStreamTime, record.Timestamp);
        long closeTime = _observedStreamTime - windows.GraceMs;
        foreach (long start in windows.WindowStartsFor(record.Timestamp))
        {
            long end = start + windows.SizeMs;
            if (end <= closeTime)
                continue; // late: the window is closed (Kafka drops and counts these)
            bool hadOld = WindowStores.TryFetch(_store, record.Key, start, out var old);
            var aggregate = hadOld ? aggregator(record.Key, record.Value, old.Value)
                : firstValue is not null ? firstValue(record.Value) : aggregator(record.Key, record.Value, initializer());
            long timestamp = hadOld ? Math.Max(record.Timestamp, old.Timestamp) : record.Timestamp;
            _store.Put(record.Key, new ValueAndTimestamp<TAggregate>(aggregate, timestamp), start);
            bool sendOld = info.SendOldValues && hadOld;
            Context.Forward(new Record<Windowed<TKey>, Change<TAggregate>>(new Windowed<TKey>(record.Key, new TimeWindow(start, end)),
                Change<TAggregate>.Of(true, aggregate, sendOld, sendOld ? old.Value : default), timestamp, record.Headers));
        }
    }
}

/// <summary>
/// Aggregates into sessions (Kafka's <c>KStreamSessionWindowAggregate</c>): a record merges every session of its key
/// within the inactivity gap into one; merged sessions are deleted downstream (a null value) before the new session
/// is forwarded. Results carry the session end as timestamp. Records whose merged session ended before stream time
/// minus grace are dropped.
/// </summary>
internal sealed class KStreamSessionWindowAggregateProcessor<TKey, TValue, TAggregate>(string storeName, SessionWindows windows, Func<TAggregate> initializer,
    Func<TKey, TValue, TAggregate, TAggregate> aggregator, Func<TKey, TAggregate, TAggregate, TAggregate> merger, TableInfo<Windowed<TKey>, TAggregate> info,
    Func<TValue, TAggregate>? firstValue = null)
    : DslProcessor<TKey, TValue, Windowed<TKey>, Change<TAggregate>>
{
    private ISessionStore<TKey, TAggregate> _store = null!;
    private long _observedStreamTime = -1;

    protected override void OnInit() => _store = Context.GetStateStore<ISessionStore<TKey, TAggregate>>(storeName);

    public override void Process(Record<TKey, TValue> record)
    {
        if (record.Key is null || record.Value is null)
            return;
        long timestamp = record.Timestamp;
        _observedStreamTime = Math.Max(_observedStreamTime, timestamp);
        long closeTime = _observedStreamTime - windows.GraceMs;

        var merged = new List<KeyValue<Windowed<TKey>, TAggregate>>();
        var newSession = new TimeWindow(timestamp, timestamp);
        var mergedWindow = newSession;
        // A reduce (firstValue set) starts with no aggregate: the first session or record is taken as it is.
        bool hasAggregate = firstValue is null;
        var aggregate = hasAggregate ? initializer() : default!;
        using (var sessions = _store.FindSessions(record.Key, timestamp - windows.InactivityGapMs, timestamp + windows.InactivityGapMs))
        {
            while (sessions.MoveNext())
            {
                var session = sessions.Current;
                merged.Add(session);
                aggregate = hasAggregate ? merger(record.Key, aggregate, session.Value) : session.Value;
                hasAggregate = true;
                mergedWindow = new TimeWindow(Math.Min(mergedWindow.Start, session.Key.Window.Start), Math.Max(mergedWindow.End, session.Key.Window.End));
            }
        }
        if (mergedWindow.End < closeTime)
            return; // late: Kafka drops and counts these

        if (mergedWindow != newSession)
        {
            foreach (var session in merged)
            {
                _store.Remove(session.Key);
                bool sendOld = info.SendOldValues;
                Context.Forward(new Record<Windowed<TKey>, Change<TAggregate>>(session.Key,
                    Change<TAggregate>.Of(false, default, sendOld, sendOld ? session.Value : default), session.Key.Window.End, record.Headers));
            }
        }
        aggregate = hasAggregate ? aggregator(record.Key, record.Value, aggregate) : firstValue!(record.Value);
        var key = new Windowed<TKey>(record.Key, mergedWindow);
        _store.Put(key, aggregate);
        Context.Forward(new Record<Windowed<TKey>, Change<TAggregate>>(key, Change<TAggregate>.Of(true, aggregate, false, default), mergedWindow.End, record.Headers));
    }
}
