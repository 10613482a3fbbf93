using System.Buffers.Binary;

namespace Samsa.Protocol.Compression.Zstd;

/// <summary>A parsed Zstandard frame header (RFC 8878 section 3.1.1.1).</summary>
internal readonly struct FrameHeader
{
    /// <summary>Header length in bytes, magic number included.</summary>
    public int Size { get; init; }

    /// <summary>Declared content size, or -1 when absent.</summary>
    public long ContentSize { get; init; }

    /// <summary>Window size in bytes (the content size for single-segment frames).</summary>
    public long WindowSize { get; init; }

    /// <summary>Whether a 4-byte XXH64 content checksum follows the last block.</summary>
    public bool HasChecksum { get; init; }

    /// <summary>Dictionary id, 0 when none.</summary>
    public uint DictionaryId { get; init; }

    /// <summary>Largest block size allowed by this frame.</summary>
    public int BlockSizeMax => (int)Math.Min(WindowSize, ZstdConstants.BlockSizeMax);

    /// <summary>Parses the header at the start of <paramref name="src"/>, whose magic number has already been checked.</summary>
    public static FrameHeader Parse(ReadOnlySpan<byte> src)
    {
        if (src.Length < 5)
        {
            ZstdThrow.Corrupt("frame header truncated");
        }

        int descriptor = src[4];
        int fcsFlag = descriptor >> 6;
        bool singleSegment = (descriptor & 0x20) != 0;
        if ((descriptor & 0x08) != 0)
        {
            ZstdThrow.Corrupt("reserved bit set in frame header descriptor");
        }

        bool checksum = (descriptor & 0x04) != 0;
        int didFlag = descriptor & 3;
        int didSize = didFlag == 3 ? 4 : didFlag;
        int fcsSize = fcsFlag switch { 0 => singleSegment ? 1 : 0, 1 => 2, 2 => 4, _ => 8 };
        int size = 5 + (singleSegment ? 0 : 1) + didSize + fcsSize;
        if (src.Length < size)
        {
            ZstdThrow.Corrupt("frame header truncated");
        }

        int pos = 5;
        long windowSize = 0;
        if (!singleSegment)
        {
            int wd = src[pos++];
            int windowLog = ZstdConstants.MinWindowLog + (wd >> 3);
            if (windowLog > 41)
            {
                ZstdThrow.Corrupt("window size too large");
            }

            long windowBase = 1L << windowLog;
            windowSize = windowBase + (windowBase / 8) * (wd & 7);
        }

        uint dictionaryId = didSize switch
        {
            0 => 0,
            1 => src[pos],
            2 => BinaryPrimitives.ReadUInt16LittleEndian(src.Slice(pos)),
            _ => BinaryPrimitives.ReadUInt32LittleEndian(src.Slice(pos)),
        };
        pos += didSize;

        long contentSize = fcsSize switch
        {
            0 => -1,
            1 => src[pos],
            2 => BinaryPrimitives.ReadUInt16LittleEndian(src.Slice(pos)) + 256L,
            4 => BinaryPrimitives.ReadUInt32LittleEndian(src.Slice(pos)),
            _ => (long)Math.Min(BinaryPrimitives.ReadUInt64LittleEndian(src.Slice(pos)), long.MaxValue),
        };

        if (singleSegment)
        {
            windowSize = contentSize;
        }

        return new FrameHeader
        {
            Size = size,
            ContentSize = contentSize,
            WindowSize = windowSize,
            HasChecksum = checksum,
            DictionaryId = dictionaryId,
        };
    }
}
