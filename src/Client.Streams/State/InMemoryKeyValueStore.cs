using Samsa.Streams.State.Internals;

namespace Samsa.Streams.State;

/// <summary>
/// Kafka's in-memory key-value bytes store: a sorted map ordered by unsigned key bytes with O(log n) reads and writes
/// and range scans in both directions. Its contents come back from the changelog after a restart.
/// Keys and values are kept as given (not copied). Not thread-safe: one task owns it.
/// </summary>
internal sealed class InMemoryKeyValueStore : KeyValueBytesStore, IKeyValueStore<byte[], byte[]>, IStateRestoreCallback
{
    private readonly OrderedBytesMap<byte[]> _map = new();

    public InMemoryKeyValueStore(string name)
        : base(name)
    {
    }

    public bool Persistent => false;

    public bool IsOpen { get; private set; }

    public long ApproximateNumEntries => _map.Count;

    public void Init(IStateStoreContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (IsOpen) throw new InvalidOperationException($"Store {Name} is already open.");
        _map.Clear();
        context.Register(this, this);
        IsOpen = true;
    }

    public override byte[]? Get(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _map.TryGetValue(key, out var value) ? value : null;
    }

    public override void Put(byte[] key, byte[]? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (value is null) _map.Remove(key, out _);
        else _map.Set(key, value, out _);
    }

    public byte[]? Delete(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _map.Remove(key, out var previous) ? previous : null;
    }

    public IKeyValueIterator<byte[], byte[]> Range(byte[]? from, byte[]? to) => new MapIterator<byte[]>(_map.Range(from, to, reverse: false), static n => n.Value);

    public IKeyValueIterator<byte[], byte[]> ReverseRange(byte[]? from, byte[]? to) => new MapIterator<byte[]>(_map.Range(from, to, reverse: true), static n => n.Value);

    public IKeyValueIterator<byte[], byte[]> All() => Range(null, null);

    /// <summary>Every entry from the last key down to the first.</summary>
    public IKeyValueIterator<byte[], byte[]> ReverseAll() => ReverseRange(null, null);

    public void Flush() { }

    public void Close()
    {
        _map.Clear();
        IsOpen = false;
    }

    void IStateRestoreCallback.RestoreBatch(IReadOnlyList<KeyValuePair<byte[], byte[]?>> records)
    {
        foreach (var record in records) Put(record.Key, record.Value);
    }
}
