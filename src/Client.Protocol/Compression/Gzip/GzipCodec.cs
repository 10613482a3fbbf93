using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;

namespace Samsa.Protocol.Compression;

/// <summary>
/// gzip (RFC 1952) over the platform zlib, as the Java client's <c>GZIPOutputStream</c> writes it.
/// </summary>
/// <remarks>
/// Levels follow KIP-390 (<c>compression.gzip.level</c>): 1 (fastest) to 9 (smallest), or -1 / null for the
/// Deflater default, 6. They are passed to zlib unchanged through <see cref="ZLibCompressionOptions.CompressionLevel"/>,
/// so level n here produces the same deflate parameters as <c>Deflater(n)</c> in Java. Decompression reads
/// concatenated gzip members and stops with an error as soon as the output passes the caller's limit.
/// </remarks>
public sealed class GzipCodec : ICompressionCodec
{
    /// <summary>The Deflater default level used when none is given.</summary>
    public const int DefaultLevel = 6;

    /// <summary>The lowest accepted level (KIP-390).</summary>
    public const int MinLevel = 1;

    /// <summary>The highest accepted level (KIP-390).</summary>
    public const int MaxLevel = 9;

    private const int ReadChunk = 64 * 1024;

    /// <summary>A 10-byte header, the 2-byte empty deflate block and the 8-byte trailer.</summary>
    private const int MinMemberLength = 20;

    private static ReadOnlySpan<byte> MemberMagic => [0x1F, 0x8B, 0x08];

    /// <summary>A gzip member holding no data: header, an empty final stored block, CRC32 0 and size 0.</summary>
    private static ReadOnlySpan<byte> EmptyMember => [0x1F, 0x8B, 0x08, 0, 0, 0, 0, 0, 0, 0xFF, 0x03, 0x00, 0, 0, 0, 0, 0, 0, 0, 0];

    /// <summary>The shared, stateless instance.</summary>
    public static GzipCodec Instance { get; } = new();

    /// <inheritdoc />
    public CompressionType Type => CompressionType.Gzip;

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="level"/> is not -1 or within 1..9.</exception>
    public void Compress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination, int? level = null)
    {
        ArgumentNullException.ThrowIfNull(destination);
        int zlibLevel = level ?? DefaultLevel;
        if (zlibLevel == -1)
        {
            zlibLevel = DefaultLevel;
        }
        else if (zlibLevel is < MinLevel or > MaxLevel)
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, "gzip level must be -1 (default) or 1..9.");
        }

        if (source.IsEmpty)
        {
            // GZipStream writes nothing at all for no input; Java writes a complete empty member, and so do we.
            destination.Write(EmptyMember);
            return;
        }

        using var output = new GzipBufferWriterStream(destination);
        using (var gzip = new GZipStream(output, new ZLibCompressionOptions { CompressionLevel = zlibLevel }, leaveOpen: true))
        {
            gzip.Write(source);
        }
    }

    /// <inheritdoc />
    public unsafe void Decompress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination, int maxDecompressedSize)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (source.Length < MinMemberLength)
        {
            throw new KafkaCompressionException(CompressionType.Gzip, $"{source.Length} bytes is too short for a gzip stream.");
        }

        long total = 0;
        try
        {
            fixed (byte* p = source)
            {
                using var input = new UnmanagedMemoryStream(p, source.Length);
                using var gzip = new GZipStream(input, CompressionMode.Decompress);
                while (true)
                {
                    // Ask for at most one byte past the limit, so an overrun is seen without writing far past it.
                    long allowed = maxDecompressedSize - total + 1;
                    Span<byte> span = destination.GetSpan((int)Math.Min(ReadChunk, allowed));
                    if (span.Length > allowed)
                    {
                        span = span[..(int)allowed];
                    }

                    int read = gzip.Read(span);
                    if (read == 0)
                    {
                        break;
                    }

                    total += read;
                    if (total > maxDecompressedSize)
                    {
                        throw new KafkaCompressionException(CompressionType.Gzip, $"Decompressed size exceeds the limit of {maxDecompressedSize} bytes.");
                    }

                    destination.Advance(read);
                }
            }
        }
        catch (InvalidDataException ex)
        {
            throw new KafkaCompressionException(CompressionType.Gzip, "Corrupt gzip stream: " + ex.Message, ex);
        }

        VerifyLastTrailer(source, total);
    }

    /// <summary>
    /// zlib checks the CRC-32 and size of every member it reads to its end, but .NET reports input that stops early
    /// as a normal end of data. So the last 8 bytes must be the last member's trailer: for a single member (what
    /// Kafka clients write) its size field equals the output length mod 2^32; with several members it is at most
    /// the output length. A truncated stream passes only by a 2^-32 (single member) coincidence.
    /// </summary>
    private static void VerifyLastTrailer(ReadOnlySpan<byte> source, long total)
    {
        uint size = BinaryPrimitives.ReadUInt32LittleEndian(source[^4..]);
        if (size == (uint)total)
        {
            return;
        }

        bool severalMembers = source.Length >= (2 * MinMemberLength) && source[MinMemberLength..^8].IndexOf(MemberMagic) >= 0;
        if (!severalMembers || size > total)
        {
            throw new KafkaCompressionException(CompressionType.Gzip, "Truncated gzip stream: the input does not end with the last member's trailer.");
        }
    }
}
