namespace Samsa.Streams.State.Internals;

/// <summary>Ordered bytes storage for one segment of a window or session store.</summary>
internal interface IBytesMap
{
    /// <summary>The value, or null.</summary>
    byte[]? Get(byte[] key);

    /// <summary>Writes a value; null deletes.</summary>
    void Put(byte[] key, byte[]? value);

    /// <summary>Entries between inclusive bounds (null is open), in key-byte order or reversed.</summary>
    IKeyValueIterator<byte[], byte[]> Range(byte[]? from, byte[]? to, bool reverse);

    /// <summary>Live entries.</summary>
    long Count { get; }

    /// <summary>Makes writes durable.</summary>
    void Flush();

    /// <summary>Releases the segment; persistent data stays.</summary>
    void Close();

    /// <summary>Releases the segment and deletes its data.</summary>
    void Destroy();
}

/// <summary>An in-memory segment.</summary>
internal sealed class InMemoryBytesMap : IBytesMap
{
    private readonly OrderedBytesMap<byte[]> _map = new();

    public byte[]? Get(byte[] key) => _map.TryGetValue(key, out var value) ? value : null;

    public void Put(byte[] key, byte[]? value)
    {
        if (value is null) _map.Remove(key, out _);
        else _map.Set(key, value, out _);
    }

    public IKeyValueIterator<byte[], byte[]> Range(byte[]? from, byte[]? to, bool reverse) => new MapIterator<byte[]>(_map.Range(from, to, reverse), static n => n.Value);

    public long Count => _map.Count;

    public void Flush() { }

    public void Close() => _map.Clear();

    public void Destroy() => _map.Clear();
}

/// <summary>A persistent segment: one <see cref="LogFile"/> in its own directory.</summary>
internal sealed class LogFileBytesMap(LogFile log) : IBytesMap
{
    public byte[]? Get(byte[] key) => log.Get(key);

    public void Put(byte[] key, byte[]? value) => log.Put(key, value);

    public IKeyValueIterator<byte[], byte[]> Range(byte[]? from, byte[]? to, bool reverse) => log.Range(from, to, reverse);

    public long Count => log.Count;

    public void Flush() => log.Flush();

    public void Close() => log.Dispose();

    public void Destroy() => log.Destroy();
}
