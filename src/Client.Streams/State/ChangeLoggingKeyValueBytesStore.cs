using Samsa.Streams.State.Internals;

namespace Samsa.Streams.State;

/// <summary>
/// Kafka's change-logging layer over a key-value bytes store: every write goes to the inner store and then, when the
/// context has logging enabled for the store, to its changelog through <see cref="IStateStoreContext.LogChange"/>.
/// For timestamped stores the changelog record carries the plain value and the stored timestamp, as in Kafka.
/// Restores bypass this layer (the inner store registers its own callback), so they are never logged again.
/// </summary>
internal sealed class ChangeLoggingKeyValueBytesStore : IKeyValueStore<byte[], byte[]>
{
    private readonly IKeyValueStore<byte[], byte[]> _inner;
    private readonly bool _timestampedValues;
    private IStateStoreContext? _context;
    private bool _logging;

    public ChangeLoggingKeyValueBytesStore(IKeyValueStore<byte[], byte[]> inner, bool timestampedValues)
    {
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        _timestampedValues = timestampedValues;
    }

    public string Name => _inner.Name;

    public bool Persistent => _inner.Persistent;

    public bool IsOpen => _inner.IsOpen;

    public long ApproximateNumEntries => _inner.ApproximateNumEntries;

    /// <summary>The wrapped store.</summary>
    internal IKeyValueStore<byte[], byte[]> Inner => _inner;

    public void Init(IStateStoreContext context)
    {
        var wrapped = WrappedStoreContext.For(context, this);
        _context = wrapped;
        _logging = wrapped.IsLoggingEnabled(Name);
        _inner.Init(wrapped);
    }

    public byte[]? Get(byte[] key) => _inner.Get(key);

    public void Put(byte[] key, byte[]? value)
    {
        _inner.Put(key, value);
        Log(key, value);
    }

    public byte[]? PutIfAbsent(byte[] key, byte[]? value)
    {
        var previous = _inner.PutIfAbsent(key, value);
        if (previous is null) Log(key, value);
        return previous;
    }

    public void PutAll(IEnumerable<KeyValue<byte[], byte[]?>> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var list = entries as IReadOnlyCollection<KeyValue<byte[], byte[]?>> ?? entries.ToList();
        _inner.PutAll(list);
        foreach (var entry in list) Log(entry.Key, entry.Value);
    }

    public byte[]? Delete(byte[] key)
    {
        var previous = _inner.Delete(key);
        Log(key, null);
        return previous;
    }

    public IKeyValueIterator<byte[], byte[]> Range(byte[]? from, byte[]? to) => _inner.Range(from, to);

    public IKeyValueIterator<byte[], byte[]> ReverseRange(byte[]? from, byte[]? to) => _inner.ReverseRange(from, to);

    public IKeyValueIterator<byte[], byte[]> All() => _inner.All();

    public void Flush() => _inner.Flush();

    public void Close() => _inner.Close();

    private void Log(byte[] key, byte[]? value)
    {
        if (!_logging) return;
        var context = _context!;
        if (_timestampedValues && value is not null)
            context.LogChange(Name, key, TimestampedBytes.RawValue(value), TimestampedBytes.Timestamp(value));
        else
            context.LogChange(Name, key, value, context.RecordTimestamp);
    }
}
