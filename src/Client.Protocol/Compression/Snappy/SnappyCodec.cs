using System.Buffers;
using System.Buffers.Binary;

namespace Samsa.Protocol.Compression;

/// <summary>
/// Snappy as Kafka uses it. <see cref="Compress"/> writes the Java client's xerial framing (a 16-byte header, then
/// blocks of 32 KiB input, each a big-endian int32 length and a raw Snappy stream). <see cref="Decompress"/>
/// accepts xerial framing and plain raw Snappy, told apart by the xerial magic, as librdkafka does.
/// <see cref="CompressFramed"/> and <see cref="DecompressFramed"/> handle the official Snappy framing format
/// (python-snappy's stream format), which Kafka itself does not use.
/// </summary>
/// <remarks>Snappy has no levels: a level passed to <see cref="Compress"/> is ignored.</remarks>
public sealed class SnappyCodec : ICompressionCodec
{
    /// <summary>Uncompressed bytes per xerial block, as the Java client writes (xerial's default block size).</summary>
    public const int XerialBlockSize = 32 * 1024;

    private const int XerialHeaderLength = 16;

    private static ReadOnlySpan<byte> XerialMagic => [0x82, (byte)'S', (byte)'N', (byte)'A', (byte)'P', (byte)'P', (byte)'Y', 0x00];

    /// <summary>The shared, stateless instance.</summary>
    public static SnappyCodec Instance { get; } = new();

    /// <inheritdoc />
    public CompressionType Type => CompressionType.Snappy;

    /// <inheritdoc />
    public void Compress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination, int? level = null)
    {
        ArgumentNullException.ThrowIfNull(destination);
        Span<byte> header = destination.GetSpan(XerialHeaderLength);
        XerialMagic.CopyTo(header);
        BinaryPrimitives.WriteInt32BigEndian(header[8..], 1);
        BinaryPrimitives.WriteInt32BigEndian(header[12..], 1);
        destination.Advance(XerialHeaderLength);

        int maxBlock = SnappyBlock.MaxCompressedLength(XerialBlockSize);
        for (int position = 0; position < source.Length; position += XerialBlockSize)
        {
            ReadOnlySpan<byte> block = source.Slice(position, Math.Min(XerialBlockSize, source.Length - position));
            Span<byte> span = destination.GetSpan(4 + maxBlock);
            int written = SnappyBlock.Compress(block, span[4..]);
            BinaryPrimitives.WriteInt32BigEndian(span, written);
            destination.Advance(4 + written);
        }
    }

    /// <inheritdoc />
    public void Decompress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination, int maxDecompressedSize)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (source.Length >= XerialHeaderLength && source.StartsWith(XerialMagic))
        {
            DecompressXerial(source, destination, maxDecompressedSize);
        }
        else
        {
            long total = 0;
            DecompressRawInto(source, destination, maxDecompressedSize, ref total);
        }
    }

    /// <summary>
    /// Compresses <paramref name="source"/> in the official Snappy framing format: a stream identifier chunk,
    /// then chunks of at most 64 KiB input, each with a masked CRC-32C of its uncompressed bytes.
    /// </summary>
    /// <param name="source">The uncompressed bytes.</param>
    /// <param name="destination">Receives the framed stream.</param>
    public static void CompressFramed(ReadOnlySpan<byte> source, IBufferWriter<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        SnappyFraming.Compress(source, destination);
    }

    /// <summary>
    /// Decompresses a stream in the official Snappy framing format (stream identifier <c>0xff "sNaPpY"</c>),
    /// checking every chunk's CRC-32C. Throws <see cref="KafkaCompressionException"/> on corrupt input or when the
    /// output would exceed <paramref name="maxDecompressedSize"/>.
    /// </summary>
    /// <param name="source">The framed stream.</param>
    /// <param name="destination">Receives the uncompressed bytes.</param>
    /// <param name="maxDecompressedSize">The largest output accepted.</param>
    public static void DecompressFramed(ReadOnlySpan<byte> source, IBufferWriter<byte> destination, int maxDecompressedSize)
    {
        ArgumentNullException.ThrowIfNull(destination);
        SnappyFraming.Decompress(source, destination, maxDecompressedSize);
    }

    /// <summary>
    /// Compresses <paramref name="source"/> as one raw Snappy stream (no framing), as Avro's <c>snappy</c> container
    /// codec and other formats embed it.
    /// </summary>
    /// <param name="source">The uncompressed bytes.</param>
    /// <param name="destination">Receives the raw Snappy stream.</param>
    public static void CompressRaw(ReadOnlySpan<byte> source, IBufferWriter<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        Span<byte> span = destination.GetSpan(SnappyBlock.MaxCompressedLength(source.Length));
        destination.Advance(SnappyBlock.Compress(source, span));
    }

    /// <summary>
    /// Decompresses one raw Snappy stream (no framing). Throws <see cref="KafkaCompressionException"/> on corrupt
    /// input or when the output would exceed <paramref name="maxDecompressedSize"/>.
    /// </summary>
    /// <param name="source">The raw Snappy stream.</param>
    /// <param name="destination">Receives the uncompressed bytes.</param>
    /// <param name="maxDecompressedSize">The largest output accepted.</param>
    public static void DecompressRaw(ReadOnlySpan<byte> source, IBufferWriter<byte> destination, int maxDecompressedSize)
    {
        ArgumentNullException.ThrowIfNull(destination);
        long total = 0;
        DecompressRawInto(source, destination, maxDecompressedSize, ref total);
    }

    private static void DecompressXerial(ReadOnlySpan<byte> source, IBufferWriter<byte> destination, int maxDecompressedSize)
    {
        long total = 0;
        int position = XerialHeaderLength;
        while (position < source.Length)
        {
            if (source.Length - position < 4)
            {
                throw Corrupt("Truncated xerial block length.");
            }

            int length = BinaryPrimitives.ReadInt32BigEndian(source[position..]);
            position += 4;
            if (length <= 0 || length > source.Length - position)
            {
                throw Corrupt($"Invalid xerial block length {length} ({source.Length - position} bytes remain).");
            }

            DecompressRawInto(source.Slice(position, length), destination, maxDecompressedSize, ref total);
            position += length;
        }
    }

    /// <summary>Decodes one raw Snappy stream straight into the destination, checking the running total first.</summary>
    internal static void DecompressRawInto(ReadOnlySpan<byte> raw, IBufferWriter<byte> destination, int maxDecompressedSize, ref long total)
    {
        if (!SnappyBlock.TryGetUncompressedLength(raw, out int length, out _))
        {
            throw Corrupt("Invalid uncompressed length header.");
        }

        if (total + length > maxDecompressedSize)
        {
            throw TooLarge(maxDecompressedSize);
        }

        if (length == 0)
        {
            if (raw.Length != 1)
            {
                throw Corrupt("Trailing bytes after an empty stream.");
            }

            return;
        }

        Span<byte> output = destination.GetSpan(length)[..length];
        if (!SnappyBlock.TryDecompress(raw, output))
        {
            throw Corrupt("Corrupt raw Snappy data.");
        }

        destination.Advance(length);
        total += length;
    }

    internal static KafkaCompressionException Corrupt(string message) => new(CompressionType.Snappy, message);

    internal static KafkaCompressionException TooLarge(int max) =>
        new(CompressionType.Snappy, $"Decompressed size exceeds the limit of {max} bytes.");
}
