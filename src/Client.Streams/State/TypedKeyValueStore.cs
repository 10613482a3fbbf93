using Samsa.Serialization;
using Samsa.Streams.State.Internals;

namespace Samsa.Streams.State;

/// <summary>
/// The outermost key-value layer (Kafka's <c>MeteredKeyValueStore</c> role): a typed store over a bytes store,
/// serializing with the store's serdes (topic: the changelog topic name, as Kafka passes it). Range iterators
/// deserialize each entry as it is reached. Null keys are rejected; a null value deletes.
/// </summary>
internal class TypedKeyValueStore<TKey, TValue> : WrappedStateStore<IKeyValueStore<byte[], byte[]>>, IKeyValueStore<TKey, TValue>, IKeyValueLookup<TKey, TValue>
{
    private readonly bool _timestamped;
    private SerializationContext _keyContext;
    private SerializationContext _valueContext;

    public TypedKeyValueStore(IKeyValueStore<byte[], byte[]> inner, ISerde<TKey> keySerde, ISerde<TValue> valueSerde)
        : this(inner, keySerde, valueSerde, timestamped: false)
    {
    }

    private protected TypedKeyValueStore(IKeyValueStore<byte[], byte[]> inner, ISerde<TKey> keySerde, ISerde<TValue> valueSerde, bool timestamped)
        : base(inner)
    {
        KeySerde = keySerde ?? throw new ArgumentNullException(nameof(keySerde));
        ValueSerde = valueSerde ?? throw new ArgumentNullException(nameof(valueSerde));
        _timestamped = timestamped;
        _keyContext = new SerializationContext(inner.Name, MessageComponent.Key);
        _valueContext = new SerializationContext(inner.Name, MessageComponent.Value);
    }

    internal ISerde<TKey> KeySerde { get; }

    internal ISerde<TValue> ValueSerde { get; }

    public long ApproximateNumEntries => Inner.ApproximateNumEntries;

    public override void Init(IStateStoreContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        string topic = StoreArguments.ChangelogTopic(context.ApplicationId, Name);
        _keyContext = new SerializationContext(topic, MessageComponent.Key);
        _valueContext = new SerializationContext(topic, MessageComponent.Value);
        Inner.Init(WrappedStoreContext.For(context, this, _timestamped));
    }

    public TValue? Get(TKey key) => TryGet(key, out var value) ? value : default;

    public bool TryGet(TKey key, out TValue value)
    {
        var bytes = Inner.Get(SerializeKey(key));
        if (bytes is null)
        {
            value = default!;
            return false;
        }
        value = DeserializeValue(bytes);
        return true;
    }

    public void Put(TKey key, TValue? value) => Inner.Put(SerializeKey(key), SerializeValue(value));

    public TValue? PutIfAbsent(TKey key, TValue? value)
    {
        var previous = Inner.PutIfAbsent(SerializeKey(key), SerializeValue(value));
        return previous is null ? default : DeserializeValue(previous);
    }

    public void PutAll(IEnumerable<KeyValue<TKey, TValue?>> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var serialized = new List<KeyValue<byte[], byte[]?>>();
        foreach (var entry in entries) serialized.Add(new(SerializeKey(entry.Key), SerializeValue(entry.Value)));
        Inner.PutAll(serialized);
    }

    public TValue? Delete(TKey key)
    {
        var previous = Inner.Delete(SerializeKey(key));
        return previous is null ? default : DeserializeValue(previous);
    }

    public IKeyValueIterator<TKey, TValue> Range(TKey? from, TKey? to) => Wrap(Inner.Range(SerializeBound(from), SerializeBound(to)));

    public IKeyValueIterator<TKey, TValue> ReverseRange(TKey? from, TKey? to) => Wrap(Inner.ReverseRange(SerializeBound(from), SerializeBound(to)));

    public IKeyValueIterator<TKey, TValue> All() => Wrap(Inner.All());

    internal byte[] SerializeKey(TKey key)
    {
        if (key is null) throw new ArgumentNullException(nameof(key), $"Store {Name} does not accept null keys.");
        return SerializeBound(key) ?? throw new ArgumentException($"The key serde of store {Name} wrote a null key.", nameof(key));
    }

    private byte[]? SerializeBound(TKey? key)
    {
        if (key is null) return null;
        var buffer = SerializationBuffer.Get();
        return KeySerde.Serializer.Serialize(key, buffer, _keyContext) ? buffer.WrittenSpan.ToArray() : null;
    }

    private byte[]? SerializeValue(TValue? value)
    {
        if (value is null) return null;
        var buffer = SerializationBuffer.Get();
        return ValueSerde.Serializer.Serialize(value, buffer, _valueContext) ? buffer.WrittenSpan.ToArray() : null;
    }

    private TKey DeserializeKey(byte[] bytes) => KeySerde.Deserializer.Deserialize(bytes, false, _keyContext);

    private TValue DeserializeValue(byte[] bytes) => ValueSerde.Deserializer.Deserialize(bytes, false, _valueContext);

    private TypedIterator Wrap(IKeyValueIterator<byte[], byte[]> inner) => new(this, inner);

    private sealed class TypedIterator(TypedKeyValueStore<TKey, TValue> store, IKeyValueIterator<byte[], byte[]> inner) : IKeyValueIterator<TKey, TValue>
    {
        private KeyValue<TKey, TValue> _current;

        public KeyValue<TKey, TValue> Current => _current;

        object? System.Collections.IEnumerator.Current => _current;

        public bool MoveNext()
        {
            if (!inner.MoveNext())
            {
                _current = default;
                return false;
            }
            var entry = inner.Current;
            _current = new KeyValue<TKey, TValue>(store.DeserializeKey(entry.Key), store.DeserializeValue(entry.Value));
            return true;
        }

        public TKey PeekNextKey() => store.DeserializeKey(inner.PeekNextKey());

        public void Reset() => inner.Reset();

        public void Dispose() => inner.Dispose();
    }
}

/// <summary>A typed timestamped key-value store: Kafka's value layout (8-byte big-endian timestamp, then the value).</summary>
internal sealed class TimestampedKeyValueStore<TKey, TValue> : TypedKeyValueStore<TKey, ValueAndTimestamp<TValue>>, ITimestampedKeyValueStore<TKey, TValue>
{
    public TimestampedKeyValueStore(IKeyValueStore<byte[], byte[]> inner, ISerde<TKey> keySerde, ISerde<TValue> valueSerde)
        : base(inner, keySerde, new ValueAndTimestampSerde<TValue>(valueSerde), timestamped: true)
    {
    }
}
