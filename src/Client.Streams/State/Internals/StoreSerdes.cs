using System.Buffers;
using Samsa.Serialization;

namespace Samsa.Streams.State.Internals;

/// <summary>Key and value serialization for a typed store, with the changelog topic as serde context.</summary>
internal sealed class StoreSerdes<TKey, TValue>
{
    private readonly string _storeName;
    private SerializationContext _keyContext;
    private SerializationContext _valueContext;

    public StoreSerdes(string storeName, ISerde<TKey> keySerde, ISerde<TValue> valueSerde)
    {
        _storeName = storeName;
        KeySerde = keySerde ?? throw new ArgumentNullException(nameof(keySerde));
        ValueSerde = valueSerde ?? throw new ArgumentNullException(nameof(valueSerde));
        _keyContext = new SerializationContext(storeName, MessageComponent.Key);
        _valueContext = new SerializationContext(storeName, MessageComponent.Value);
    }

    public ISerde<TKey> KeySerde { get; }

    public ISerde<TValue> ValueSerde { get; }

    /// <summary>Switches the serde topic to the store's changelog topic.</summary>
    public void Init(IStateStoreContext context)
    {
        string topic = StoreArguments.ChangelogTopic(context.ApplicationId, _storeName);
        _keyContext = new SerializationContext(topic, MessageComponent.Key);
        _valueContext = new SerializationContext(topic, MessageComponent.Value);
    }

    public byte[] Key(TKey key)
    {
        if (key is null) throw new ArgumentNullException(nameof(key), $"Store {_storeName} does not accept null keys.");
        var buffer = SerializationBuffer.Get();
        return KeySerde.Serializer.Serialize(key, buffer, _keyContext)
            ? buffer.WrittenSpan.ToArray()
            : throw new ArgumentException($"The key serde of store {_storeName} wrote a null key.", nameof(key));
    }

    public byte[]? Value(TValue? value)
    {
        if (value is null) return null;
        var buffer = SerializationBuffer.Get();
        return ValueSerde.Serializer.Serialize(value, buffer, _valueContext) ? buffer.WrittenSpan.ToArray() : null;
    }

    public TKey ReadKey(byte[] bytes) => KeySerde.Deserializer.Deserialize(bytes, false, _keyContext);

    public TValue ReadValue(byte[] bytes) => ValueSerde.Deserializer.Deserialize(bytes, false, _valueContext);

    public Windowed<TKey> ReadWindowed(Windowed<byte[]> windowed) => new(ReadKey(windowed.Key), windowed.Window);
}

/// <summary>Maps an iterator's keys and values lazily, entry by entry.</summary>
internal sealed class MappedIterator<TKeyIn, TKeyOut, TValue>(IKeyValueIterator<TKeyIn, byte[]> inner, Func<TKeyIn, TKeyOut> key, Func<byte[], TValue> value)
    : IKeyValueIterator<TKeyOut, TValue>
{
    private KeyValue<TKeyOut, TValue> _current;

    public KeyValue<TKeyOut, TValue> Current => _current;

    object? System.Collections.IEnumerator.Current => _current;

    public bool MoveNext()
    {
        if (!inner.MoveNext())
        {
            _current = default;
            return false;
        }
        _current = new KeyValue<TKeyOut, TValue>(key(inner.Current.Key), value(inner.Current.Value));
        return true;
    }

    public TKeyOut PeekNextKey() => key(inner.PeekNextKey());

    public void Reset() => inner.Reset();

    public void Dispose() => inner.Dispose();
}

/// <summary>A per-thread scratch buffer for serializing store keys and values (stores are read from query threads too).</summary>
internal static class SerializationBuffer
{
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    /// <summary>The calling thread's buffer, emptied.</summary>
    public static ArrayBufferWriter<byte> Get()
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(256);
        if (buffer.Capacity > 1 << 20) buffer = t_buffer = new ArrayBufferWriter<byte>(256);
        buffer.ResetWrittenCount();
        return buffer;
    }
}
