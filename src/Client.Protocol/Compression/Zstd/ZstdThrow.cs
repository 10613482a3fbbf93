using System.Diagnostics.CodeAnalysis;

namespace Samsa.Protocol.Compression.Zstd;

/// <summary>Throw helpers so hot paths stay small; every malformed-input fault becomes a <see cref="KafkaCompressionException"/>.</summary>
internal static class ZstdThrow
{
    [DoesNotReturn]
    public static void Corrupt(string what) =>
        throw new KafkaCompressionException(CompressionType.Zstd, $"corrupt or truncated input: {what}.");

    [DoesNotReturn]
    public static T Corrupt<T>(string what) =>
        throw new KafkaCompressionException(CompressionType.Zstd, $"corrupt or truncated input: {what}.");

    [DoesNotReturn]
    public static void TooLarge(long limit) =>
        throw new KafkaCompressionException(CompressionType.Zstd, $"decompressed size exceeds the limit of {limit} bytes.");

    [DoesNotReturn]
    public static void Unsupported(string what) =>
        throw new KafkaCompressionException(CompressionType.Zstd, $"unsupported feature: {what}.");
}
