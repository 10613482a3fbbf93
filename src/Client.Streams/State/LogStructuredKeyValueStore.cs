using Samsa.Streams.State.Internals;

namespace Samsa.Streams.State;

/// <summary>
/// The persistent key-value bytes store (Kafka's RocksDB store role) over a <see cref="LogFile"/> in
/// <c>&lt;state dir&gt;/&lt;store name&gt;/</c>. Keys stay in memory, values on disk. Not thread-safe.
/// </summary>
internal sealed class LogStructuredKeyValueStore : KeyValueBytesStore, IKeyValueStore<byte[], byte[]>, IStateRestoreCallback
{
    private readonly LogStructuredStoreOptions _options;
    private LogFile? _log;

    public LogStructuredKeyValueStore(string name, LogStructuredStoreOptions options)
        : base(name)
    {
        _options = options;
    }

    public bool Persistent => true;

    public bool IsOpen => _log is not null;

    public long ApproximateNumEntries => Log.Count;

    /// <summary>The open file (for tests and diagnostics).</summary>
    internal LogFile Log => _log ?? throw new InvalidOperationException($"Store {Name} is not open.");

    public void Init(IStateStoreContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_log is not null) throw new InvalidOperationException($"Store {Name} is already open.");
        string root = context.StateDirectory ?? throw new InvalidOperationException($"Persistent store {Name} needs a state directory (state.dir).");
        _log = LogFile.Open(Path.Combine(root, Name), _options);
        context.Register(this, this);
    }

    public override byte[]? Get(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Log.Get(key);
    }

    public override void Put(byte[] key, byte[]? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        Log.Put(key, value);
    }

    public byte[]? Delete(byte[] key)
    {
        var existing = Get(key);
        if (existing is not null) Log.Put(key, null);
        return existing;
    }

    public IKeyValueIterator<byte[], byte[]> Range(byte[]? from, byte[]? to) => Log.Range(from, to, reverse: false);

    public IKeyValueIterator<byte[], byte[]> ReverseRange(byte[]? from, byte[]? to) => Log.Range(from, to, reverse: true);

    public IKeyValueIterator<byte[], byte[]> All() => Log.Range(null, null, reverse: false);

    public void Flush() => _log?.Flush();

    public void Close()
    {
        var log = _log;
        _log = null;
        log?.Dispose();
    }

    void IStateRestoreCallback.RestoreBatch(IReadOnlyList<KeyValuePair<byte[], byte[]?>> records)
    {
        foreach (var record in records) Log.Put(record.Key, record.Value);
    }
}
