using System.Buffers;

namespace Samsa.Serialization;

/// <summary>Which part of a record is being (de)serialized.</summary>
public enum MessageComponent
{
    /// <summary>The record key.</summary>
    Key,
    /// <summary>The record value.</summary>
    Value,
}

/// <summary>What a serializer knows about the record it works on.</summary>
/// <param name="Topic">The record's topic.</param>
/// <param name="Component">Key or value.</param>
/// <param name="Headers">The record's headers, which a serializer may add to; null when there are none.</param>
public readonly record struct SerializationContext(string Topic, MessageComponent Component, Headers? Headers = null);

/// <summary>
/// Serializes <typeparamref name="T"/> synchronously into a buffer writer, so that the producer can write straight
/// into its batch without an intermediate array. Return false to produce a null (for example for a null value).
/// </summary>
public interface ISerializer<in T>
{
    /// <summary>Writes <paramref name="value"/>; returns false for a null key or value.</summary>
    bool Serialize(T value, IBufferWriter<byte> destination, in SerializationContext context);
}

/// <summary>Serializes <typeparamref name="T"/> asynchronously (schema registry lookups and the like).</summary>
public interface IAsyncSerializer<in T>
{
    /// <summary>Returns the serialized bytes, or null for a null key or value.</summary>
    ValueTask<byte[]?> SerializeAsync(T value, SerializationContext context, CancellationToken cancellationToken = default);
}

/// <summary>Deserializes <typeparamref name="T"/> synchronously from the record's bytes.</summary>
public interface IDeserializer<out T>
{
    /// <summary>Reads a value; <paramref name="isNull"/> tells a null key or value from an empty one.</summary>
    T Deserialize(ReadOnlySpan<byte> data, bool isNull, in SerializationContext context);
}

/// <summary>Deserializes <typeparamref name="T"/> asynchronously.</summary>
public interface IAsyncDeserializer<T>
{
    /// <summary>Reads a value; <paramref name="isNull"/> tells a null key or value from an empty one.</summary>
    ValueTask<T> DeserializeAsync(ReadOnlyMemory<byte> data, bool isNull, SerializationContext context, CancellationToken cancellationToken = default);
}

/// <summary>The type of a key or value that is always null (Confluent.Kafka's <c>Null</c>).</summary>
public sealed class Null
{
    private Null() { }
}

/// <summary>The type of a key or value the consumer does not deserialize (Confluent.Kafka's <c>Ignore</c>).</summary>
public sealed class Ignore
{
    private Ignore() { }
}
