namespace Samsa.Streams.State.Internals;

/// <summary>
/// A sorted map from byte-array keys (unsigned lexicographic order) to <typeparamref name="T"/>, kept as a list of
/// sorted chunks of at most <see cref="ChunkSize"/> entries (a two-level B-tree): O(log n) lookups and seeks, inserts
/// that move at most one chunk, and cache-friendly scans in both directions. Range cursors survive writes made while
/// they are open (they re-seek after the last key they returned, as Kafka's store iterators tolerate puts and deletes
/// during iteration). Every operation takes an internal lock, so interactive queries may read while the owning task
/// writes.
/// </summary>
internal sealed class OrderedBytesMap<T>
{
    internal const int ChunkSize = 128;

    private readonly List<List<Node>> _chunks = [];
    private readonly Lock _lock = new();
    private int _count;
    private int _version;

    /// <summary>The number of entries.</summary>
    public int Count
    {
        get { lock (_lock) return _count; }
    }

    /// <summary>Looks up <paramref name="key"/>.</summary>
    public bool TryGetValue(byte[] key, out T value)
    {
        lock (_lock)
        {
            if (Find(key, out int chunk, out int index))
            {
                value = _chunks[chunk][index].Value;
                return true;
            }
            value = default!;
            return false;
        }
    }

    /// <summary>Sets the value of <paramref name="key"/>; returns true when the key existed, with its previous value.</summary>
    public bool Set(byte[] key, T value, out T previous)
    {
        lock (_lock)
        {
            if (Find(key, out int chunk, out int index))
            {
                var node = _chunks[chunk][index];
                previous = node.Value;
                node.Value = value;
                return true;
            }
            previous = default!;
            if (_chunks.Count == 0) _chunks.Add(new List<Node>(ChunkSize + 1));
            var items = _chunks[chunk];
            items.Insert(index, new Node(key, value));
            if (items.Count > ChunkSize)
            {
                var upper = items.GetRange(ChunkSize / 2, items.Count - ChunkSize / 2);
                upper.Capacity = ChunkSize + 1;
                items.RemoveRange(ChunkSize / 2, items.Count - ChunkSize / 2);
                _chunks.Insert(chunk + 1, upper);
            }
            _count++;
            _version++;
            return false;
        }
    }

    /// <summary>Removes <paramref name="key"/>; returns true with its value when it existed.</summary>
    public bool Remove(byte[] key, out T previous)
    {
        lock (_lock)
        {
            if (!Find(key, out int chunk, out int index))
            {
                previous = default!;
                return false;
            }
            var items = _chunks[chunk];
            var node = items[index];
            items.RemoveAt(index);
            if (items.Count == 0) _chunks.RemoveAt(chunk);
            node.Removed = true;
            previous = node.Value;
            node.Value = default!;
            _count--;
            _version++;
            return true;
        }
    }

    /// <summary>Removes every entry.</summary>
    public void Clear()
    {
        lock (_lock)
        {
            foreach (var chunk in _chunks)
                foreach (var node in chunk) node.Removed = true;
            _chunks.Clear();
            _count = 0;
            _version++;
        }
    }

    /// <summary>A cursor over keys between the inclusive bounds (null is open), forward or in reverse.</summary>
    public Cursor Range(byte[]? from, byte[]? to, bool reverse) => new(this, from, to, reverse);

    /// <summary>
    /// Finds <paramref name="key"/>: true with its position, or false with the position where it would be inserted
    /// (chunk 0 when the map is empty).
    /// </summary>
    private bool Find(byte[] key, out int chunk, out int index)
    {
        chunk = ChunkFor(key);
        if (_chunks.Count == 0)
        {
            index = 0;
            return false;
        }
        index = Search(_chunks[chunk], key);
        if (index >= 0) return true;
        index = ~index;
        return false;
    }

    /// <summary>The last chunk whose first key is at most <paramref name="key"/>, or 0.</summary>
    private int ChunkFor(byte[] key)
    {
        int low = 0, high = _chunks.Count - 1, result = 0;
        while (low <= high)
        {
            int mid = (low + high) >>> 1;
            if (BytesComparer.Instance.Compare(_chunks[mid][0].Key, key) <= 0)
            {
                result = mid;
                low = mid + 1;
            }
            else high = mid - 1;
        }
        return result;
    }

    private static int Search(List<Node> items, byte[] key)
    {
        int low = 0, high = items.Count - 1;
        while (low <= high)
        {
            int mid = (low + high) >>> 1;
            int c = BytesComparer.Instance.Compare(items[mid].Key, key);
            if (c == 0) return mid;
            if (c < 0) low = mid + 1;
            else high = mid - 1;
        }
        return ~low;
    }

    /// <summary>One entry; <see cref="Removed"/> turns true when it leaves the map.</summary>
    internal sealed class Node(byte[] key, T value)
    {
        public byte[] Key { get; } = key;
        public T Value { get; set; } = value;
        public bool Removed { get; set; }
    }

    /// <summary>A position in a range; re-seeks after the last returned key when the map changed under it.</summary>
    internal sealed class Cursor
    {
        private readonly OrderedBytesMap<T> _map;
        private readonly byte[]? _from;
        private readonly byte[]? _to;
        private readonly bool _reverse;
        private int _chunk;
        private int _index;
        private int _version = -1;
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

        /// <summary>Consumes and returns the next live entry, or null at the end.</summary>
        public Node? Next()
        {
            lock (_map._lock)
            {
                var node = PeekLocked();
                if (node is not null)
                {
                    _last = node.Key;
                    _peeked = null;
                }
                return node;
            }
        }

        /// <summary>Ends the cursor.</summary>
        public void Close()
        {
            lock (_map._lock) _done = true;
        }

        private Node? PeekLocked()
        {
            if (_peeked is { Removed: false } && _version == _map._version) return _peeked;
            _peeked = null;
            if (_done) return null;
            if (_version != _map._version) Seek();
            else if (_last is not null) Step();
            var chunks = _map._chunks;
            if (_chunk < 0 || _chunk >= chunks.Count)
            {
                _done = true;
                return null;
            }
            var node = chunks[_chunk][_index];
            if (_reverse ? _from is not null && BytesComparer.Instance.Compare(node.Key, _from) < 0
                         : _to is not null && BytesComparer.Instance.Compare(node.Key, _to) > 0)
            {
                _done = true;
                return null;
            }
            _peeked = node;
            return node;
        }

        /// <summary>Moves one entry on from the current position (which holds the last returned key).</summary>
        private void Step()
        {
            var chunks = _map._chunks;
            if (_reverse)
            {
                if (--_index < 0 && --_chunk >= 0) _index = chunks[_chunk].Count - 1;
            }
            else if (++_index >= chunks[_chunk].Count)
            {
                _chunk++;
                _index = 0;
            }
        }

        /// <summary>Positions on the first entry after the last returned key (or on the range start).</summary>
        private void Seek()
        {
            _version = _map._version;
            var chunks = _map._chunks;
            if (chunks.Count == 0)
            {
                _chunk = -1;
                return;
            }
            byte[]? anchor = _last ?? (_reverse ? _to : _from);
            bool exclusive = _last is not null;
            if (anchor is null)
            {
                _chunk = _reverse ? chunks.Count - 1 : 0;
                _index = _reverse ? chunks[_chunk].Count - 1 : 0;
                return;
            }
            _chunk = _map.ChunkFor(anchor);
            int found = Search(chunks[_chunk], anchor);
            if (_reverse)
            {
                // Last entry <= anchor (< anchor when exclusive).
                _index = found >= 0 ? (exclusive ? found - 1 : found) : ~found - 1;
                if (_index < 0 && --_chunk >= 0) _index = chunks[_chunk].Count - 1;
            }
            else
            {
                // First entry >= anchor (> anchor when exclusive).
                _index = found >= 0 ? (exclusive ? found + 1 : found) : ~found;
                if (_index >= chunks[_chunk].Count)
                {
                    _chunk++;
                    _index = 0;
                }
            }
        }
    }
}
