namespace Samsa.Protocol.Compression;

/// <summary>Looks up the codec for a record batch's compression type.</summary>
public static class CompressionCodecs
{
    /// <summary>Default cap on a decompressed batch (Kafka's default <c>message.max.bytes</c> scale, generous).</summary>
    public const int DefaultMaxDecompressedSize = 256 * 1024 * 1024;

    /// <summary>Returns the codec for <paramref name="type"/>; throws <see cref="KafkaCompressionException"/> for an unknown id.</summary>
    public static ICompressionCodec Get(CompressionType type) => type switch
    {
        CompressionType.Gzip => GzipCodec.Instance,
        CompressionType.Snappy => SnappyCodec.Instance,
        CompressionType.Lz4 => Lz4Codec.Instance,
        CompressionType.Zstd => Zstd.ZstdCodec.Instance,
        _ => throw new KafkaCompressionException(type, $"Compression type {(int)type} is not supported."),
    };
}
