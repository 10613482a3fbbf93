using System.Buffers;

namespace Samsa.Protocol.Compression;

/// <summary>
/// LZ4 in the frame format, as Kafka's Java client writes it: independent 64 KiB blocks, no checksums, no content
/// size. Decompression reads any valid frame: 64 KiB to 4 MiB blocks, independent or dependent, block and content
/// checksums, content size, skippable frames and concatenated frames.
/// </summary>
/// <remarks>
/// KIP-390 levels (1..17) are accepted for compatibility but all use the fast compressor; there is no
/// high-compression mode yet.
/// </remarks>
public sealed class Lz4Codec : ICompressionCodec
{
    /// <summary>The lowest accepted level (KIP-390).</summary>
    public const int MinLevel = 1;

    /// <summary>The highest accepted level (KIP-390).</summary>
    public const int MaxLevel = 17;

    /// <summary>The shared, stateless instance.</summary>
    public static Lz4Codec Instance { get; } = new();

    /// <inheritdoc />
    public CompressionType Type => CompressionType.Lz4;

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="level"/> is not within 1..17.</exception>
    public void Compress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination, int? level = null)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (level is < MinLevel or > MaxLevel)
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, "LZ4 level must be within 1..17.");
        }

        Lz4Frame.Compress(source, destination);
    }

    /// <inheritdoc />
    public void Decompress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination, int maxDecompressedSize)
    {
        ArgumentNullException.ThrowIfNull(destination);
        Lz4Frame.Decompress(source, destination, maxDecompressedSize, legacyHeaderChecksum: false);
    }

    /// <summary>
    /// Decompresses LZ4 from a message-format v0/v1 (magic 0/1) message set. Kafka before 0.10 computed the frame
    /// header checksum over the magic number as well (KAFKA-3160), so that checksum is accepted here besides the
    /// correct one.
    /// </summary>
    /// <param name="source">The compressed frame(s).</param>
    /// <param name="destination">Receives the uncompressed bytes.</param>
    /// <param name="maxDecompressedSize">The largest output accepted.</param>
    public static void DecompressLegacy(ReadOnlySpan<byte> source, IBufferWriter<byte> destination, int maxDecompressedSize)
    {
        ArgumentNullException.ThrowIfNull(destination);
        Lz4Frame.Decompress(source, destination, maxDecompressedSize, legacyHeaderChecksum: true);
    }
}
