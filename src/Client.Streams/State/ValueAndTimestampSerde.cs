using System.Buffers;
using System.Buffers.Binary;
using Samsa.Serialization;

namespace Samsa.Streams.State;

/// <summary>
/// Kafka's <c>ValueAndTimestampSerde</c>: an 8-byte big-endian timestamp followed by the inner serde's value bytes.
/// A null inner value serializes as a null, which deletes.
/// </summary>
public sealed class ValueAndTimestampSerde<TValue> : ISerde<ValueAndTimestamp<TValue>>, ISerializer<ValueAndTimestamp<TValue>>, IDeserializer<ValueAndTimestamp<TValue>>
{
    private readonly ISerde<TValue> _inner;

    /// <summary>Wraps the serde of the plain values.</summary>
    public ValueAndTimestampSerde(ISerde<TValue> inner) => _inner = inner ?? throw new ArgumentNullException(nameof(inner));

    /// <inheritdoc/>
    public ISerializer<ValueAndTimestamp<TValue>> Serializer => this;

    /// <inheritdoc/>
    public IDeserializer<ValueAndTimestamp<TValue>> Deserializer => this;

    /// <inheritdoc/>
    public bool Serialize(ValueAndTimestamp<TValue> value, IBufferWriter<byte> destination, in SerializationContext context)
    {
        // A null value is known before anything is written; inner serializers return false only for nulls.
        if (value.Value is null) return false;
        BinaryPrimitives.WriteInt64BigEndian(destination.GetSpan(8), value.Timestamp);
        destination.Advance(8);
        return _inner.Serializer.Serialize(value.Value, destination, context);
    }

    /// <inheritdoc/>
    public ValueAndTimestamp<TValue> Deserialize(ReadOnlySpan<byte> data, bool isNull, in SerializationContext context)
    {
        if (isNull) return default;
        if (data.Length < 8) throw new SerializationException($"A timestamped value needs at least 8 bytes; got {data.Length}.");
        return new ValueAndTimestamp<TValue>(_inner.Deserializer.Deserialize(data[8..], false, context), BinaryPrimitives.ReadInt64BigEndian(data));
    }
}
