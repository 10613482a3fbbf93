using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;

namespace Samsa.Serialization;

/// <summary>
/// The built-in serializers. Numbers use the Java client's big-endian layouts (IntegerSerializer, LongSerializer,
/// FloatSerializer, DoubleSerializer), so records interoperate with Java producers and consumers.
/// </summary>
public static class Serializers
{
    /// <summary>UTF-8 strings; null is a null key or value.</summary>
    public static ISerializer<string?> Utf8 { get; } = new Utf8Serializer();

    /// <summary>Byte arrays as they are; null is a null key or value.</summary>
    public static ISerializer<byte[]?> ByteArray { get; } = new ByteArraySerializer();

    /// <summary>Always null.</summary>
    public static ISerializer<Null?> Null { get; } = new NullSerializer();

    /// <summary>32-bit big-endian integers (Java IntegerSerializer).</summary>
    public static ISerializer<int> Int32 { get; } = new FixedSerializer<int>(4, static (s, v) => BinaryPrimitives.WriteInt32BigEndian(s, v));

    /// <summary>64-bit big-endian integers (Java LongSerializer).</summary>
    public static ISerializer<long> Int64 { get; } = new FixedSerializer<long>(8, static (s, v) => BinaryPrimitives.WriteInt64BigEndian(s, v));

    /// <summary>IEEE 754 single, big-endian (Java FloatSerializer).</summary>
    public static ISerializer<float> Single { get; } = new FixedSerializer<float>(4, static (s, v) => BinaryPrimitives.WriteSingleBigEndian(s, v));

    /// <summary>IEEE 754 double, big-endian (Java DoubleSerializer).</summary>
    public static ISerializer<double> Double { get; } = new FixedSerializer<double>(8, static (s, v) => BinaryPrimitives.WriteDoubleBigEndian(s, v));

    private sealed class Utf8Serializer : ISerializer<string?>
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public bool Serialize(string? value, IBufferWriter<byte> destination, in SerializationContext context)
        {
            if (value is null) return false;
            int written = Encoding.UTF8.GetBytes(value, destination.GetSpan(Encoding.UTF8.GetMaxByteCount(value.Length)));
            destination.Advance(written);
            return true;
        }
    }

    private sealed class ByteArraySerializer : ISerializer<byte[]?>
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public bool Serialize(byte[]? value, IBufferWriter<byte> destination, in SerializationContext context)
        {
            if (value is null) return false;
            destination.Write(value);
            return true;
        }
    }

    private sealed class NullSerializer : ISerializer<Null?>
    {
        public bool Serialize(Null? value, IBufferWriter<byte> destination, in SerializationContext context) => false;
    }

    private sealed class FixedSerializer<T>(int size, SpanWriter<T> write) : ISerializer<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public bool Serialize(T value, IBufferWriter<byte> destination, in SerializationContext context)
        {
            write(destination.GetSpan(size), value);
            destination.Advance(size);
            return true;
        }
    }

    private delegate void SpanWriter<in T>(Span<byte> destination, T value);
}

/// <summary>The built-in deserializers, mirroring <see cref="Serializers"/>.</summary>
public static class Deserializers
{
    /// <summary>UTF-8 strings; a null key or value gives null.</summary>
    public static IDeserializer<string?> Utf8 { get; } = new Utf8Deserializer();

    /// <summary>Byte arrays (copied); a null key or value gives null.</summary>
    public static IDeserializer<byte[]?> ByteArray { get; } = new ByteArrayDeserializer();

    /// <summary>Accepts only null.</summary>
    public static IDeserializer<Null?> Null { get; } = new NullDeserializer();

    /// <summary>Skips the bytes entirely.</summary>
    public static IDeserializer<Ignore?> Ignore { get; } = new IgnoreDeserializer();

    /// <summary>32-bit big-endian integers (Java IntegerDeserializer).</summary>
    public static IDeserializer<int> Int32 { get; } = new FixedDeserializer<int>(4, static s => BinaryPrimitives.ReadInt32BigEndian(s));

    /// <summary>64-bit big-endian integers (Java LongDeserializer).</summary>
    public static IDeserializer<long> Int64 { get; } = new FixedDeserializer<long>(8, static s => BinaryPrimitives.ReadInt64BigEndian(s));

    /// <summary>IEEE 754 single, big-endian.</summary>
    public static IDeserializer<float> Single { get; } = new FixedDeserializer<float>(4, static s => BinaryPrimitives.ReadSingleBigEndian(s));

    /// <summary>IEEE 754 double, big-endian.</summary>
    public static IDeserializer<double> Double { get; } = new FixedDeserializer<double>(8, static s => BinaryPrimitives.ReadDoubleBigEndian(s));

    private sealed class Utf8Deserializer : IDeserializer<string?>
    {
        public string? Deserialize(ReadOnlySpan<byte> data, bool isNull, in SerializationContext context) => isNull ? null : Encoding.UTF8.GetString(data);
    }

    private sealed class ByteArrayDeserializer : IDeserializer<byte[]?>
    {
        public byte[]? Deserialize(ReadOnlySpan<byte> data, bool isNull, in SerializationContext context) => isNull ? null : data.ToArray();
    }

    private sealed class NullDeserializer : IDeserializer<Null?>
    {
        public Null? Deserialize(ReadOnlySpan<byte> data, bool isNull, in SerializationContext context) =>
            isNull ? null : throw new SerializationException($"Expected a null {context.Component} on {context.Topic} but got {data.Length} bytes.");
    }

    private sealed class IgnoreDeserializer : IDeserializer<Ignore?>
    {
        public Ignore? Deserialize(ReadOnlySpan<byte> data, bool isNull, in SerializationContext context) => null;
    }

    private sealed class FixedDeserializer<T>(int size, SpanReader<T> read) : IDeserializer<T>
    {
        public T Deserialize(ReadOnlySpan<byte> data, bool isNull, in SerializationContext context)
        {
            if (isNull || data.Length != size)
                throw new SerializationException($"Expected {size} bytes for a {typeof(T).Name} {context.Component} on {context.Topic} but got {(isNull ? "null" : data.Length.ToString())}.");
            return read(data);
        }
    }

    private delegate T SpanReader<out T>(ReadOnlySpan<byte> source);
}

/// <summary>Thrown when a key or value cannot be serialized or deserialized.</summary>
public sealed class SerializationException : Exception
{
    /// <summary>Creates the exception with a message.</summary>
    public SerializationException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public SerializationException(string message, Exception innerException) : base(message, innerException) { }
}
