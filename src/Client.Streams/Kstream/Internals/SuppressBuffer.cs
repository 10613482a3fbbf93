using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Samsa.Serialization;
using Samsa.Streams.Internals.Engine;
using Samsa.Streams.State;

namespace Samsa.Streams.Kstream.Internals;

/// <summary>One buffered key of a suppression.</summary>
internal sealed class SuppressEntry<TKey, TValue>(TKey key, byte[] keyBytes, long bufferTime, long sequence, bool hasPrior, TValue prior)
{
    public TKey Key => key;
    public byte[] KeyBytes => keyBytes;
    public long BufferTime => bufferTime;
    public long Sequence => sequence;
    public bool HasPrior => hasPrior;
    public TValue Prior => prior;
    public bool HasNew;
    public TValue New = default!;
    public long Timestamp;
    public Headers? Headers;
    public long Size;
}

/// <summary>Serializes suppression buffer entries for the buffer store (and its changelog).</summary>
internal sealed class SuppressBufferCodec<TKey, TValue>(string storeName, ISerde<TKey> keys, ISerde<TValue> values)
{
    /// <summary>The key's bytes (the buffer store key).</summary>
    public byte[] KeyBytes(TKey key) => Serialize(keys.Serializer, key, MessageComponent.Key) ?? [];

    /// <summary>A key read back from the buffer store.</summary>
    public TKey Key(byte[] bytes) => keys.Deserializer.Deserialize(bytes, false, new SerializationContext(storeName, MessageComponent.Key));

    public byte[]? Serialize<T>(ISerializer<T> serializer, T value, MessageComponent component)
    {
        var buffer = new ArrayBufferWriter<byte>();
        return serializer.Serialize(value, buffer, new SerializationContext(storeName, component)) ? buffer.WrittenSpan.ToArray() : null;
    }

    // Entry layout: buffer time, sequence, timestamp (8 bytes each), prior and new value (4-byte length, -1 = absent,
    // then bytes), header count, then per header a length-prefixed UTF-8 key and a length-prefixed value (-1 = null).
    public byte[] Encode(SuppressEntry<TKey, TValue> entry)
    {
        var output = new ArrayBufferWriter<byte>();
        WriteInt64(output, entry.BufferTime);
        WriteInt64(output, entry.Sequence);
        WriteInt64(output, entry.Timestamp);
        WriteBytes(output, entry.HasPrior ? Serialize(values.Serializer, entry.Prior, MessageComponent.Value) : null);
        WriteBytes(output, entry.HasNew ? Serialize(values.Serializer, entry.New, MessageComponent.Value) : null);
        WriteInt32(output, entry.Headers?.Count ?? 0);
        foreach (var header in (IEnumerable<Header>?)entry.Headers ?? [])
        {
            WriteBytes(output, Encoding.UTF8.GetBytes(header.Key));
            WriteBytes(output, header.Value);
        }
        return output.WrittenSpan.ToArray();
    }

    public SuppressEntry<TKey, TValue> Decode(TKey key, byte[] keyBytes, byte[] encoded, out long sequence)
    {
        var span = new ReadOnlySpan<byte>(encoded);
        long bufferTime = ReadInt64(ref span);
        sequence = ReadInt64(ref span);
        long timestamp = ReadInt64(ref span);
        var prior = ReadBytes(ref span, out bool hasPrior);
        var added = ReadBytes(ref span, out bool hasNew);
        var context = new SerializationContext(storeName, MessageComponent.Value);
        int headerCount = ReadInt32(ref span);
        Headers? headers = headerCount > 0 ? new Headers(headerCount) : null;
        for (int i = 0; i < headerCount; i++)
        {
            string name = Encoding.UTF8.GetString(ReadBytes(ref span, out _));
            var value = ReadBytes(ref span, out bool hasValue);
            headers!.Add(name, hasValue ? value.ToArray() : null);
        }
        return new SuppressEntry<TKey, TValue>(key, keyBytes, bufferTime, sequence, hasPrior, hasPrior ? values.Deserializer.Deserialize(prior, false, context) : default!)
        {
            HasNew = hasNew,
            New = hasNew ? values.Deserializer.Deserialize(added, false, context) : default!,
            Timestamp = timestamp,
            Headers = headers,
            Size = keyBytes.Length + encoded.Length,
        };
    }

    private static void WriteInt64(ArrayBufferWriter<byte> output, long value)
    {
        BinaryPrimitives.WriteInt64BigEndian(output.GetSpan(8), value);
        output.Advance(8);
    }

    private static void WriteInt32(ArrayBufferWriter<byte> output, int value)
    {
        BinaryPrimitives.WriteInt32BigEndian(output.GetSpan(4), value);
        output.Advance(4);
    }

    private static void WriteBytes(ArrayBufferWriter<byte> output, byte[]? bytes)
    {
        WriteInt32(output, bytes?.Length ?? -1);
        if (bytes is not null)
            output.Write(bytes);
    }

    private static long ReadInt64(ref ReadOnlySpan<byte> span)
    {
        long value = BinaryPrimitives.ReadInt64BigEndian(span);
        span = span[8..];
        return value;
    }

    private static int ReadInt32(ref ReadOnlySpan<byte> span)
    {
        int value = BinaryPrimitives.ReadInt32BigEndian(span);
        span = span[4..];
        return value;
    }

    private static ReadOnlySpan<byte> ReadBytes(ref ReadOnlySpan<byte> span, out bool present)
    {
        int length = ReadInt32(ref span);
        present = length >= 0;
        if (!present)
            return default;
        var bytes = span[..length];
        span = span[length..];
        return bytes;
    }
}

/// <summary>
/// Reads a suppressed table (Kafka's suppression view): a key still in the buffer has the value from before its
/// buffered updates (what downstream has seen); other keys are read from the upstream table.
/// </summary>
internal sealed class SuppressedValueGetter<TKey, TValue>(string storeName, IValueGetter<TKey, TValue> parent,
    Func<StreamsConfig, ISerde<TKey>> keySerdeFor, Func<StreamsConfig, ISerde<TValue>> valueSerdeFor) : IValueGetter<TKey, TValue>
{
    private IKeyValueStore<byte[]?, byte[]?> _store = null!;
    private SuppressBufferCodec<TKey, TValue> _codec = null!;

    public void Init(TaskContext task)
    {
        parent.Init(task);
        _store = (IKeyValueStore<byte[]?, byte[]?>)task.Stores[storeName];
        _codec = new SuppressBufferCodec<TKey, TValue>(storeName, keySerdeFor(task.Config), valueSerdeFor(task.Config));
    }

    public bool TryGet(TKey key, out ValueAndTimestamp<TValue> value)
    {
        if (key is not null && _store.Get(_codec.KeyBytes(key)) is { } encoded)
        {
            var entry = _codec.Decode(key, [], encoded, out _);
            value = entry.HasPrior ? new ValueAndTimestamp<TValue>(entry.Prior, entry.Timestamp) : default;
            return entry.HasPrior;
        }
        return parent.TryGet(key, out value);
    }
}
