using System.Numerics;
using System.Runtime.CompilerServices;

namespace Samsa.Protocol.Compression.Zstd;

/// <summary>
/// Huffman literal decoding (RFC 8878 section 4.2): reads a tree description into a single-symbol lookup table of
/// 2^MaxBits entries (symbol in the low byte, code length in the high byte) and decodes 1 or 4 backward streams.
/// </summary>
internal static unsafe class HuffmanDecoder
{
    /// <summary>Largest code length Zstandard allows.</summary>
    public const int MaxTableLog = 11;

    /// <summary>Reads a Huffman tree description and fills <paramref name="table"/>. Returns the bytes consumed.</summary>
    public static int ReadTable(ReadOnlySpan<byte> src, ushort[] table, out int maxBits)
    {
        if (src.Length < 1)
        {
            ZstdThrow.Corrupt("missing Huffman tree description");
        }

        Span<byte> weights = stackalloc byte[256];
        int header = src[0];
        int weightCount;
        int consumed;
        if (header >= 128)
        {
            weightCount = header - 127;
            consumed = 1 + ((weightCount + 1) >> 1);
            if (consumed > src.Length)
            {
                ZstdThrow.Corrupt("Huffman weights truncated");
            }

            for (int i = 0; i < weightCount; i++)
            {
                byte b = src[1 + (i >> 1)];
                weights[i] = (byte)((i & 1) == 0 ? b >> 4 : b & 0xF);
            }
        }
        else
        {
            consumed = 1 + header;
            if (consumed > src.Length || header == 0)
            {
                ZstdThrow.Corrupt("Huffman weights truncated");
            }

            weightCount = DecodeFseWeights(src.Slice(1, header), weights);
        }

        BuildTable(weights.Slice(0, weightCount), table, out maxBits);
        return consumed;
    }

    private static int DecodeFseWeights(ReadOnlySpan<byte> src, Span<byte> weights)
    {
        Span<short> norm = stackalloc short[16];
        int headerSize = FseDecoding.ReadNCount(src, norm, 15, 6, out int tableLog, out int symbolCount);
        Span<FseEntry> dtable = stackalloc FseEntry[64];
        FseDecoding.Build(norm, symbolCount, tableLog, dtable, default, default);
        ReadOnlySpan<byte> stream = src.Slice(headerSize);
        if (stream.IsEmpty)
        {
            ZstdThrow.Corrupt("Huffman weight stream missing");
        }

        int count = 0;
        fixed (byte* p = stream)
        {
            var br = new BackwardBitReader(p, stream.Length);
            int s1 = (int)br.Read(tableLog);
            int s2 = (int)br.Read(tableLog);
            br.Reload();
            if (br.Overflowed)
            {
                ZstdThrow.Corrupt("Huffman weight stream truncated");
            }

            while (true)
            {
                if (count > 253)
                {
                    ZstdThrow.Corrupt("too many Huffman weights");
                }

                FseEntry e1 = dtable[s1];
                weights[count++] = (byte)e1.BaseValue;
                s1 = e1.NewState + (int)br.Read(e1.NbBits);
                br.Reload();
                if (br.Overflowed)
                {
                    weights[count++] = (byte)dtable[s2].BaseValue;
                    break;
                }

                FseEntry e2 = dtable[s2];
                weights[count++] = (byte)e2.BaseValue;
                s2 = e2.NewState + (int)br.Read(e2.NbBits);
                br.Reload();
                if (br.Overflowed)
                {
                    weights[count++] = (byte)dtable[s1].BaseValue;
                    break;
                }
            }
        }

        return count;
    }

    private static void BuildTable(ReadOnlySpan<byte> weights, ushort[] table, out int maxBits)
    {
        Span<int> rankCount = stackalloc int[MaxTableLog + 2];
        uint weightSum = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            int w = weights[i];
            if (w > MaxTableLog)
            {
                ZstdThrow.Corrupt("Huffman weight too large");
            }

            rankCount[w]++;
            weightSum += w == 0 ? 0u : 1u << (w - 1);
        }

        if (weightSum == 0)
        {
            ZstdThrow.Corrupt("Huffman weights are all zero");
        }

        int topBit = 31 - BitOperations.LeadingZeroCount(weightSum);
        maxBits = topBit + 1;
        if (maxBits > MaxTableLog)
        {
            ZstdThrow.Corrupt("Huffman table log too large");
        }

        uint total = 1u << maxBits;
        uint rest = total - weightSum;
        if (!BitOperations.IsPow2(rest))
        {
            ZstdThrow.Corrupt("Huffman weights do not form a complete tree");
        }

        int lastWeight = BitOperations.Log2(rest) + 1;
        int symbolCount = weights.Length + 1;
        if (symbolCount > 256)
        {
            ZstdThrow.Corrupt("too many Huffman symbols");
        }

        rankCount[lastWeight]++;

        // Start index of each weight's block: weight 1 first (longest codes) at index 0.
        Span<int> rankStart = stackalloc int[MaxTableLog + 2];
        int next = 0;
        for (int w = 1; w <= maxBits; w++)
        {
            rankStart[w] = next;
            next += rankCount[w] << (w - 1);
        }

        for (int s = 0; s < symbolCount; s++)
        {
            int w = s < weights.Length ? weights[s] : lastWeight;
            if (w == 0)
            {
                continue;
            }

            int length = 1 << (w - 1);
            ushort entry = (ushort)(s | ((maxBits + 1 - w) << 8));
            int start = rankStart[w];
            table.AsSpan(start, length).Fill(entry);
            rankStart[w] = start + length;
        }
    }

    /// <summary>Decodes one stream of exactly <paramref name="count"/> symbols into <paramref name="dst"/>.</summary>
    public static void Decode1(byte* src, int srcLength, byte* dst, int count, ushort* table, int maxBits)
    {
        var br = new BackwardBitReader(src, srcLength);
        byte* op = dst;
        byte* end = dst + count;
        int shift = 64 - maxBits;
        while (end - op >= 4 && br.Reload())
        {
            op[0] = DecodeSymbol(ref br, table, shift);
            op[1] = DecodeSymbol(ref br, table, shift);
            op[2] = DecodeSymbol(ref br, table, shift);
            op[3] = DecodeSymbol(ref br, table, shift);
            op += 4;
        }

        while (op < end)
        {
            br.Reload();
            *op++ = DecodeSymbol(ref br, table, shift);
        }

        if (!br.IsComplete)
        {
            ZstdThrow.Corrupt("Huffman stream not fully consumed");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static byte DecodeSymbol(ref BackwardBitReader br, ushort* table, int shift)
    {
        ushort e = table[(br.Bits << (br.Consumed & 63)) >> shift];
        br.Consumed += e >> 8;
        return (byte)e;
    }

    /// <summary>Decodes the four-stream layout (6-byte jump table) of <paramref name="count"/> symbols into <paramref name="dst"/>.</summary>
    public static void Decode4(byte* src, int srcLength, byte* dst, int count, ushort* table, int maxBits)
    {
        if (srcLength < 10)
        {
            ZstdThrow.Corrupt("four-stream Huffman literals too short");
        }

        int l1 = src[0] | (src[1] << 8);
        int l2 = src[2] | (src[3] << 8);
        int l3 = src[4] | (src[5] << 8);
        int l4 = srcLength - 6 - l1 - l2 - l3;
        if (l1 == 0 || l2 == 0 || l3 == 0 || l4 < 1)
        {
            ZstdThrow.Corrupt("bad Huffman jump table");
        }

        int segment = (count + 3) / 4;
        if (segment * 3 > count)
        {
            ZstdThrow.Corrupt("too few literals for four streams");
        }

        byte* s1 = src + 6;
        byte* s2 = s1 + l1;
        byte* s3 = s2 + l2;
        byte* s4 = s3 + l3;
        var b1 = new BackwardBitReader(s1, l1);
        var b2 = new BackwardBitReader(s2, l2);
        var b3 = new BackwardBitReader(s3, l3);
        var b4 = new BackwardBitReader(s4, l4);
        byte* o1 = dst;
        byte* o2 = o1 + segment;
        byte* o3 = o2 + segment;
        byte* o4 = o3 + segment;
        byte* e1 = o2;
        byte* e2 = o3;
        byte* e3 = o4;
        byte* e4 = dst + count;
        int shift = 64 - maxBits;

        // Fast path: every stream has at least 8 unread bytes and room for 4 symbols.
        if (maxBits <= 11)
        {
            while (e4 - o4 >= 4 && e3 - o3 >= 4)
            {
                bool ok = b1.Reload() & b2.Reload() & b3.Reload() & b4.Reload();
                if (!ok)
                {
                    break;
                }

                o1[0] = DecodeSymbol(ref b1, table, shift);
                o2[0] = DecodeSymbol(ref b2, table, shift);
                o3[0] = DecodeSymbol(ref b3, table, shift);
                o4[0] = DecodeSymbol(ref b4, table, shift);
                o1[1] = DecodeSymbol(ref b1, table, shift);
                o2[1] = DecodeSymbol(ref b2, table, shift);
                o3[1] = DecodeSymbol(ref b3, table, shift);
                o4[1] = DecodeSymbol(ref b4, table, shift);
                o1[2] = DecodeSymbol(ref b1, table, shift);
                o2[2] = DecodeSymbol(ref b2, table, shift);
                o3[2] = DecodeSymbol(ref b3, table, shift);
                o4[2] = DecodeSymbol(ref b4, table, shift);
                o1[3] = DecodeSymbol(ref b1, table, shift);
                o2[3] = DecodeSymbol(ref b2, table, shift);
                o3[3] = DecodeSymbol(ref b3, table, shift);
                o4[3] = DecodeSymbol(ref b4, table, shift);
                o1 += 4;
                o2 += 4;
                o3 += 4;
                o4 += 4;
            }
        }

        Tail(ref b1, o1, e1, table, shift);
        Tail(ref b2, o2, e2, table, shift);
        Tail(ref b3, o3, e3, table, shift);
        Tail(ref b4, o4, e4, table, shift);
    }

    private static void Tail(ref BackwardBitReader br, byte* op, byte* end, ushort* table, int shift)
    {
        while (op < end)
        {
            br.Reload();
            if (br.Consumed > 64)
            {
                ZstdThrow.Corrupt("Huffman stream overrun");
            }

            *op++ = DecodeSymbol(ref br, table, shift);
        }

        if (!br.IsComplete)
        {
            ZstdThrow.Corrupt("Huffman stream not fully consumed");
        }
    }
}
