using Samsa.Streams.State.Internals;

namespace Samsa.Streams.State;

/// <summary>
/// Kafka's change-logging window layer: changelog keys are binary window keys <c>[key][start][seq]</c> (the sequence
/// number tracked here as in Kafka when duplicates are retained); timestamped values are logged as the plain value
/// with the stored timestamp.
/// </summary>
internal sealed class ChangeLoggingWindowBytesStore(IWindowStore<byte[], byte[]> inner, bool retainDuplicates, bool timestampedValues)
    : ChangeLoggingStore<IWindowStore<byte[], byte[]>>(inner), IWindowStore<byte[], byte[]>
{
    private int _sequence;

    public void Put(byte[] key, byte[]? value, long windowStart)
    {
        Inner.Put(key, value, windowStart);
        if (retainDuplicates && value is null) return;
        int sequence = retainDuplicates ? (_sequence = (_sequence + 1) & int.MaxValue) : 0;
        if (!Logging) return;
        var storeKey = WindowKeys.ToWindowKey(key, windowStart, sequence);
        if (timestampedValues && value is not null) Context.LogChange(Name, storeKey, TimestampedBytes.RawValue(value), TimestampedBytes.Timestamp(value));
        else Context.LogChange(Name, storeKey, value, Context.RecordTimestamp);
    }

    public byte[]? Fetch(byte[] key, long windowStart) => Inner.Fetch(key, windowStart);

    public IKeyValueIterator<long, byte[]> Fetch(byte[] key, long timeFrom, long timeTo) => Inner.Fetch(key, timeFrom, timeTo);

    public IKeyValueIterator<Windowed<byte[]>, byte[]> FetchAll(long timeFrom, long timeTo) => Inner.FetchAll(timeFrom, timeTo);

    public IKeyValueIterator<Windowed<byte[]>, byte[]> All() => Inner.All();
}

/// <summary>Kafka's change-logging session layer: changelog keys are binary session keys <c>[key][end][start]</c>.</summary>
internal sealed class ChangeLoggingSessionBytesStore(ISessionStore<byte[], byte[]> inner)
    : ChangeLoggingStore<ISessionStore<byte[], byte[]>>(inner), ISessionStore<byte[], byte[]>
{

    public void Put(Windowed<byte[]> session, byte[] value)
    {
        Inner.Put(session, value);
        Log(session, value);
    }

    public void Remove(Windowed<byte[]> session)
    {
        Inner.Remove(session);
        Log(session, null);
    }

    public IKeyValueIterator<Windowed<byte[]>, byte[]> FindSessions(byte[] key, long earliestSessionEnd, long latestSessionStart) =>
        Inner.FindSessions(key, earliestSessionEnd, latestSessionStart);

    public IKeyValueIterator<Windowed<byte[]>, byte[]> Fetch(byte[] key) => Inner.Fetch(key);

    private void Log(Windowed<byte[]> session, byte[]? value)
    {
        if (Logging) Context.LogChange(Name, WindowKeys.ToSessionKey(session.Key, session.Window.Start, session.Window.End), value, Context.RecordTimestamp);
    }
}
