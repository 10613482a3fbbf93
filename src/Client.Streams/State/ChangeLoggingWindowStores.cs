using Samsa.Streams.State.Internals;

namespace Samsa.Streams.State;

/// <summary>
/// Kafka's change-logging window layer: changelog keys are binary window keys <c>[key][start][seq]</c> (the sequence
/// number tracked here as in Kafka when duplicates are retained); timestamped values are logged as the plain value
/// with the stored timestamp.
/// </summary>
internal sealed class ChangeLoggingWindowBytesStore(IWindowStore<byte[], byte[]> inner, bool retainDuplicates, bool timestampedValues) : IWindowStore<byte[], byte[]>
{
    private IStateStoreContext? _context;
    private bool _logging;
    private int _sequence;

    public string Name => inner.Name;

    public bool Persistent => inner.Persistent;

    public bool IsOpen => inner.IsOpen;

    internal IWindowStore<byte[], byte[]> Inner => inner;

    public void Init(IStateStoreContext context)
    {
        var wrapped = WrappedStoreContext.For(context, this);
        _context = wrapped;
        _logging = wrapped.IsLoggingEnabled(Name);
        inner.Init(wrapped);
    }

    public void Put(byte[] key, byte[]? value, long windowStart)
    {
        inner.Put(key, value, windowStart);
        if (retainDuplicates && value is null) return;
        int sequence = retainDuplicates ? (_sequence = (_sequence + 1) & int.MaxValue) : 0;
        if (!_logging) return;
        var storeKey = WindowKeys.ToWindowKey(key, windowStart, sequence);
        if (timestampedValues && value is not null) _context!.LogChange(Name, storeKey, TimestampedBytes.RawValue(value), TimestampedBytes.Timestamp(value));
        else _context!.LogChange(Name, storeKey, value, _context.RecordTimestamp);
    }

    public byte[]? Fetch(byte[] key, long windowStart) => inner.Fetch(key, windowStart);

    public IKeyValueIterator<long, byte[]> Fetch(byte[] key, long timeFrom, long timeTo) => inner.Fetch(key, timeFrom, timeTo);

    public IKeyValueIterator<Windowed<byte[]>, byte[]> FetchAll(long timeFrom, long timeTo) => inner.FetchAll(timeFrom, timeTo);

    public IKeyValueIterator<Windowed<byte[]>, byte[]> All() => inner.All();

    public void Flush() => inner.Flush();

    public void Close() => inner.Close();
}

/// <summary>Kafka's change-logging session layer: changelog keys are binary session keys <c>[key][end][start]</c>.</summary>
internal sealed class ChangeLoggingSessionBytesStore(ISessionStore<byte[], byte[]> inner) : ISessionStore<byte[], byte[]>
{
    private IStateStoreContext? _context;
    private bool _logging;

    public string Name => inner.Name;

    public bool Persistent => inner.Persistent;

    public bool IsOpen => inner.IsOpen;

    internal ISessionStore<byte[], byte[]> Inner => inner;

    public void Init(IStateStoreContext context)
    {
        var wrapped = WrappedStoreContext.For(context, this);
        _context = wrapped;
        _logging = wrapped.IsLoggingEnabled(Name);
        inner.Init(wrapped);
    }

    public void Put(Windowed<byte[]> session, byte[] value)
    {
        inner.Put(session, value);
        Log(session, value);
    }

    public void Remove(Windowed<byte[]> session)
    {
        inner.Remove(session);
        Log(session, null);
    }

    public IKeyValueIterator<Windowed<byte[]>, byte[]> FindSessions(byte[] key, long earliestSessionEnd, long latestSessionStart) =>
        inner.FindSessions(key, earliestSessionEnd, latestSessionStart);

    public IKeyValueIterator<Windowed<byte[]>, byte[]> Fetch(byte[] key) => inner.Fetch(key);

    public void Flush() => inner.Flush();

    public void Close() => inner.Close();

    private void Log(Windowed<byte[]> session, byte[]? value)
    {
        if (_logging) _context!.LogChange(Name, WindowKeys.ToSessionKey(session.Key, session.Window.Start, session.Window.End), value, _context.RecordTimestamp);
    }
}
