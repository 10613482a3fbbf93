using System.Collections;
using Samsa.Streams.State;

namespace Samsa.Streams.Runtime;

/// <summary>Reads one store name across several local tasks (Kafka's <c>CompositeReadOnlyKeyValueStore</c>): ranges are concatenated per task.</summary>
internal sealed class CompositeReadOnlyKeyValueStore<TKey, TValue>(IReadOnlyKeyValueStore<TKey, TValue>[] stores) : IReadOnlyKeyValueStore<TKey, TValue>
{
    public TValue? Get(TKey key)
    {
        // A value type's default cannot tell "absent" from a stored default, so confirm with a one-key range.
        foreach (var store in stores)
        {
            var value = store.Get(key);
            if (value is not null && !EqualityComparer<TValue>.Default.Equals(value, default!)) return value;
        }
        foreach (var store in stores)
        {
            using var single = store.Range(key, key);
            if (single.MoveNext()) return single.Current.Value;
        }
        return default;
    }

    public IKeyValueIterator<TKey, TValue> Range(TKey? from, TKey? to) => new Concat([.. stores.Select(s => s.Range(from, to))]);

    public IKeyValueIterator<TKey, TValue> ReverseRange(TKey? from, TKey? to) => new Concat([.. stores.Select(s => s.ReverseRange(from, to))]);

    public IKeyValueIterator<TKey, TValue> All() => new Concat([.. stores.Select(s => s.All())]);

    public long ApproximateNumEntries => stores.Sum(s => s.ApproximateNumEntries);

    private sealed class Concat(List<IKeyValueIterator<TKey, TValue>> parts) : IKeyValueIterator<TKey, TValue>
    {
        private int _index;
        private bool _peeked;
        private bool _hasPeek;
        private KeyValue<TKey, TValue> _peek;

        public KeyValue<TKey, TValue> Current { get; private set; }

        object IEnumerator.Current => Current;

        public bool MoveNext()
        {
            if (_peeked)
            {
                _peeked = false;
                Current = _peek;
                return _hasPeek;
            }
            while (_index < parts.Count)
            {
                if (parts[_index].MoveNext())
                {
                    Current = parts[_index].Current;
                    return true;
                }
                _index++;
            }
            return false;
        }

        public TKey PeekNextKey()
        {
            if (!_peeked)
            {
                var saved = Current;
                _hasPeek = MoveNext();
                _peek = Current;
                Current = saved;
                _peeked = true;
            }
            return _hasPeek ? _peek.Key : throw new InvalidOperationException("No more entries.");
        }

        public void Reset() => throw new NotSupportedException("Store iterators cannot be reset.");

        public void Dispose()
        {
            foreach (var part in parts) part.Dispose();
        }
    }
}
