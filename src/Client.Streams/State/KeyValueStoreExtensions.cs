namespace Samsa.Streams.State;

/// <summary>Lookups that tell an absent key from a stored default value.</summary>
public static class KeyValueStoreExtensions
{
    /// <summary>
    /// Looks up <paramref name="key"/>; false when absent. Use it when <typeparamref name="TValue"/> is a value type
    /// (<c>long</c> counts, <see cref="ValueAndTimestamp{TValue}"/>), where <c>Get</c> returns a default for an absent key.
    /// </summary>
    public static bool TryGet<TKey, TValue>(this IReadOnlyKeyValueStore<TKey, TValue> store, TKey key, out TValue value)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (store is IKeyValueLookup<TKey, TValue> lookup) return lookup.TryGet(key, out value);
        var found = store.Get(key);
        value = found!;
        return found is not null;
    }
}

/// <summary>A store that can tell an absent key from a default value.</summary>
public interface IKeyValueLookup<TKey, TValue>
{
    /// <summary>Looks up <paramref name="key"/>; false when absent.</summary>
    bool TryGet(TKey key, out TValue value);
}

/// <summary>Kafka's <c>TimestampedKeyValueStore</c>: values carry the timestamp of the record that wrote them.</summary>
public interface ITimestampedKeyValueStore<TKey, TValue> : IKeyValueStore<TKey, ValueAndTimestamp<TValue>>, IKeyValueLookup<TKey, ValueAndTimestamp<TValue>>;
