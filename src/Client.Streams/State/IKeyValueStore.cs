namespace Samsa.Streams.State;

/// <summary>A key and a value.</summary>
public readonly record struct KeyValue<TKey, TValue>(TKey Key, TValue Value);

/// <summary>An iterator over a store range; dispose it when done.</summary>
public interface IKeyValueIterator<TKey, TValue> : IEnumerator<KeyValue<TKey, TValue>>
{
    /// <summary>The next key without moving.</summary>
    TKey PeekNextKey();
}

/// <summary>Reads of a key-value store (what interactive queries see).</summary>
public interface IReadOnlyKeyValueStore<TKey, TValue>
{
    /// <summary>The value, or default when absent.</summary>
    TValue? Get(TKey key);

    /// <summary>Keys from <paramref name="from"/> to <paramref name="to"/> inclusive, in serialized-key byte order; null bounds are open.</summary>
    IKeyValueIterator<TKey, TValue> Range(TKey? from, TKey? to);

    /// <summary>Like <see cref="Range"/>, in reverse order.</summary>
    IKeyValueIterator<TKey, TValue> ReverseRange(TKey? from, TKey? to);

    /// <summary>Every entry in serialized-key byte order.</summary>
    IKeyValueIterator<TKey, TValue> All();

    /// <summary>An estimate of the number of entries.</summary>
    long ApproximateNumEntries { get; }
}

/// <summary>A key-value store; Kafka's <c>KeyValueStore</c>.</summary>
public interface IKeyValueStore<TKey, TValue> : IStateStore, IReadOnlyKeyValueStore<TKey, TValue>
{
    /// <summary>Sets the value; a null value deletes.</summary>
    void Put(TKey key, TValue? value);

    /// <summary>Sets the value unless one exists; returns the existing value.</summary>
    TValue? PutIfAbsent(TKey key, TValue? value);

    /// <summary>Puts every entry.</summary>
    void PutAll(IEnumerable<KeyValue<TKey, TValue?>> entries);

    /// <summary>Deletes and returns the old value.</summary>
    TValue? Delete(TKey key);
}

/// <summary>A value with the timestamp of the record that last wrote it; KTables store these.</summary>
public readonly record struct ValueAndTimestamp<TValue>(TValue Value, long Timestamp);
