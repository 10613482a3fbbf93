using Samsa.Serialization;

namespace Samsa.Consumer.Internal;

/// <summary>The built-in deserializer for a type, as Confluent.Kafka picks one for string, byte[], Null, Ignore and numbers.</summary>
internal static class DefaultDeserializers
{
    public static IDeserializer<T> For<T>(string component)
    {
        object? d = typeof(T) switch
        {
            var t when t == typeof(string) => Deserializers.Utf8,
            var t when t == typeof(byte[]) => Deserializers.ByteArray,
            var t when t == typeof(Null) => Deserializers.Null,
            var t when t == typeof(Ignore) => Deserializers.Ignore,
            var t when t == typeof(int) => Deserializers.Int32,
            var t when t == typeof(long) => Deserializers.Int64,
            var t when t == typeof(float) => Deserializers.Single,
            var t when t == typeof(double) => Deserializers.Double,
            _ => null,
        };
        return d as IDeserializer<T> ?? throw new ArgumentException($"No built-in {component} deserializer for {typeof(T).Name}; set one on the builder.");
    }
}
