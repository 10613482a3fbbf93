using System.Numerics;

namespace Samsa.Protocol.Compression.Zstd;

/// <summary>
/// The sequences and literals the match finder produced for one block, with offsets already turned into offset values
/// (repeat codes 1-3 or offset+3) under the same repeat-offset rules the decoder applies.
/// </summary>
internal sealed unsafe class SequenceStore
{
    public readonly byte[] Literals = new byte[ZstdConstants.BlockSizeMax + 64];
    public readonly uint[] LiteralLengths = new uint[ZstdConstants.BlockSizeMax / 3 + 1];
    public readonly uint[] MatchLengths = new uint[ZstdConstants.BlockSizeMax / 3 + 1];
    public readonly uint[] OffsetValues = new uint[ZstdConstants.BlockSizeMax / 3 + 1];
    public readonly byte[] LiteralLengthCodes = new byte[ZstdConstants.BlockSizeMax / 3 + 1];
    public readonly byte[] MatchLengthCodes = new byte[ZstdConstants.BlockSizeMax / 3 + 1];
    public readonly byte[] OffsetCodes = new byte[ZstdConstants.BlockSizeMax / 3 + 1];

    private static readonly byte[] s_literalLengthCode = BuildCodeTable(ZstdConstants.LiteralsLengthBase, ZstdConstants.LiteralsLengthBits, 0, 64);
    private static readonly byte[] s_matchLengthCode = BuildCodeTable(ZstdConstants.MatchLengthBase, ZstdConstants.MatchLengthBits, 3, 128);

    /// <summary>End of the readable source for the current block; literal copies never read past it.</summary>
    public byte* ReadLimit;

    public int LiteralCount;
    public int Count;
    public uint Rep0 = 1;
    public uint Rep1 = 4;
    public uint Rep2 = 8;

    public void Reset()
    {
        LiteralCount = 0;
        Count = 0;
    }

    public void ResetFrame()
    {
        Rep0 = 1;
        Rep1 = 4;
        Rep2 = 8;
    }

    /// <summary>Adds a sequence: <paramref name="literalLength"/> literals from <paramref name="literals"/>, then a match.</summary>
    public unsafe void Add(byte* literals, int literalLength, uint offset, int matchLength)
    {
        if (literalLength <= 16 && literals + 16 <= ReadLimit)
        {
            fixed (byte* dst = Literals)
            {
                System.Runtime.CompilerServices.Unsafe.WriteUnaligned(dst + LiteralCount,
                    System.Runtime.CompilerServices.Unsafe.ReadUnaligned<System.Runtime.Intrinsics.Vector128<byte>>(literals));
            }
        }
        else
        {
            new ReadOnlySpan<byte>(literals, literalLength).CopyTo(Literals.AsSpan(LiteralCount));
        }

        LiteralCount += literalLength;
        uint value;
        if (literalLength > 0)
        {
            value = offset == Rep0 ? 1u : offset == Rep1 ? 2u : offset == Rep2 ? 3u : offset + 3;
        }
        else
        {
            value = offset == Rep1 ? 1u : offset == Rep2 ? 2u : offset == Rep0 - 1 ? 3u : offset + 3;
        }

        // Same update the decoder performs.
        if (value > 3)
        {
            Rep2 = Rep1;
            Rep1 = Rep0;
            Rep0 = offset;
        }
        else
        {
            uint index = value - 1 + (literalLength == 0 ? 1u : 0u);
            if (index != 0)
            {
                if (index != 1)
                {
                    Rep2 = Rep1;
                }

                Rep1 = Rep0;
                Rep0 = offset;
            }
        }

        int i = Count++;
        LiteralLengths[i] = (uint)literalLength;
        MatchLengths[i] = (uint)matchLength;
        OffsetValues[i] = value;
    }

    /// <summary>Appends the literals after the last sequence.</summary>
    public unsafe void AddLastLiterals(byte* literals, int count)
    {
        new ReadOnlySpan<byte>(literals, count).CopyTo(Literals.AsSpan(LiteralCount));
        LiteralCount += count;
    }

    /// <summary>
    /// Fills the code arrays from the lengths and offset values and counts each code into the 64-entry histograms;
    /// returns the largest code of each kind.
    /// </summary>
    public void ComputeCodes(uint* llCounts, uint* mlCounts, uint* ofCounts, out int llMax, out int mlMax, out int ofMax)
    {
        int n = Count;
        int llm = 0, mlm = 0, ofm = 0;
        fixed (uint* lls = LiteralLengths)
        fixed (uint* mls = MatchLengths)
        fixed (uint* ofs = OffsetValues)
        fixed (byte* llc = LiteralLengthCodes)
        fixed (byte* mlc = MatchLengthCodes)
        fixed (byte* ofc = OffsetCodes)
        fixed (byte* llTable = s_literalLengthCode)
        fixed (byte* mlTable = s_matchLengthCode)
        {
            for (int i = 0; i < n; i++)
            {
                uint ll = lls[i];
                int lc = ll < 64 ? llTable[ll] : BitOperations.Log2(ll) + 19;
                uint mlBase = mls[i] - 3;
                int mc = mlBase < 128 ? mlTable[mlBase] : BitOperations.Log2(mlBase) + 36;
                int oc = BitOperations.Log2(ofs[i]);
                llc[i] = (byte)lc;
                mlc[i] = (byte)mc;
                ofc[i] = (byte)oc;
                llCounts[lc]++;
                mlCounts[mc]++;
                ofCounts[oc]++;
                llm = Math.Max(llm, lc);
                mlm = Math.Max(mlm, mc);
                ofm = Math.Max(ofm, oc);
            }
        }

        llMax = llm;
        mlMax = mlm;
        ofMax = ofm;
    }

    private static byte[] BuildCodeTable(ReadOnlySpan<uint> baseValues, ReadOnlySpan<byte> bits, int bias, int size)
    {
        var table = new byte[size];
        for (int code = 0; code < baseValues.Length; code++)
        {
            long start = baseValues[code] - bias;
            long end = start + (1L << bits[code]);
            for (long v = start; v < end && v < size; v++)
            {
                table[v] = (byte)code;
            }
        }

        return table;
    }
}
