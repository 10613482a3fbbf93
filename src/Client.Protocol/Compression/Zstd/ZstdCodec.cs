using System.Buffers;

namespace Samsa.Protocol.Compression.Zstd;

/// <summary>
/// Zstandard (RFC 8878) for Kafka record batches, in managed code: a complete frame decoder and a real compressor
/// (hash-table/hash-chain match finding, Huffman literals, FSE sequences). Stateless and thread-safe.
/// </summary>
public sealed class ZstdCodec : ICompressionCodec
{
    /// <summary>The level used when none is given (KIP-390 and libzstd default).</summary>
    public const int DefaultLevel = 3;

    /// <summary>Lowest accepted level; negative levels map to the fastest setting.</summary>
    public const int MinLevel = -131072;

    /// <summary>Highest accepted level.</summary>
    public const int MaxLevel = 22;

    /// <summary>A shared instance.</summary>
    public static ZstdCodec Instance { get; } = new();

    /// <inheritdoc />
    public CompressionType Type => CompressionType.Zstd;

    /// <summary>Whether compressed frames carry the optional XXH64 content checksum (off by default, like libzstd).</summary>
    public bool WriteChecksum { get; init; }

    /// <inheritdoc />
    public void Compress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination, int? level = null)
    {
        ArgumentNullException.ThrowIfNull(destination);
        int lvl = level ?? DefaultLevel;
        if (lvl < MinLevel || lvl > MaxLevel)
        {
            throw new ArgumentOutOfRangeException(nameof(level), lvl, $"zstd levels range from {MinLevel} to {MaxLevel}.");
        }

        ZstdCompressor.Compress(source, destination, lvl, WriteChecksum);
    }

    /// <inheritdoc />
    public void Decompress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination, int maxDecompressedSize)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentOutOfRangeException.ThrowIfNegative(maxDecompressedSize);
        ZstdDecoder.Decompress(source, destination, maxDecompressedSize);
    }
}
