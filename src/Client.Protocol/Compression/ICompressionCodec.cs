using System.Buffers;

namespace Samsa.Protocol.Compression;

/// <summary>
/// One compression codec as record batches use it. Implementations are stateless and thread-safe.
/// </summary>
public interface ICompressionCodec
{
    /// <summary>The codec's id in record-batch attributes.</summary>
    CompressionType Type { get; }

    /// <summary>Compresses <paramref name="source"/> and appends the result to <paramref name="destination"/>.</summary>
    /// <param name="source">The uncompressed bytes.</param>
    /// <param name="destination">Receives the compressed bytes.</param>
    /// <param name="level">The codec-specific level (KIP-390), or null for the codec's default.</param>
    void Compress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination, int? level = null);

    /// <summary>
    /// Decompresses <paramref name="source"/> and appends the result to <paramref name="destination"/>.
    /// Throws <see cref="KafkaCompressionException"/> when the input is corrupt or truncated, or when the output
    /// would exceed <paramref name="maxDecompressedSize"/>.
    /// </summary>
    void Decompress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination, int maxDecompressedSize);
}
