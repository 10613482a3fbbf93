using System.Buffers;
using System.Buffers.Binary;

namespace Samsa.Protocol.Compression;

/// <summary>
/// The LZ4 frame format: magic, frame descriptor (FLG, BD, optional content size, header checksum), data blocks,
/// an end mark and an optional content checksum. Skippable frames and concatenated frames are accepted.
/// </summary>
internal static class Lz4Frame
{
    public const uint Magic = 0x184D2204;
    public const int WriteBlockSize = 64 * 1024;
    private const uint SkippableMagicMask = 0xFFFFFFF0;
    private const uint SkippableMagic = 0x184D2A50;
    private const int HistorySize = 64 * 1024;

    private const byte FlagVersionMask = 0xC0;
    private const byte FlagVersion = 0x40;
    private const byte FlagBlockIndependence = 0x20;
    private const byte FlagBlockChecksum = 0x10;
    private const byte FlagContentSize = 0x08;
    private const byte FlagContentChecksum = 0x04;
    private const byte FlagReserved = 0x02;
    private const byte FlagDictionaryId = 0x01;

    /// <summary>
    /// Writes one frame as Kafka's Java client does: independent 64 KiB blocks, no block or content checksums, no
    /// content size. Blocks that do not shrink are stored uncompressed. <paramref name="brokenHeaderChecksum"/>
    /// reproduces the pre-KIP-57 header checksum (hashed from the magic) of message format v0/v1.
    /// </summary>
    public static void Compress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination, bool brokenHeaderChecksum = false)
    {
        Span<byte> header = destination.GetSpan(7);
        BinaryPrimitives.WriteUInt32LittleEndian(header, Magic);
        header[4] = FlagVersion | FlagBlockIndependence;
        header[5] = 4 << 4;
        header[6] = HeaderChecksum(brokenHeaderChecksum ? header[..6] : header[4..6]);
        destination.Advance(7);

        int maxBlock = 4 + Lz4Block.MaxCompressedLength(WriteBlockSize);
        for (int position = 0; position < source.Length; position += WriteBlockSize)
        {
            ReadOnlySpan<byte> block = source.Slice(position, Math.Min(WriteBlockSize, source.Length - position));
            Span<byte> span = destination.GetSpan(maxBlock);
            int compressed = Lz4Block.Compress(block, span[4..]);
            if (compressed >= block.Length)
            {
                block.CopyTo(span[4..]);
                BinaryPrimitives.WriteUInt32LittleEndian(span, 0x80000000u | (uint)block.Length);
                destination.Advance(4 + block.Length);
            }
            else
            {
                BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)compressed);
                destination.Advance(4 + compressed);
            }
        }

        BinaryPrimitives.WriteUInt32LittleEndian(destination.GetSpan(4), 0);
        destination.Advance(4);
    }

    /// <summary>
    /// Reads every frame in <paramref name="source"/>. With <paramref name="legacyHeaderChecksum"/>, a header
    /// checksum computed over the magic too (Kafka message format v0/v1) is accepted as well as the correct one.
    /// </summary>
    public static void Decompress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination, int maxDecompressedSize, bool legacyHeaderChecksum)
    {
        if (source.IsEmpty)
        {
            throw Corrupt("Empty input is not an LZ4 frame.");
        }

        long total = 0;
        int position = 0;
        byte[]? window = null;
        try
        {
            while (position < source.Length)
            {
                if (source.Length - position < 4)
                {
                    throw Corrupt("Truncated frame magic.");
                }

                uint magic = BinaryPrimitives.ReadUInt32LittleEndian(source[position..]);
                if ((magic & SkippableMagicMask) == SkippableMagic)
                {
                    if (source.Length - position < 8)
                    {
                        throw Corrupt("Truncated skippable frame.");
                    }

                    uint size = BinaryPrimitives.ReadUInt32LittleEndian(source[(position + 4)..]);
                    if (size > (uint)(source.Length - position - 8))
                    {
                        throw Corrupt("Skippable frame runs past the input.");
                    }

                    position += 8 + (int)size;
                    continue;
                }

                if (magic != Magic)
                {
                    throw Corrupt($"Bad frame magic 0x{magic:x8}.");
                }

                position = DecodeFrame(source, position, destination, maxDecompressedSize, legacyHeaderChecksum, ref total, ref window);
            }
        }
        finally
        {
            if (window is not null)
            {
                ArrayPool<byte>.Shared.Return(window);
            }
        }
    }

    private static int DecodeFrame(
        ReadOnlySpan<byte> source,
        int frameStart,
        IBufferWriter<byte> destination,
        int maxDecompressedSize,
        bool legacyHeaderChecksum,
        ref long total,
        ref byte[]? window)
    {
        int position = frameStart + 4;
        if (source.Length - position < 3)
        {
            throw Corrupt("Truncated frame descriptor.");
        }

        byte flags = source[position];
        byte bd = source[position + 1];
        if ((flags & FlagVersionMask) != FlagVersion)
        {
            throw Corrupt($"Unsupported frame version {flags >> 6}.");
        }

        if ((flags & FlagReserved) != 0 || (bd & 0x8F) != 0)
        {
            throw Corrupt("Reserved descriptor bits are set.");
        }

        if ((flags & FlagDictionaryId) != 0)
        {
            throw Corrupt("Frames that need a dictionary are not supported.");
        }

        int blockSizeId = (bd >> 4) & 7;
        if (blockSizeId < 4)
        {
            throw Corrupt($"Invalid block size id {blockSizeId}.");
        }

        int blockMax = 1 << (8 + (2 * blockSizeId));
        bool independent = (flags & FlagBlockIndependence) != 0;
        bool blockChecksum = (flags & FlagBlockChecksum) != 0;
        bool hasContentSize = (flags & FlagContentSize) != 0;
        bool contentChecksum = (flags & FlagContentChecksum) != 0;

        int descriptorLength = 2 + (hasContentSize ? 8 : 0);
        if (source.Length - position < descriptorLength + 1)
        {
            throw Corrupt("Truncated frame descriptor.");
        }

        byte checksum = source[position + descriptorLength];
        if (checksum != HeaderChecksum(source.Slice(position, descriptorLength))
            && !(legacyHeaderChecksum && checksum == HeaderChecksum(source.Slice(frameStart, 4 + descriptorLength))))
        {
            throw Corrupt("Frame header checksum mismatch.");
        }

        ulong contentSize = 0;
        if (hasContentSize)
        {
            contentSize = BinaryPrimitives.ReadUInt64LittleEndian(source[(position + 2)..]);
            if (contentSize > (ulong)(maxDecompressedSize - total))
            {
                throw TooLarge(maxDecompressedSize);
            }
        }

        position += descriptorLength + 1;
        long frameStartTotal = total;
        var hash = new XxHash32(0);
        int historyLength = 0;
        int windowNeeded = HistorySize + (int)Math.Min(blockMax, maxDecompressedSize - total);
        if (!independent && (window is null || window.Length < windowNeeded))
        {
            if (window is not null)
            {
                ArrayPool<byte>.Shared.Return(window);
                window = null;
            }

            window = ArrayPool<byte>.Shared.Rent(windowNeeded);
        }

        while (true)
        {
            if (source.Length - position < 4)
            {
                throw Corrupt("Truncated block size.");
            }

            uint rawSize = BinaryPrimitives.ReadUInt32LittleEndian(source[position..]);
            position += 4;
            if (rawSize == 0)
            {
                break;
            }

            bool stored = (rawSize & 0x80000000u) != 0;
            int size = (int)(rawSize & 0x7FFFFFFFu);
            if (size > blockMax)
            {
                throw Corrupt($"Block of {size} bytes exceeds the frame's maximum of {blockMax}.");
            }

            if (source.Length - position < size + (blockChecksum ? 4 : 0))
            {
                throw Corrupt("Truncated block.");
            }

            ReadOnlySpan<byte> block = source.Slice(position, size);
            position += size;
            if (blockChecksum)
            {
                if (XxHash32.Hash(block) != BinaryPrimitives.ReadUInt32LittleEndian(source[position..]))
                {
                    throw Corrupt("Block checksum mismatch.");
                }

                position += 4;
            }

            long room = maxDecompressedSize - total;
            int capacity = (int)Math.Min(blockMax, room);
            ReadOnlySpan<byte> produced;
            if (independent)
            {
                Span<byte> output = destination.GetSpan(Math.Max(1, capacity))[..capacity];
                int length = stored ? CopyStored(block, output, maxDecompressedSize) : Lz4Block.Decompress(block, output);
                if (length < 0)
                {
                    throw capacity < blockMax ? CorruptOrTooLarge(maxDecompressedSize) : Corrupt("Corrupt LZ4 block.");
                }

                produced = output[..length];
            }
            else
            {
                // Dependent blocks: decode after up to 64 KiB of history kept in the pooled window.
                Span<byte> buffer = window!.AsSpan(0, historyLength + capacity);
                int length = stored ? CopyStored(block, buffer[historyLength..], maxDecompressedSize) : Lz4Block.DecompressWithPrefix(block, buffer, historyLength);
                if (length < 0)
                {
                    throw capacity < blockMax ? CorruptOrTooLarge(maxDecompressedSize) : Corrupt("Corrupt LZ4 block.");
                }

                produced = buffer.Slice(historyLength, length);
                destination.Write(produced);
            }

            if (contentChecksum)
            {
                hash.Append(produced);
            }

            total += produced.Length;
            if (independent)
            {
                destination.Advance(produced.Length);
            }
            else
            {
                int kept = Math.Min(HistorySize, historyLength + produced.Length);
                window!.AsSpan(historyLength + produced.Length - kept, kept).CopyTo(window);
                historyLength = kept;
            }
        }

        if (contentChecksum)
        {
            if (source.Length - position < 4)
            {
                throw Corrupt("Truncated content checksum.");
            }

            if (hash.Digest() != BinaryPrimitives.ReadUInt32LittleEndian(source[position..]))
            {
                throw Corrupt("Content checksum mismatch.");
            }

            position += 4;
        }

        if (hasContentSize && (ulong)(total - frameStartTotal) != contentSize)
        {
            throw Corrupt($"Frame declared {contentSize} bytes but held {total - frameStartTotal}.");
        }

        return position;
    }

    private static int CopyStored(ReadOnlySpan<byte> block, Span<byte> output, int maxDecompressedSize)
    {
        if (block.Length > output.Length)
        {
            throw TooLarge(maxDecompressedSize);
        }

        block.CopyTo(output);
        return block.Length;
    }

    /// <summary>The descriptor checksum: the second byte of xxHash32 of the descriptor.</summary>
    private static byte HeaderChecksum(ReadOnlySpan<byte> descriptor) => (byte)(XxHash32.Hash(descriptor) >> 8);

    private static KafkaCompressionException Corrupt(string message) => new(CompressionType.Lz4, message);

    private static KafkaCompressionException TooLarge(int max) =>
        new(CompressionType.Lz4, $"Decompressed size exceeds the limit of {max} bytes.");

    private static KafkaCompressionException CorruptOrTooLarge(int max) =>
        new(CompressionType.Lz4, $"Corrupt LZ4 block, or its output exceeds the limit of {max} bytes.");
}
