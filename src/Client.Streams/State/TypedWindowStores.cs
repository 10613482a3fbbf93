using Samsa.Streams.State.Internals;

namespace Samsa.Streams.State;

/// <summary>Kafka's <c>TimestampedWindowStore</c>: window values carry the timestamp of the record that wrote them.</summary>
public interface ITimestampedWindowStore<TKey, TValue> : IWindowStore<TKey, ValueAndTimestamp<TValue>>;

/// <summary>The typed window layer (Kafka's <c>MeteredWindowStore</c> role) over a window bytes store.</summary>
internal class TypedWindowStore<TKey, TValue> : WrappedStateStore<IWindowStore<byte[], byte[]>>, IWindowStore<TKey, TValue>
{
    private readonly StoreSerdes<TKey, TValue> _serdes;
    private readonly bool _timestamped;

    public TypedWindowStore(IWindowStore<byte[], byte[]> inner, ISerde<TKey> keySerde, ISerde<TValue> valueSerde)
        : this(inner, keySerde, valueSerde, timestamped: false)
    {
    }

    private protected TypedWindowStore(IWindowStore<byte[], byte[]> inner, ISerde<TKey> keySerde, ISerde<TValue> valueSerde, bool timestamped)
        : base(inner)
    {
        _serdes = new StoreSerdes<TKey, TValue>(inner.Name, keySerde, valueSerde);
        _timestamped = timestamped;
    }

    public override void Init(IStateStoreContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _serdes.Init(context);
        Inner.Init(WrappedStoreContext.For(context, this, _timestamped));
    }

    public void Put(TKey key, TValue? value, long windowStart) => Inner.Put(_serdes.Key(key), _serdes.Value(value), windowStart);

    public TValue? Fetch(TKey key, long windowStart) => Inner.Fetch(_serdes.Key(key), windowStart) is { } bytes ? _serdes.ReadValue(bytes) : default;

    public IKeyValueIterator<long, TValue> Fetch(TKey key, long timeFrom, long timeTo) =>
        new MappedIterator<long, long, TValue>(Inner.Fetch(_serdes.Key(key), timeFrom, timeTo), static t => t, _serdes.ReadValue);

    public IKeyValueIterator<Windowed<TKey>, TValue> FetchAll(long timeFrom, long timeTo) =>
        new MappedIterator<Windowed<byte[]>, Windowed<TKey>, TValue>(Inner.FetchAll(timeFrom, timeTo), _serdes.ReadWindowed, _serdes.ReadValue);

    public IKeyValueIterator<Windowed<TKey>, TValue> All() =>
        new MappedIterator<Windowed<byte[]>, Windowed<TKey>, TValue>(Inner.All(), _serdes.ReadWindowed, _serdes.ReadValue);
}

/// <summary>A typed timestamped window store (values in Kafka's timestamped layout).</summary>
internal sealed class TimestampedWindowStore<TKey, TValue>(IWindowStore<byte[], byte[]> inner, ISerde<TKey> keySerde, ISerde<TValue> valueSerde)
    : TypedWindowStore<TKey, ValueAndTimestamp<TValue>>(inner, keySerde, new ValueAndTimestampSerde<TValue>(valueSerde), timestamped: true), ITimestampedWindowStore<TKey, TValue>;

/// <summary>The typed session layer (Kafka's <c>MeteredSessionStore</c> role) over a session bytes store.</summary>
internal sealed class TypedSessionStore<TKey, TValue> : WrappedStateStore<ISessionStore<byte[], byte[]>>, ISessionStore<TKey, TValue>
{
    private readonly StoreSerdes<TKey, TValue> _serdes;

    public TypedSessionStore(ISessionStore<byte[], byte[]> inner, ISerde<TKey> keySerde, ISerde<TValue> valueSerde)
        : base(inner)
    {
        _serdes = new StoreSerdes<TKey, TValue>(inner.Name, keySerde, valueSerde);
    }

    public override void Init(IStateStoreContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _serdes.Init(context);
        Inner.Init(WrappedStoreContext.For(context, this));
    }

    public void Put(Windowed<TKey> session, TValue value)
    {
        var key = new Windowed<byte[]>(_serdes.Key(session.Key), session.Window);
        if (_serdes.Value(value) is { } bytes) Inner.Put(key, bytes);
        else Inner.Remove(key);
    }

    public void Remove(Windowed<TKey> session) => Inner.Remove(new Windowed<byte[]>(_serdes.Key(session.Key), session.Window));

    public IKeyValueIterator<Windowed<TKey>, TValue> FindSessions(TKey key, long earliestSessionEnd, long latestSessionStart) =>
        new MappedIterator<Windowed<byte[]>, Windowed<TKey>, TValue>(Inner.FindSessions(_serdes.Key(key), earliestSessionEnd, latestSessionStart), _serdes.ReadWindowed, _serdes.ReadValue);

    public IKeyValueIterator<Windowed<TKey>, TValue> Fetch(TKey key) =>
        new MappedIterator<Windowed<byte[]>, Windowed<TKey>, TValue>(Inner.Fetch(_serdes.Key(key)), _serdes.ReadWindowed, _serdes.ReadValue);
}
