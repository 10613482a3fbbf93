namespace Samsa.Streams.State.Internals;

/// <summary>Walks a range in each segment in turn, keeping entries that pass <c>filter</c> and projecting their keys.</summary>
internal sealed class SegmentIterator<TKey> : IKeyValueIterator<TKey, byte[]>
{
    private readonly List<IBytesMap> _segments;
    private readonly Func<IBytesMap, IKeyValueIterator<byte[], byte[]>> _open;
    private readonly Func<byte[], bool> _filter;
    private readonly Func<byte[], TKey> _project;
    private IKeyValueIterator<byte[], byte[]>? _inner;
    private int _next;
    private KeyValue<byte[], byte[]>? _peeked;
    private KeyValue<TKey, byte[]> _current;

    public SegmentIterator(List<IBytesMap> segments, Func<IBytesMap, IKeyValueIterator<byte[], byte[]>> open, Func<byte[], bool> filter, Func<byte[], TKey> project)
    {
        _segments = segments;
        _open = open;
        _filter = filter;
        _project = project;
    }

    public KeyValue<TKey, byte[]> Current => _current;

    object? System.Collections.IEnumerator.Current => _current;

    public bool MoveNext()
    {
        var entry = Peek();
        _peeked = null;
        if (entry is not { } e)
        {
            _current = default;
            return false;
        }
        _current = new KeyValue<TKey, byte[]>(_project(e.Key), e.Value);
        return true;
    }

    public TKey PeekNextKey() => Peek() is { } e ? _project(e.Key) : throw new InvalidOperationException("The iterator has no more entries.");

    public void Reset() => throw new NotSupportedException("Store iterators cannot be reset; open a new range.");

    public void Dispose()
    {
        _inner?.Dispose();
        _inner = null;
        _next = _segments.Count;
    }

    private KeyValue<byte[], byte[]>? Peek()
    {
        if (_peeked is not null) return _peeked;
        while (true)
        {
            if (_inner is null)
            {
                if (_next >= _segments.Count) return null;
                _inner = _open(_segments[_next++]);
            }
            if (!_inner.MoveNext())
            {
                _inner.Dispose();
                _inner = null;
                continue;
            }
            var entry = _inner.Current;
            if (!_filter(entry.Key)) continue;
            _peeked = entry;
            return entry;
        }
    }
}
