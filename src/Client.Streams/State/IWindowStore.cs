namespace Samsa.Streams.State;

/// <summary>A time window [Start, End) in ms.</summary>
public readonly record struct TimeWindow(long Start, long End);

/// <summary>A key within a window: keys of windowed aggregations.</summary>
public readonly record struct Windowed<TKey>(TKey Key, TimeWindow Window);

/// <summary>Reads of a window store.</summary>
public interface IReadOnlyWindowStore<TKey, TValue>
{
    /// <summary>The value of <paramref name="key"/> in the window starting at <paramref name="windowStart"/>.</summary>
    TValue? Fetch(TKey key, long windowStart);

    /// <summary>Windows of <paramref name="key"/> starting between the bounds (inclusive), oldest first: (window start, value).</summary>
    IKeyValueIterator<long, TValue> Fetch(TKey key, long timeFrom, long timeTo);

    /// <summary>Windows of every key starting between the bounds (inclusive).</summary>
    IKeyValueIterator<Windowed<TKey>, TValue> FetchAll(long timeFrom, long timeTo);

    /// <summary>Every retained window.</summary>
    IKeyValueIterator<Windowed<TKey>, TValue> All();
}

/// <summary>A window store with segment-based retention; Kafka's <c>WindowStore</c>.</summary>
public interface IWindowStore<TKey, TValue> : IStateStore, IReadOnlyWindowStore<TKey, TValue>
{
    /// <summary>Writes the value of the window starting at <paramref name="windowStart"/>; null deletes. Writes older than retention are dropped.</summary>
    void Put(TKey key, TValue? value, long windowStart);
}

/// <summary>Reads of a session store.</summary>
public interface IReadOnlySessionStore<TKey, TValue>
{
    /// <summary>Sessions of <paramref name="key"/> ending at or after <paramref name="earliestSessionEnd"/> and starting at or before <paramref name="latestSessionStart"/>.</summary>
    IKeyValueIterator<Windowed<TKey>, TValue> FindSessions(TKey key, long earliestSessionEnd, long latestSessionStart);

    /// <summary>Every session of <paramref name="key"/>.</summary>
    IKeyValueIterator<Windowed<TKey>, TValue> Fetch(TKey key);
}

/// <summary>A session store; Kafka's <c>SessionStore</c>. Session windows are inclusive of both ends.</summary>
public interface ISessionStore<TKey, TValue> : IStateStore, IReadOnlySessionStore<TKey, TValue>
{
    /// <summary>Writes a session's aggregate.</summary>
    void Put(Windowed<TKey> session, TValue value);

    /// <summary>Removes a session.</summary>
    void Remove(Windowed<TKey> session);
}
