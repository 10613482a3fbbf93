using Samsa.Streams.State;

namespace Samsa.Streams.Testing;

/// <summary>
/// A timestamped key-value store seen as a plain one (Kafka's test-utils <c>KeyValueStoreFacade</c>): reads drop
/// the timestamps, writes store timestamp -1.
/// </summary>
internal sealed class KeyValueStoreFacade<TKey, TValue>(IKeyValueStore<TKey, ValueAndTimestamp<TValue>> inner) : IKeyValueStore<TKey, TValue>
{
    public string Name => inner.Name;

    public bool Persistent => inner.Persistent;

    public bool IsOpen => inner.IsOpen;

    public long ApproximateNumEntries => inner.ApproximateNumEntries;

    public void Init(IStateStoreContext context) => inner.Init(context);

    public void Flush() => inner.Flush();

    public void Close() => inner.Close();

    public TValue? Get(TKey key) => inner.TryGet(key, out var value) ? value.Value : default;

    public void Put(TKey key, TValue? value)
    {
        if (value is null)
            inner.Delete(key);
        else
            inner.Put(key, new ValueAndTimestamp<TValue>(value, -1));
    }

    public TValue? PutIfAbsent(TKey key, TValue? value)
    {
        if (inner.TryGet(key, out var existing))
            return existing.Value;
        Put(key, value);
        return default;
    }

    public void PutAll(IEnumerable<KeyValue<TKey, TValue?>> entries)
    {
        foreach (var entry in entries)
            Put(entry.Key, entry.Value);
    }

    public TValue? Delete(TKey key) => inner.TryGet(key, out var old) && inner.Delete(key) is var _ ? old.Value : default;

    public IKeyValueIterator<TKey, TValue> Range(TKey? from, TKey? to) => new Iterator(inner.Range(from, to));

    public IKeyValueIterator<TKey, TValue> ReverseRange(TKey? from, TKey? to) => new Iterator(inner.ReverseRange(from, to));

    public IKeyValueIterator<TKey, TValue> All() => new Iterator(inner.All());

    private sealed class Iterator(IKeyValueIterator<TKey, ValueAndTimestamp<TValue>> inner) : IKeyValueIterator<TKey, TValue>
    {
        public KeyValue<TKey, TValue> Current => new(inner.Current.Key, inner.Current.Value.Value);

        object System.Collections.IEnumerator.Current => Current;

        public TKey PeekNextKey() => inner.PeekNextKey();

        public bool MoveNext() => inner.MoveNext();

        public void Reset() => inner.Reset();

        public void Dispose() => inner.Dispose();
    }
}
