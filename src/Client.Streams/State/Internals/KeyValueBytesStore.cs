namespace Samsa.Streams.State.Internals;

/// <summary>What the key-value bytes stores (in-memory and persistent) share: their name and the writes built on get and put.</summary>
internal abstract class KeyValueBytesStore
{
    private protected KeyValueBytesStore(string name)
    {
        StoreArguments.RequireName(name);
        Name = name;
    }

    public string Name { get; }

    public abstract byte[]? Get(byte[] key);

    public abstract void Put(byte[] key, byte[]? value);

    public byte[]? PutIfAbsent(byte[] key, byte[]? value)
    {
        var existing = Get(key);
        if (existing is null) Put(key, value);
        return existing;
    }

    public void PutAll(IEnumerable<KeyValue<byte[], byte[]?>> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        foreach (var entry in entries) Put(entry.Key, entry.Value);
    }
}
