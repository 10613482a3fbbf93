namespace Samsa.Streams.State.Internals;

/// <summary>
/// A sorted map from byte-array keys (unsigned lexicographic order) to <typeparamref name="T"/>: O(log n) get, put
/// and delete, and range cursors that survive writes made while they are open (they re-seek after the last key
/// they returned, as Kafka's store iterators tolerate puts and deletes during iteration). Every operation takes an
/// internal lock, so interactive queries may read while the owning task writes.
/// </summary>
internal sealed class OrderedBytesMap<T>
{
    private readonly SortedSet<Node> _set = new(NodeComparer.Instance);
    private readonly Lock _lock = new();
    private int _version;

    /// <summary>The number of entries.</summary>
    public int Count
    {
        get { lock (_lock) return _set.Count; }
    }

    /// <summary>Bumped on every structural change (add or remove).</summary>
    internal int Version => _version;

    /// <summary>Looks up <paramref name="key"/>.</summary>
    public bool TryGetValue(byte[] key, out T value)
    {
        lock (_lock) return TryGetValueLocked(key, out value);
    }

    private bool TryGetValueLocked(byte[] key, out T value)
    {
        if (_set.TryGetValue(new Node(key, default!), out var node))
        {
            value = node.Value;
            return true;
        }
        value = default!;
        return false;
    }

    /// <summary>Sets the value of <paramref name="key"/>; returns true when the key existed, with its previous value.</summary>
    public bool Set(byte[] key, T value, out T previous)
    {
        lock (_lock) return SetLocked(key, value, out previous);
    }

    private bool SetLocked(byte[] key, T value, out T previous)
    {
        var probe = new Node(key, value);
        if (_set.TryGetValue(probe, out var node))
        {
            previous = node.Value;
            node.Value = value;
            return true;
        }
        _set.Add(probe);
        _version++;
        previous = default!;
        return false;
    }

    /// <summary>Removes <paramref name="key"/>; returns true with its value when it existed.</summary>
    public bool Remove(byte[] key, out T previous)
    {
        lock (_lock) return RemoveLocked(key, out previous);
    }

    private bool RemoveLocked(byte[] key, out T previous)
    {
        if (_set.TryGetValue(new Node(key, default!), out var node))
        {
            _set.Remove(node);
            node.Removed = true;
            previous = node.Value;
            node.Value = default!;
            _version++;
            return true;
        }
        previous = default!;
        return false;
    }

    /// <summary>Removes every entry.</summary>
    public void Clear()
    {
        lock (_lock)
        {
            foreach (var node in _set) node.Removed = true;
            _set.Clear();
            _version++;
        }
    }

    /// <summary>A cursor over keys between the inclusive bounds (null is open), forward or in reverse.</summary>
    public Cursor Range(byte[]? from, byte[]? to, bool reverse) => new(this, from, to, reverse);

    /// <summary>One entry; <see cref="Removed"/> turns true when it leaves the map.</summary>
    internal sealed class Node(byte[] key, T value)
    {
        public byte[] Key { get; } = key;
        public T Value { get; set; } = value;
        public bool Removed { get; set; }
    }

    private sealed class NodeComparer : IComparer<Node>
    {
        public static readonly NodeComparer Instance = new();

        public int Compare(Node? x, Node? y) => BytesComparer.Instance.Compare(x?.Key, y?.Key);
    }

    /// <summary>A position in a range; re-seeks after the last returned key when the map changed under it.</summary>
    internal sealed class Cursor
    {
        private readonly OrderedBytesMap<T> _map;
        private readonly byte[]? _from;
        private readonly byte[]? _to;
        private readonly bool _reverse;
        private IEnumerator<Node>? _enumerator;
        private int _version;
        private byte[]? _last;
        private Node? _peeked;
        private bool _done;

        internal Cursor(OrderedBytesMap<T> map, byte[]? from, byte[]? to, bool reverse)
        {
            _map = map;
            _from = from;
            _to = to;
            _reverse = reverse;
            _done = from is not null && to is not null && BytesComparer.Instance.Compare(from, to) > 0;
        }

        /// <summary>The next live entry without consuming it, or null at the end.</summary>
        public Node? Peek()
        {
            lock (_map._lock) return PeekLocked();
        }

        private Node? PeekLocked()
        {
            if (_peeked is { Removed: false }) return _peeked;
            _peeked = null;
            while (!_done)
            {
                if (_enumerator is null || _version != _map._version) Reseek();
                if (_done) break;
                if (!_enumerator!.MoveNext())
                {
                    _done = true;
                    break;
                }
                var node = _enumerator.Current;
                if (node.Removed) continue;
                if (_last is not null && BytesComparer.Instance.Compare(node.Key, _last) == 0) continue;
                _peeked = node;
                return node;
            }
            return null;
        }

        /// <summary>Consumes and returns the next live entry, or null at the end.</summary>
        public Node? Next()
        {
            lock (_map._lock) return NextLocked();
        }

        private Node? NextLocked()
        {
            var node = PeekLocked();
            if (node is not null)
            {
                _last = node.Key;
                _peeked = null;
            }
            return node;
        }

        /// <summary>Releases the underlying enumerator.</summary>
        public void Close()
        {
            lock (_map._lock)
            {
                _enumerator?.Dispose();
                _enumerator = null;
                _done = true;
            }
        }

        private void Reseek()
        {
            _enumerator?.Dispose();
            _enumerator = null;
            _version = _map._version;
            var set = _map._set;
            if (set.Count == 0)
            {
                _done = true;
                return;
            }
            byte[] low = (_reverse ? _from : _last ?? _from) ?? set.Min!.Key;
            byte[] high = (_reverse ? _last ?? _to : _to) ?? set.Max!.Key;
            if (BytesComparer.Instance.Compare(low, high) > 0)
            {
                _done = true;
                return;
            }
            var view = set.GetViewBetween(new Node(low, default!), new Node(high, default!));
            _enumerator = _reverse ? view.Reverse().GetEnumerator() : view.GetEnumerator();
        }
    }
}
