using Samsa.Serialization;

namespace Samsa.Streams;

/// <summary>Built-in serdes (Java byte layouts, so topics interoperate with Java Kafka Streams apps) and helpers.</summary>
public static class Serdes
{
    /// <summary>UTF-8 strings.</summary>
    public static ISerde<string?> String { get; } = From(Serializers.Utf8, Deserializers.Utf8);

    /// <summary>Byte arrays as they are.</summary>
    public static ISerde<byte[]?> ByteArray { get; } = From(Serializers.ByteArray, Deserializers.ByteArray);

    /// <summary>32-bit big-endian integers.</summary>
    public static ISerde<int> Int32 { get; } = From(Serializers.Int32, Deserializers.Int32);

    /// <summary>64-bit big-endian integers.</summary>
    public static ISerde<long> Int64 { get; } = From(Serializers.Int64, Deserializers.Int64);

    /// <summary>IEEE 754 doubles, big-endian.</summary>
    public static ISerde<double> Double { get; } = From(Serializers.Double, Deserializers.Double);

    /// <summary>Pairs a serializer with a deserializer.</summary>
    public static ISerde<T> From<T>(ISerializer<T> serializer, IDeserializer<T> deserializer) => new Serde<T>(serializer, deserializer);

    /// <summary>Serializes to a new array; null when the serializer writes a null.</summary>
    public static byte[]? SerializeToArray<T>(this ISerde<T> serde, T value, string topic, MessageComponent component = MessageComponent.Value)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        return serde.Serializer.Serialize(value, buffer, new SerializationContext(topic, component)) ? buffer.WrittenSpan.ToArray() : null;
    }

    /// <summary>Deserializes <paramref name="data"/>; null data is a null key or value.</summary>
    public static T Deserialize<T>(this ISerde<T> serde, byte[]? data, string topic, MessageComponent component = MessageComponent.Value) =>
        serde.Deserializer.Deserialize(data, data is null, new SerializationContext(topic, component));

    private sealed record Serde<T>(ISerializer<T> Serializer, IDeserializer<T> Deserializer) : ISerde<T>;
}
