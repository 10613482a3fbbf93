using System.Buffers;
using System.Buffers.Binary;

namespace Samsa.Protocol.Compression.Zstd;

/// <summary>
/// Writes one Zstandard frame: header (content size always, single segment when the input fits the window), then
/// 128 KiB blocks, each compressed, RLE or raw (whichever is smallest), then the optional checksum.
/// </summary>
internal sealed unsafe class ZstdCompressor
{
    [ThreadStatic]
    private static ZstdCompressor? s_cached;

    private readonly MatchFinder _finder = new();
    private readonly SequenceStore _store = new();
    private readonly BlockEncoder _encoder = new();
    private readonly byte[] _scratch = new byte[ZstdConstants.BlockSizeMax + 1024];

    /// <summary>Compresses <paramref name="source"/> as one frame at <paramref name="level"/>.</summary>
    public static void Compress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination, int level, bool checksum)
    {
        ZstdCompressor c = s_cached ?? new ZstdCompressor();
        s_cached = null;
        try
        {
            c.CompressFrame(source, destination, level, checksum);
        }
        finally
        {
            s_cached = c;
        }
    }

    private void CompressFrame(ReadOnlySpan<byte> source, IBufferWriter<byte> destination, int level, bool checksum)
    {
        MatchParameters p = MatchParameters.ForLevel(level);
        WriteHeader(source.Length, p.WindowLog, checksum, destination);
        _finder.Reset(p, source.Length);
        _store.ResetFrame();

        fixed (byte* src = source)
        {
            int pos = 0;
            do
            {
                int size = Math.Min(ZstdConstants.BlockSizeMax, source.Length - pos);
                bool last = pos + size == source.Length;
                WriteBlock(src, pos, size, last, destination);
                pos += size;
            }
            while (pos < source.Length);
        }

        if (checksum)
        {
            Span<byte> span = destination.GetSpan(4);
            BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)XxHash64.Hash(source));
            destination.Advance(4);
        }
    }

    private static void WriteHeader(int contentSize, int windowLog, bool checksum, IBufferWriter<byte> destination)
    {
        Span<byte> h = destination.GetSpan(14);
        BinaryPrimitives.WriteUInt32LittleEndian(h, ZstdConstants.FrameMagic);
        bool single = contentSize <= (1 << windowLog);
        int fcsFlag = contentSize < 256 ? 0 : contentSize < 65536 + 256 ? 1 : 2;
        if (!single && fcsFlag == 0)
        {
            fcsFlag = 1;
        }

        h[4] = (byte)((fcsFlag << 6) | (single ? 0x20 : 0) | (checksum ? 0x04 : 0));
        int pos = 5;
        if (!single)
        {
            h[pos++] = (byte)((windowLog - ZstdConstants.MinWindowLog) << 3);
        }

        switch (fcsFlag)
        {
            case 0:
                h[pos++] = (byte)contentSize;
                break;
            case 1:
                BinaryPrimitives.WriteUInt16LittleEndian(h.Slice(pos), (ushort)(contentSize - 256));
                pos += 2;
                break;
            default:
                BinaryPrimitives.WriteUInt32LittleEndian(h.Slice(pos), (uint)contentSize);
                pos += 4;
                break;
        }

        destination.Advance(pos);
    }

    private void WriteBlock(byte* src, int start, int size, bool last, IBufferWriter<byte> destination)
    {
        int lastFlag = last ? 1 : 0;
        var block = new ReadOnlySpan<byte>(src + start, size);
        if (size > 32 && block.Slice(1).IndexOfAnyExcept(block[0]) < 0)
        {
            Span<byte> rle = destination.GetSpan(4);
            WriteBlockHeader(rle, lastFlag | (1 << 1) | (size << 3));
            rle[3] = block[0];
            destination.Advance(4);
            return;
        }

        if (size >= 64)
        {
            uint rep0 = _store.Rep0, rep1 = _store.Rep1, rep2 = _store.Rep2;
            _finder.ParseBlock(src, start, start + size, _store);
            int compressed;
            fixed (byte* dst = _scratch)
            {
                compressed = _encoder.Encode(_store, dst, Math.Min(_scratch.Length, size));
            }

            if (compressed > 0 && compressed < size - (size >> 7) - 1)
            {
                Span<byte> span = destination.GetSpan(compressed + 3);
                WriteBlockHeader(span, lastFlag | (2 << 1) | (compressed << 3));
                _scratch.AsSpan(0, compressed).CopyTo(span.Slice(3));
                destination.Advance(compressed + 3);
                return;
            }

            // The decoder will not see these sequences, so it keeps the old repeat offsets.
            _store.Rep0 = rep0;
            _store.Rep1 = rep1;
            _store.Rep2 = rep2;
        }

        Span<byte> raw = destination.GetSpan(size + 3);
        WriteBlockHeader(raw, lastFlag | (size << 3));
        block.CopyTo(raw.Slice(3));
        destination.Advance(size + 3);
    }

    private static void WriteBlockHeader(Span<byte> dst, int header)
    {
        dst[0] = (byte)header;
        dst[1] = (byte)(header >> 8);
        dst[2] = (byte)(header >> 16);
    }
}
