using System.Runtime.CompilerServices;

namespace Samsa.Protocol.Compression.Zstd;

/// <summary>
/// Builds length-limited canonical Huffman codes for literals, writes the tree description (direct 4-bit weights or
/// FSE-compressed weights) and encodes 1 or 4 streams, matching <see cref="HuffmanDecoder"/>'s code assignment.
/// </summary>
internal sealed unsafe class HuffmanEncoder
{
    private const int MaxBitsLimit = 11;

    private readonly byte[] _lengths = new byte[256];
    private readonly ushort[] _codes = new ushort[256];
    private readonly int[] _order = new int[256];
    private readonly int[] _parent = new int[512];
    private readonly FseEncoder _weightEncoder = new();

    /// <summary>Longest code length of the current table.</summary>
    public int MaxBits { get; private set; }

    /// <summary>Highest symbol present.</summary>
    public int MaxSymbol { get; private set; }

    /// <summary>Builds codes for <paramref name="counts"/>; returns false when Huffman coding is not possible (fewer than 2 symbols).</summary>
    public bool Build(ReadOnlySpan<uint> counts)
    {
        int n = 0;
        int maxSymbol = 0;
        for (int s = 0; s < 256; s++)
        {
            _lengths[s] = 0;
            if (counts[s] != 0)
            {
                _order[n++] = s;
                maxSymbol = s;
            }
        }

        if (n < 2)
        {
            return false;
        }

        MaxSymbol = maxSymbol;
        Span<int> order = _order.AsSpan(0, n);
        // Insertion sort by (count, symbol): at most 256 entries, and no allocation.
        for (int i = 1; i < n; i++)
        {
            int sym = order[i];
            uint c = counts[sym];
            int j = i - 1;
            while (j >= 0 && counts[order[j]] > c)
            {
                order[j + 1] = order[j];
                j--;
            }

            order[j + 1] = sym;
        }

        // Two-queue Huffman: leaves 0..n-1 (ascending counts), internal nodes n..2n-2 created in non-decreasing weight.
        Span<long> weight = stackalloc long[512];
        for (int i = 0; i < n; i++)
        {
            weight[i] = counts[order[i]];
        }

        int leaf = 0;
        int node = n;
        int nextNode = n;
        for (int k = 0; k < n - 1; k++)
        {
            int a = PickSmallest(weight, ref leaf, n, ref node, nextNode);
            int b = PickSmallest(weight, ref leaf, n, ref node, nextNode);
            weight[nextNode] = weight[a] + weight[b];
            _parent[a] = nextNode;
            _parent[b] = nextNode;
            nextNode++;
        }

        int root = nextNode - 1;
        Span<int> depth = stackalloc int[512];
        depth[root] = 0;
        for (int i = root - 1; i >= 0; i--)
        {
            depth[i] = depth[_parent[i]] + 1;
        }

        for (int i = 0; i < n; i++)
        {
            _lengths[order[i]] = (byte)Math.Min(depth[i], 63);
        }

        if (!LimitLengths(order, counts))
        {
            return false;
        }

        int maxBits = 0;
        for (int i = 0; i < n; i++)
        {
            maxBits = Math.Max(maxBits, _lengths[order[i]]);
        }

        MaxBits = maxBits;
        AssignCodes();
        return true;
    }

    private static int PickSmallest(Span<long> weight, ref int leaf, int leafEnd, ref int node, int nodeEnd)
    {
        if (leaf < leafEnd && (node >= nodeEnd || weight[leaf] <= weight[node]))
        {
            return leaf++;
        }

        return node++;
    }

    private bool LimitLengths(Span<int> order, ReadOnlySpan<uint> counts)
    {
        const int L = MaxBitsLimit;
        long kraft = 0;
        foreach (int s in order)
        {
            if (_lengths[s] > L)
            {
                _lengths[s] = L;
            }

            kraft += 1L << (L - _lengths[s]);
        }

        long target = 1L << L;
        while (kraft > target)
        {
            // Lengthen the least frequent of the longest codes still below the limit.
            int pick = -1;
            foreach (int s in order)
            {
                if (_lengths[s] < L && (pick < 0 || _lengths[s] > _lengths[pick]))
                {
                    pick = s;
                }
            }

            if (pick < 0)
            {
                return false;
            }

            _lengths[pick]++;
            kraft -= 1L << (L - _lengths[pick]);
        }

        for (int i = order.Length - 1; i >= 0 && kraft < target; i--)
        {
            // Shorten the most frequent codes while the tree has room.
            int s = order[i];
            while (_lengths[s] > 1 && kraft + (1L << (L - _lengths[s])) <= target)
            {
                kraft += 1L << (L - _lengths[s]);
                _lengths[s]--;
            }
        }

        return kraft == target;
    }

    private void AssignCodes()
    {
        // Decoder fills its table by increasing weight (longest codes first) and symbol order within a weight.
        Span<int> rankStart = stackalloc int[MaxBitsLimit + 2];
        Span<int> rankCount = stackalloc int[MaxBitsLimit + 2];
        for (int s = 0; s <= MaxSymbol; s++)
        {
            if (_lengths[s] != 0)
            {
                rankCount[MaxBits + 1 - _lengths[s]]++;
            }
        }

        int next = 0;
        for (int w = 1; w <= MaxBits; w++)
        {
            rankStart[w] = next;
            next += rankCount[w] << (w - 1);
        }

        for (int s = 0; s <= MaxSymbol; s++)
        {
            int len = _lengths[s];
            if (len == 0)
            {
                continue;
            }

            int w = MaxBits + 1 - len;
            _codes[s] = (ushort)(rankStart[w] >> (w - 1));
            rankStart[w] += 1 << (w - 1);
        }
    }

    /// <summary>Estimated payload bits of <paramref name="counts"/> under the current code.</summary>
    public long EstimateBits(ReadOnlySpan<uint> counts)
    {
        long bits = 0;
        for (int s = 0; s <= MaxSymbol; s++)
        {
            bits += (long)counts[s] * _lengths[s];
        }

        return bits;
    }

    /// <summary>Writes the tree description; returns its size, or -1 when it cannot be represented.</summary>
    public int WriteTable(Span<byte> dst)
    {
        int weightCount = MaxSymbol;
        Span<byte> weights = stackalloc byte[256];
        for (int s = 0; s < weightCount; s++)
        {
            weights[s] = (byte)(_lengths[s] == 0 ? 0 : MaxBits + 1 - _lengths[s]);
        }

        int fseSize = weightCount >= 2 ? WriteFseWeights(dst.Slice(1), weights.Slice(0, weightCount)) : -1;
        int directSize = weightCount <= 128 ? 1 + ((weightCount + 1) >> 1) : int.MaxValue;
        if (fseSize > 0 && fseSize + 1 < directSize && fseSize < 128)
        {
            dst[0] = (byte)fseSize;
            return fseSize + 1;
        }

        if (directSize == int.MaxValue)
        {
            return -1;
        }

        dst[0] = (byte)(127 + weightCount);
        for (int i = 0; i < weightCount; i += 2)
        {
            int hi = weights[i];
            int lo = i + 1 < weightCount ? weights[i + 1] : 0;
            dst[1 + (i >> 1)] = (byte)((hi << 4) | lo);
        }

        return directSize;
    }

    private int WriteFseWeights(Span<byte> dst, ReadOnlySpan<byte> weights)
    {
        Span<uint> counts = stackalloc uint[16];
        int maxWeight = 0;
        foreach (byte w in weights)
        {
            counts[w]++;
            maxWeight = Math.Max(maxWeight, w);
        }

        int distinct = 0;
        for (int i = 0; i <= maxWeight; i++)
        {
            distinct += counts[i] != 0 ? 1 : 0;
        }

        if (distinct < 2)
        {
            return -1;
        }

        Span<short> norm = stackalloc short[16];
        int tableLog = FseEncoder.ChooseTableLog(weights.Length, distinct, 6);
        FseEncoder.Normalize(counts, maxWeight, weights.Length, tableLog, norm);
        Span<byte> scratch = stackalloc byte[512];
        int header = FseEncoder.WriteNCount(scratch, norm, maxWeight, tableLog);
        _weightEncoder.Build(norm, maxWeight, tableLog);
        fixed (byte* p = scratch)
        {
            var bw = new BitWriter(p + header, scratch.Length - header);
            int i = weights.Length;
            uint s1;
            uint s2;
            if ((i & 1) != 0)
            {
                s1 = _weightEncoder.InitState(weights[--i]);
                s2 = _weightEncoder.InitState(weights[--i]);
                _weightEncoder.Encode(ref bw, ref s1, weights[--i]);
                bw.Flush();
            }
            else
            {
                s2 = _weightEncoder.InitState(weights[--i]);
                s1 = _weightEncoder.InitState(weights[--i]);
            }

            while (i > 0)
            {
                _weightEncoder.Encode(ref bw, ref s2, weights[--i]);
                _weightEncoder.Encode(ref bw, ref s1, weights[--i]);
                bw.Flush();
            }

            _weightEncoder.FlushState(ref bw, s2);
            _weightEncoder.FlushState(ref bw, s1);
            int streamSize = bw.Close();
            if (bw.Overflow || header + streamSize > dst.Length)
            {
                return -1;
            }

            scratch.Slice(0, header + streamSize).CopyTo(dst);
            return header + streamSize;
        }
    }

    /// <summary>Encodes <paramref name="src"/> as one stream into <paramref name="dst"/>; returns the size or -1 when it does not fit.</summary>
    public int Encode1(byte* src, int count, byte* dst, int capacity)
    {
        var bw = new BitWriter(dst, capacity);
        fixed (byte* lengths = _lengths)
        fixed (ushort* codes = _codes)
        {
            int i = count;
            while ((i & 3) != 0)
            {
                byte s = src[--i];
                bw.AddClean(codes[s], lengths[s]);
            }

            bw.Flush();
            while (i > 0)
            {
                Put(ref bw, codes, lengths, src[i - 1]);
                Put(ref bw, codes, lengths, src[i - 2]);
                Put(ref bw, codes, lengths, src[i - 3]);
                Put(ref bw, codes, lengths, src[i - 4]);
                bw.Flush();
                i -= 4;
            }
        }

        int size = bw.Close();
        return bw.Overflow ? -1 : size;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put(ref BitWriter bw, ushort* codes, byte* lengths, byte s) => bw.AddClean(codes[s], lengths[s]);

    /// <summary>Encodes <paramref name="src"/> as four streams with the jump table; returns the size or -1.</summary>
    public int Encode4(byte* src, int count, byte* dst, int capacity)
    {
        if (capacity < 6 + 4 * 8)
        {
            return -1;
        }

        int segment = (count + 3) / 4;
        int pos = 6;
        Span<int> sizes = stackalloc int[4];
        for (int k = 0; k < 4; k++)
        {
            int start = k * segment;
            int length = k < 3 ? segment : count - 3 * segment;
            int size = Encode1(src + start, length, dst + pos, capacity - pos);
            if (size < 0 || (k < 3 && size > 0xFFFF))
            {
                return -1;
            }

            sizes[k] = size;
            pos += size;
        }

        for (int k = 0; k < 3; k++)
        {
            dst[2 * k] = (byte)sizes[k];
            dst[2 * k + 1] = (byte)(sizes[k] >> 8);
        }

        return pos;
    }
}
