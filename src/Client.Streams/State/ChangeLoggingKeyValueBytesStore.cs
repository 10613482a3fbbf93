using Samsa.Streams.State.Internals;

namespace Samsa.Streams.State;

/// <summary>
/// Kafka's change-logging layer over a key-value bytes store: every write goes to the inner store and then, when the
/// context has logging enabled for the store, to its changelog through <see cref="IStateStoreContext.LogChange"/>.
/// For timestamped stores the changelog record carries the plain value and the stored timestamp, as in Kafka.
/// Restores bypass this layer (the inner store registers its own callback), so they are never logged again.
/// </summary>
internal sealed class ChangeLoggingKeyValueBytesStore(IKeyValueStore<byte[], byte[]> inner, bool timestampedValues)
    : ChangeLoggingStore<IKeyValueStore<byte[], byte[]>>(inner), IKeyValueStore<byte[], byte[]>
{
    public long ApproximateNumEntries => Inner.ApproximateNumEntries;

    public byte[]? Get(byte[] key) => Inner.Get(key);

    public void Put(byte[] key, byte[]? value)
    {
        Inner.Put(key, value);
        Log(key, value);
    }

    public byte[]? PutIfAbsent(byte[] key, byte[]? value)
    {
        var previous = Inner.PutIfAbsent(key, value);
        if (previous is null) Log(key, value);
        return previous;
    }

    public void PutAll(IEnumerable<KeyValue<byte[], byte[]?>> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var list = entries as IReadOnlyCollection<KeyValue<byte[], byte[]?>> ?? entries.ToList();
        Inner.PutAll(list);
        foreach (var entry in list) Log(entry.Key, entry.Value);
    }

    public byte[]? Delete(byte[] key)
    {
        var previous = Inner.Delete(key);
        Log(key, null);
        return previous;
    }

    public IKeyValueIterator<byte[], byte[]> Range(byte[]? from, byte[]? to) => Inner.Range(from, to);

    public IKeyValueIterator<byte[], byte[]> ReverseRange(byte[]? from, byte[]? to) => Inner.ReverseRange(from, to);

    public IKeyValueIterator<byte[], byte[]> All() => Inner.All();

    private void Log(byte[] key, byte[]? value)
    {
        if (!Logging) return;
        var context = Context;
        if (timestampedValues && value is not null)
            context.LogChange(Name, key, TimestampedBytes.RawValue(value), TimestampedBytes.Timestamp(value));
        else
            context.LogChange(Name, key, value, context.RecordTimestamp);
    }
}
