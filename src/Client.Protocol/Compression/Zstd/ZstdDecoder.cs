using System.Buffers;
using System.Buffers.Binary;

namespace Samsa.Protocol.Compression.Zstd;

/// <summary>
/// Decodes a sequence of Zstandard and skippable frames. Frames that declare their content size decode straight into the
/// destination; others decode into a pooled buffer that grows block by block, never past the caller's limit.
/// </summary>
internal static class ZstdDecoder
{
    /// <summary>Decompresses every frame in <paramref name="src"/> into <paramref name="destination"/>.</summary>
    public static void Decompress(ReadOnlySpan<byte> src, IBufferWriter<byte> destination, int maxDecompressedSize)
    {
        if (src.IsEmpty)
        {
            ZstdThrow.Corrupt("empty input");
        }

        ZstdDecoderContext ctx = ZstdDecoderContext.Rent();
        try
        {
            long total = 0;
            while (!src.IsEmpty)
            {
                if (src.Length < 4)
                {
                    ZstdThrow.Corrupt("trailing bytes after the last frame");
                }

                uint magic = BinaryPrimitives.ReadUInt32LittleEndian(src);
                if ((magic & ZstdConstants.SkippableMagicMask) == ZstdConstants.SkippableMagic)
                {
                    if (src.Length < 8)
                    {
                        ZstdThrow.Corrupt("skippable frame header truncated");
                    }

                    uint skip = BinaryPrimitives.ReadUInt32LittleEndian(src.Slice(4));
                    if (skip > (uint)(src.Length - 8))
                    {
                        ZstdThrow.Corrupt("skippable frame truncated");
                    }

                    src = src.Slice(8 + (int)skip);
                    continue;
                }

                if (magic != ZstdConstants.FrameMagic)
                {
                    ZstdThrow.Corrupt("unknown frame magic number");
                }

                int consumed = DecodeFrame(ctx, src, destination, maxDecompressedSize - total, out int produced);
                total += produced;
                src = src.Slice(consumed);
            }
        }
        finally
        {
            ZstdDecoderContext.Return(ctx);
        }
    }

    private static int DecodeFrame(ZstdDecoderContext ctx, ReadOnlySpan<byte> src, IBufferWriter<byte> destination, long limit, out int produced)
    {
        FrameHeader header = FrameHeader.Parse(src);
        if (header.DictionaryId != 0)
        {
            ZstdThrow.Unsupported($"frame requires dictionary {header.DictionaryId}");
        }

        ctx.ResetFrame();
        ReadOnlySpan<byte> body = src.Slice(header.Size);
        int blockSizeMax = header.BlockSizeMax;

        if (header.ContentSize >= 0)
        {
            if (header.ContentSize > limit)
            {
                ZstdThrow.TooLarge(limit);
            }

            // Each block costs at least 3 input bytes and yields at most blockSizeMax bytes.
            long plausible = ((long)body.Length / 3 + 1) * Math.Max(blockSizeMax, 1);
            if (header.ContentSize > plausible)
            {
                ZstdThrow.Corrupt("declared content size is larger than the input could produce");
            }

            int size = (int)header.ContentSize;
            Span<byte> output = destination.GetSpan(Math.Max(size, 1)).Slice(0, size);
            int bodyUsed = DecodeBlocks(ctx, body, output, 0, blockSizeMax, out int written, null);
            if (written != size)
            {
                ZstdThrow.Corrupt("frame content size does not match the decoded data");
            }

            bodyUsed += VerifyChecksum(header, body.Slice(bodyUsed), output.Slice(0, written));
            destination.Advance(written);
            produced = written;
            return header.Size + bodyUsed;
        }

        int cap = (int)Math.Min(limit, Math.Max(blockSizeMax, 64 * 1024));
        var buffer = new GrowableBuffer(cap, (int)Math.Min(limit, int.MaxValue));
        try
        {
            int bodyUsed = DecodeBlocks(ctx, body, default, 0, blockSizeMax, out int written, buffer);
            Span<byte> output = buffer.Array.AsSpan(0, written);
            bodyUsed += VerifyChecksum(header, body.Slice(bodyUsed), output);
            destination.Write(output);
            produced = written;
            return header.Size + bodyUsed;
        }
        finally
        {
            buffer.Dispose();
        }
    }

    private static int VerifyChecksum(FrameHeader header, ReadOnlySpan<byte> rest, ReadOnlySpan<byte> content)
    {
        if (!header.HasChecksum)
        {
            return 0;
        }

        if (rest.Length < 4)
        {
            ZstdThrow.Corrupt("content checksum truncated");
        }

        uint expected = BinaryPrimitives.ReadUInt32LittleEndian(rest);
        if ((uint)XxHash64.Hash(content) != expected)
        {
            ZstdThrow.Corrupt("content checksum mismatch");
        }

        return 4;
    }

    /// <summary>Decodes blocks until the last one; returns the body bytes consumed. Writes into <paramref name="output"/> or a growing buffer.</summary>
    private static int DecodeBlocks(ZstdDecoderContext ctx, ReadOnlySpan<byte> body, Span<byte> output, int outPos, int blockSizeMax,
        out int written, GrowableBuffer? growable)
    {
        int pos = 0;
        while (true)
        {
            if (body.Length - pos < 3)
            {
                ZstdThrow.Corrupt("block header truncated");
            }

            int bh = body[pos] | (body[pos + 1] << 8) | (body[pos + 2] << 16);
            pos += 3;
            bool last = (bh & 1) != 0;
            int type = (bh >> 1) & 3;
            int size = bh >> 3;
            if (growable is not null)
            {
                int needed = type == 2 ? blockSizeMax : Math.Min(size, blockSizeMax);
                output = growable.Ensure(outPos, needed);
            }

            switch (type)
            {
                case 0:
                    if (size > blockSizeMax || size > body.Length - pos)
                    {
                        ZstdThrow.Corrupt("raw block truncated or too large");
                    }

                    if (size > output.Length - outPos)
                    {
                        ZstdThrow.Corrupt("decompressed data exceeds the declared content size or the size limit");
                    }

                    body.Slice(pos, size).CopyTo(output.Slice(outPos));
                    outPos += size;
                    pos += size;
                    break;
                case 1:
                    if (size > blockSizeMax || body.Length - pos < 1)
                    {
                        ZstdThrow.Corrupt("RLE block truncated or too large");
                    }

                    if (size > output.Length - outPos)
                    {
                        ZstdThrow.Corrupt("decompressed data exceeds the declared content size or the size limit");
                    }

                    output.Slice(outPos, size).Fill(body[pos]);
                    outPos += size;
                    pos += 1;
                    break;
                case 2:
                    if (size > blockSizeMax || size > body.Length - pos)
                    {
                        ZstdThrow.Corrupt("compressed block truncated or too large");
                    }

                    int before = outPos;
                    outPos = DecodeCompressedBlock(ctx, body.Slice(pos, size), output, outPos, blockSizeMax);
                    if (outPos - before > blockSizeMax)
                    {
                        ZstdThrow.Corrupt("block decompresses past the block maximum");
                    }

                    pos += size;
                    break;
                default:
                    ZstdThrow.Corrupt("reserved block type");
                    break;
            }

            if (last)
            {
                written = outPos;
                return pos;
            }
        }
    }

    private static int DecodeCompressedBlock(ZstdDecoderContext ctx, ReadOnlySpan<byte> block, Span<byte> output, int outPos, int blockSizeMax)
    {
        int literalsSize = LiteralsDecoder.Decode(ctx, block, blockSizeMax, out int literalCount);
        return SequencesDecoder.Execute(ctx, block.Slice(literalsSize), literalCount, output, outPos);
    }

    /// <summary>A pooled output buffer for frames without a declared content size.</summary>
    private sealed class GrowableBuffer : IDisposable
    {
        private readonly int _limit;

        public GrowableBuffer(int initial, int limit)
        {
            _limit = limit;
            Array = ArrayPool<byte>.Shared.Rent(Math.Max(initial, 1));
        }

        public byte[] Array { get; private set; }

        /// <summary>Returns the buffer with room for <paramref name="needed"/> more bytes after <paramref name="used"/> when the limit allows.</summary>
        public Span<byte> Ensure(int used, int needed)
        {
            long want = (long)used + needed;
            if (want > Array.Length && Array.Length < _limit)
            {
                long target = Math.Min(Math.Max(want, (long)Array.Length * 2), _limit);
                byte[] next = ArrayPool<byte>.Shared.Rent((int)target);
                Array.AsSpan(0, used).CopyTo(next);
                ArrayPool<byte>.Shared.Return(Array);
                Array = next;
            }

            return Array.AsSpan(0, (int)Math.Min(Array.Length, (long)_limit));
        }

        public void Dispose() => ArrayPool<byte>.Shared.Return(Array);
    }
}
