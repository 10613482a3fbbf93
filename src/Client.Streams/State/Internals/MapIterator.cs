namespace Samsa.Streams.State.Internals;

/// <summary>
/// A bytes iterator over an <see cref="OrderedBytesMap{T}"/> cursor; values are produced on demand by <c>read</c>,
/// which returns null for an entry removed in the meantime (it is skipped).
/// </summary>
internal sealed class MapIterator<T> : IKeyValueIterator<byte[], byte[]>
{
    private readonly OrderedBytesMap<T>.Cursor _cursor;
    private readonly Func<OrderedBytesMap<T>.Node, byte[]?> _read;
    private KeyValue<byte[], byte[]> _current;

    public MapIterator(OrderedBytesMap<T>.Cursor cursor, Func<OrderedBytesMap<T>.Node, byte[]?> read)
    {
        _cursor = cursor;
        _read = read;
    }

    public KeyValue<byte[], byte[]> Current => _current;

    object System.Collections.IEnumerator.Current => _current;

    public bool MoveNext()
    {
        while (_cursor.Next() is { } node)
        {
            if (_read(node) is not { } value) continue;
            _current = new KeyValue<byte[], byte[]>(node.Key, value);
            return true;
        }
        _current = default;
        return false;
    }

    public byte[] PeekNextKey() => _cursor.Peek()?.Key ?? throw new InvalidOperationException("The iterator has no more entries.");

    public void Reset() => throw new NotSupportedException("Store iterators cannot be reset; open a new range.");

    public void Dispose() => _cursor.Close();
}

/// <summary>An iterator with nothing in it.</summary>
internal sealed class EmptyIterator<TKey, TValue> : IKeyValueIterator<TKey, TValue>
{
    public static EmptyIterator<TKey, TValue> Instance { get; } = new();

    public KeyValue<TKey, TValue> Current => default;

    object System.Collections.IEnumerator.Current => Current;

    public bool MoveNext() => false;

    public TKey PeekNextKey() => throw new InvalidOperationException("The iterator has no more entries.");

    public void Reset() { }

    public void Dispose() { }
}
