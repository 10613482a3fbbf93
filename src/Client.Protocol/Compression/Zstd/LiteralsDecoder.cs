namespace Samsa.Protocol.Compression.Zstd;

/// <summary>Decodes a compressed block's literals section (RFC 8878 section 3.1.1.3.1) into the context's literal buffer.</summary>
internal static unsafe class LiteralsDecoder
{
    /// <summary>Decodes the literals section at the start of <paramref name="block"/>; returns the bytes it occupies.</summary>
    public static int Decode(ZstdDecoderContext ctx, ReadOnlySpan<byte> block, int blockSizeMax, out int literalCount)
    {
        if (block.Length < 1)
        {
            ZstdThrow.Corrupt("missing literals section");
        }

        int b0 = block[0];
        int type = b0 & 3;
        int sizeFormat = (b0 >> 2) & 3;
        byte[] literals = ctx.Literals;
        if (type <= 1)
        {
            int headerSize;
            int size;
            switch (sizeFormat)
            {
                case 0:
                case 2:
                    headerSize = 1;
                    size = b0 >> 3;
                    break;
                case 1:
                    headerSize = 2;
                    if (block.Length < 2)
                    {
                        ZstdThrow.Corrupt("literals header truncated");
                    }

                    size = (b0 >> 4) | (block[1] << 4);
                    break;
                default:
                    headerSize = 3;
                    if (block.Length < 3)
                    {
                        ZstdThrow.Corrupt("literals header truncated");
                    }

                    size = (b0 >> 4) | (block[1] << 4) | (block[2] << 12);
                    break;
            }

            if (size > blockSizeMax)
            {
                ZstdThrow.Corrupt("literals larger than the block maximum");
            }

            literalCount = size;
            if (type == 0)
            {
                if (block.Length - headerSize < size)
                {
                    ZstdThrow.Corrupt("raw literals truncated");
                }

                block.Slice(headerSize, size).CopyTo(literals);
                return headerSize + size;
            }

            if (block.Length - headerSize < 1)
            {
                ZstdThrow.Corrupt("RLE literals truncated");
            }

            literals.AsSpan(0, size).Fill(block[headerSize]);
            return headerSize + 1;
        }

        int regenerated;
        int compressed;
        int hdr;
        bool fourStreams = sizeFormat != 0;
        if (sizeFormat <= 1)
        {
            if (block.Length < 3)
            {
                ZstdThrow.Corrupt("literals header truncated");
            }

            int h = b0 | (block[1] << 8) | (block[2] << 16);
            regenerated = (h >> 4) & 0x3FF;
            compressed = (h >> 14) & 0x3FF;
            hdr = 3;
        }
        else if (sizeFormat == 2)
        {
            if (block.Length < 4)
            {
                ZstdThrow.Corrupt("literals header truncated");
            }

            uint h = (uint)(b0 | (block[1] << 8) | (block[2] << 16) | (block[3] << 24));
            regenerated = (int)((h >> 4) & 0x3FFF);
            compressed = (int)(h >> 18);
            hdr = 4;
        }
        else
        {
            if (block.Length < 5)
            {
                ZstdThrow.Corrupt("literals header truncated");
            }

            uint h = (uint)(b0 | (block[1] << 8) | (block[2] << 16) | (block[3] << 24));
            regenerated = (int)((h >> 4) & 0x3FFFF);
            compressed = (int)((h >> 22) | ((uint)block[4] << 10));
            hdr = 5;
        }

        if (regenerated > blockSizeMax)
        {
            ZstdThrow.Corrupt("literals larger than the block maximum");
        }

        if (compressed > block.Length - hdr)
        {
            ZstdThrow.Corrupt("compressed literals truncated");
        }

        ReadOnlySpan<byte> payload = block.Slice(hdr, compressed);
        if (type == 2)
        {
            int treeSize = HuffmanDecoder.ReadTable(payload, ctx.HuffmanTable, out ctx.HuffmanMaxBits);
            ctx.HasHuffman = true;
            payload = payload.Slice(treeSize);
        }
        else if (!ctx.HasHuffman)
        {
            ZstdThrow.Corrupt("treeless literals without a previous Huffman table");
        }

        if (payload.IsEmpty)
        {
            ZstdThrow.Corrupt("empty Huffman stream");
        }

        fixed (byte* src = payload)
        fixed (byte* dst = literals)
        fixed (ushort* table = ctx.HuffmanTable)
        {
            if (fourStreams)
            {
                HuffmanDecoder.Decode4(src, payload.Length, dst, regenerated, table, ctx.HuffmanMaxBits);
            }
            else
            {
                HuffmanDecoder.Decode1(src, payload.Length, dst, regenerated, table, ctx.HuffmanMaxBits);
            }
        }

        literalCount = regenerated;
        return hdr + compressed;
    }
}
