namespace Samsa.Protocol.Compression.Zstd;

/// <summary>Turns a <see cref="SequenceStore"/> into a compressed block body: literals section then sequences section.</summary>
internal sealed unsafe partial class BlockEncoder
{
    private readonly HuffmanEncoder _huffman = new();
    private readonly FseEncoder _ll = new();
    private readonly FseEncoder _ml = new();
    private readonly FseEncoder _of = new();
    private readonly uint[] _counts = new uint[256];

    private static readonly FseEncoder s_predefinedLl = Predefined(ZstdConstants.LiteralsLengthDefaultNorm, ZstdConstants.LiteralsLengthDefaultLog);
    private static readonly FseEncoder s_predefinedMl = Predefined(ZstdConstants.MatchLengthDefaultNorm, ZstdConstants.MatchLengthDefaultLog);
    private static readonly FseEncoder s_predefinedOf = Predefined(ZstdConstants.OffsetDefaultNorm, ZstdConstants.OffsetDefaultLog);

    private static FseEncoder Predefined(ReadOnlySpan<short> norm, int log)
    {
        var e = new FseEncoder();
        e.Build(norm, norm.Length - 1, log);
        return e;
    }

    /// <summary>Encodes the block into <paramref name="dst"/>; returns its size or -1 when it would not fit in <paramref name="capacity"/>.</summary>
    public int Encode(SequenceStore store, byte* dst, int capacity)
    {
        int pos = EncodeLiterals(store, dst, capacity);
        if (pos < 0)
        {
            return -1;
        }

        int seq = EncodeSequences(store, dst + pos, capacity - pos);
        return seq < 0 ? -1 : pos + seq;
    }

    private int EncodeLiterals(SequenceStore store, byte* dst, int capacity)
    {
        int count = store.LiteralCount;
        if (capacity < count + 16)
        {
            return -1;
        }

        fixed (byte* lit = store.Literals)
        {
            if (count >= 32)
            {
                Span<uint> counts = _counts;
                Histogram(lit, count, counts);

                if (counts[lit[0]] == (uint)count)
                {
                    int h = WriteRawOrRleHeader(dst, 1, count);
                    dst[h] = lit[0];
                    return h + 1;
                }

                if (_huffman.Build(counts))
                {
                    long estimate = (_huffman.EstimateBits(counts) + 7) >> 3;
                    if (estimate + 64 < count - (count >> 5))
                    {
                        int compressed = TryHuffman(lit, count, dst, capacity);
                        if (compressed > 0)
                        {
                            return compressed;
                        }
                    }
                }
            }

            int hdr = WriteRawOrRleHeader(dst, 0, count);
            new ReadOnlySpan<byte>(lit, count).CopyTo(new Span<byte>(dst + hdr, count));
            return hdr + count;
        }
    }

    private static void Histogram(byte* p, int count, Span<uint> counts)
    {
        // Four interleaved tables break the store-to-load dependency on repeated bytes.
        uint* t = stackalloc uint[4 * 256];
        new Span<uint>(t, 4 * 256).Clear();
        int i = 0;
        for (; i + 4 <= count; i += 4)
        {
            t[p[i]]++;
            t[256 + p[i + 1]]++;
            t[512 + p[i + 2]]++;
            t[768 + p[i + 3]]++;
        }

        for (; i < count; i++)
        {
            t[p[i]]++;
        }

        for (int s = 0; s < 256; s++)
        {
            counts[s] = t[s] + t[256 + s] + t[512 + s] + t[768 + s];
        }
    }

    private int TryHuffman(byte* lit, int count, byte* dst, int capacity)
    {
        bool four = count >= 256;
        int headerSize = !four ? 3 : count < 1024 ? 3 : count < 16384 ? 4 : 5;
        int pos = headerSize;
        int table = _huffman.WriteTable(new Span<byte>(dst + pos, capacity - pos));
        if (table < 0)
        {
            return -1;
        }

        pos += table;
        int limit = Math.Min(capacity - pos, count);
        int streams = four ? _huffman.Encode4(lit, count, dst + pos, limit) : _huffman.Encode1(lit, count, dst + pos, limit);
        if (streams < 0)
        {
            return -1;
        }

        int compressed = table + streams;
        int maxField = headerSize == 3 ? 1023 : headerSize == 4 ? 16383 : 262143;
        if (compressed > maxField || pos + streams >= count)
        {
            return -1;
        }

        int sizeFormat = !four ? 0 : headerSize - 2;
        int bitsPerField = headerSize == 3 ? 10 : headerSize == 4 ? 14 : 18;
        ulong h = 2u | ((ulong)sizeFormat << 2) | ((ulong)count << 4) | ((ulong)compressed << (4 + bitsPerField));
        for (int i = 0; i < headerSize; i++)
        {
            dst[i] = (byte)(h >> (8 * i));
        }

        return pos + streams;
    }

    private static int WriteRawOrRleHeader(byte* dst, int type, int size)
    {
        if (size < 32)
        {
            dst[0] = (byte)(type | (size << 3));
            return 1;
        }

        if (size < 4096)
        {
            dst[0] = (byte)(type | (1 << 2) | (size << 4));
            dst[1] = (byte)(size >> 4);
            return 2;
        }

        dst[0] = (byte)(type | (3 << 2) | (size << 4));
        dst[1] = (byte)(size >> 4);
        dst[2] = (byte)(size >> 12);
        return 3;
    }

    /// <summary>Chooses predefined, RLE or a custom FSE table for one symbol type; returns the mode and writes any table description.</summary>
    private static int ChooseTable(ReadOnlySpan<uint> counts, int max, int n, int maxLog, int predefinedMax, FseEncoder custom, FseEncoder predefined,
        Span<byte> dst, ref int pos, out FseEncoder chosen)
    {
        int distinct = 0;
        for (int s = 0; s <= max; s++)
        {
            distinct += counts[s] != 0 ? 1 : 0;
        }

        if (distinct == 1 && n > 2)
        {
            dst[pos++] = (byte)max;
            custom.BuildRle(max);
            chosen = custom;
            return 1;
        }

        if (max <= predefinedMax && (n < 24 || distinct == 1))
        {
            chosen = predefined;
            return 0;
        }

        if (dst.Length - pos < 80)
        {
            chosen = predefined;
            return max <= predefinedMax ? 0 : -1;
        }

        Span<short> norm = stackalloc short[64];
        int log = FseEncoder.ChooseTableLog(n, distinct, maxLog);
        FseEncoder.Normalize(counts, max, n, log, norm);
        pos += FseEncoder.WriteNCount(dst.Slice(pos), norm, max, log);
        custom.Build(norm, max, log);
        chosen = custom;
        return 2;
    }
}
