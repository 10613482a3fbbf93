using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;

namespace Samsa.Protocol.Compression;

/// <summary>
/// The official Snappy framing format: chunks of [type][3-byte little-endian length][data], starting with the
/// stream identifier <c>0xff 06 00 00 "sNaPpY"</c>. Data chunks carry a masked CRC-32C of their uncompressed bytes.
/// </summary>
internal static class SnappyFraming
{
    private const int MaxChunkInput = 64 * 1024;
    private const byte StreamIdentifier = 0xFF;
    private const byte CompressedChunk = 0x00;
    private const byte UncompressedChunk = 0x01;
    private const byte Padding = 0xFE;

    private static ReadOnlySpan<byte> StreamHeader => [0xFF, 0x06, 0x00, 0x00, (byte)'s', (byte)'N', (byte)'a', (byte)'P', (byte)'p', (byte)'Y'];

    public static void Compress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination)
    {
        destination.Write(StreamHeader);
        int maxChunk = 8 + SnappyBlock.MaxCompressedLength(MaxChunkInput);
        for (int position = 0; position < source.Length; position += MaxChunkInput)
        {
            ReadOnlySpan<byte> input = source.Slice(position, Math.Min(MaxChunkInput, source.Length - position));
            Span<byte> span = destination.GetSpan(maxChunk);
            uint crc = MaskedCrc32C(input);
            int compressed = SnappyBlock.Compress(input, span[8..]);

            // Like the reference: keep the compressed form only when it saves at least 1/8.
            byte type = CompressedChunk;
            int length = compressed;
            if (compressed >= input.Length - (input.Length / 8))
            {
                type = UncompressedChunk;
                length = input.Length;
                input.CopyTo(span[8..]);
            }

            WriteChunkHeader(span, type, 4 + length);
            BinaryPrimitives.WriteUInt32LittleEndian(span[4..], crc);
            destination.Advance(8 + length);
        }
    }

    public static void Decompress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination, int maxDecompressedSize)
    {
        if (!source.StartsWith(StreamHeader))
        {
            throw SnappyCodec.Corrupt("Missing the Snappy framing stream identifier.");
        }

        long total = 0;
        int position = 0;
        while (position < source.Length)
        {
            if (source.Length - position < 4)
            {
                throw SnappyCodec.Corrupt("Truncated chunk header.");
            }

            byte type = source[position];
            int length = source[position + 1] | (source[position + 2] << 8) | (source[position + 3] << 16);
            position += 4;
            if (length > source.Length - position)
            {
                throw SnappyCodec.Corrupt($"Chunk length {length} exceeds the {source.Length - position} bytes remaining.");
            }

            ReadOnlySpan<byte> chunk = source.Slice(position, length);
            position += length;
            switch (type)
            {
                case StreamIdentifier:
                    if (!chunk.SequenceEqual(StreamHeader[4..]))
                    {
                        throw SnappyCodec.Corrupt("Invalid stream identifier chunk.");
                    }

                    break;

                case CompressedChunk:
                case UncompressedChunk:
                    if (length < 4)
                    {
                        throw SnappyCodec.Corrupt("Data chunk too short for its checksum.");
                    }

                    DecodeDataChunk(type, chunk, destination, maxDecompressedSize, ref total);
                    break;

                case >= 0x02 and <= 0x7F:
                    throw SnappyCodec.Corrupt($"Reserved unskippable chunk type 0x{type:x2}.");

                default:
                    // 0x80..0xfd are reserved skippable chunks; 0xfe is padding.
                    break;
            }
        }
    }

    private static void DecodeDataChunk(byte type, ReadOnlySpan<byte> chunk, IBufferWriter<byte> destination, int maxDecompressedSize, ref long total)
    {
        uint expected = BinaryPrimitives.ReadUInt32LittleEndian(chunk);
        ReadOnlySpan<byte> data = chunk[4..];
        int length;
        if (type == UncompressedChunk)
        {
            length = data.Length;
        }
        else if (!SnappyBlock.TryGetUncompressedLength(data, out length, out _))
        {
            throw SnappyCodec.Corrupt("Invalid uncompressed length in a compressed chunk.");
        }

        if (length > MaxChunkInput)
        {
            throw SnappyCodec.Corrupt($"Chunk expands to {length} bytes, more than the 65536 allowed.");
        }

        if (total + length > maxDecompressedSize)
        {
            throw SnappyCodec.TooLarge(maxDecompressedSize);
        }

        Span<byte> output = destination.GetSpan(Math.Max(length, 1))[..length];
        if (type == UncompressedChunk)
        {
            data.CopyTo(output);
        }
        else if (!SnappyBlock.TryDecompress(data, output))
        {
            throw SnappyCodec.Corrupt("Corrupt compressed chunk.");
        }

        if (MaskedCrc32C(output) != expected)
        {
            throw SnappyCodec.Corrupt("Chunk CRC-32C mismatch.");
        }

        destination.Advance(length);
        total += length;
    }

    private static void WriteChunkHeader(Span<byte> span, byte type, int length)
    {
        span[0] = type;
        span[1] = (byte)length;
        span[2] = (byte)(length >> 8);
        span[3] = (byte)(length >> 16);
    }

    /// <summary>CRC-32C (Castagnoli) of <paramref name="data"/>, masked as the framing format requires.</summary>
    internal static uint MaskedCrc32C(ReadOnlySpan<byte> data)
    {
        uint crc = Crc32C(data);
        return ((crc >> 15) | (crc << 17)) + 0xA282EAD8u;
    }

    /// <summary>CRC-32C (Castagnoli); uses the CPU's CRC instructions where <see cref="BitOperations"/> can.</summary>
    internal static uint Crc32C(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFFu;
        while (data.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }

        foreach (byte b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return ~crc;
    }
}
