using Samsa.Serialization;

namespace Samsa.Streams;

/// <summary>A serializer and deserializer pair for one type, as Kafka Streams' <c>Serde</c>.</summary>
public interface ISerde<T>
{
    /// <summary>Writes values of <typeparamref name="T"/>.</summary>
    ISerializer<T> Serializer { get; }

    /// <summary>Reads values of <typeparamref name="T"/>.</summary>
    IDeserializer<T> Deserializer { get; }
}
