using System.Runtime.CompilerServices;

namespace Samsa.Protocol.Compression.Zstd;

/// <summary>The sequences section: header, table modes and descriptions, then the interleaved FSE bitstream.</summary>
internal sealed unsafe partial class BlockEncoder
{
    private int EncodeSequences(SequenceStore store, byte* dst, int capacity)
    {
        int n = store.Count;
        if (capacity < 3 * 80 + 16)
        {
            return -1;
        }

        int pos;
        if (n < 128)
        {
            dst[0] = (byte)n;
            pos = 1;
        }
        else if (n < 0x7F00)
        {
            dst[0] = (byte)((n >> 8) + 128);
            dst[1] = (byte)n;
            pos = 2;
        }
        else
        {
            dst[0] = 255;
            dst[1] = (byte)(n - 0x7F00);
            dst[2] = (byte)((n - 0x7F00) >> 8);
            pos = 3;
        }

        if (n == 0)
        {
            return pos;
        }

        uint* counts = stackalloc uint[3 * 64];
        new Span<uint>(counts, 3 * 64).Clear();
        store.ComputeCodes(counts, counts + 64, counts + 128, out int llMax, out int mlMax, out int ofMax);
        int modesPos = pos++;
        var span = new Span<byte>(dst, capacity);
        int llMode = ChooseTable(new ReadOnlySpan<uint>(counts, 64), llMax, n, ZstdConstants.LiteralsLengthMaxLog,
            35, _ll, s_predefinedLl, span, ref pos, out FseEncoder ll);
        int ofMode = ChooseTable(new ReadOnlySpan<uint>(counts + 128, 64), ofMax, n, ZstdConstants.OffsetMaxLog,
            28, _of, s_predefinedOf, span, ref pos, out FseEncoder of);
        int mlMode = ChooseTable(new ReadOnlySpan<uint>(counts + 64, 64), mlMax, n, ZstdConstants.MatchLengthMaxLog,
            52, _ml, s_predefinedMl, span, ref pos, out FseEncoder ml);
        if ((llMode | ofMode | mlMode) < 0)
        {
            return -1;
        }

        dst[modesPos] = (byte)((llMode << 6) | (ofMode << 4) | (mlMode << 2));
        int size = WriteSequenceStream(store, ll, ml, of, dst + pos, capacity - pos);
        return size < 0 ? -1 : pos + size;
    }

    /// <summary>
    /// Writes the sequences bitstream (last sequence first, as the decoder reads backwards) into <paramref name="dst"/>;
    /// returns its length or -1 when it does not fit. The bit container is a local 64-bit word flushed with one 8-byte
    /// store; the position is checked against <c>dst + capacity - 16</c> after each sequence.
    /// </summary>
    private static int WriteSequenceStream(SequenceStore store, FseEncoder ll, FseEncoder ml, FseEncoder of, byte* dst, int capacity)
    {
        if (capacity < 32)
        {
            return -1;
        }

        // One sequence flushes three times, each storing 8 bytes and advancing at most 4 (a flush holds at most
        // 7 + 32 bits), so a sequence that starts at or below capacity - 16 never stores past the end.
        byte* p = dst;
        byte* limit = dst + capacity - 16;
        ulong bits = 0;
        int count = 0;
        int last = store.Count - 1;

        fixed (uint* lls = store.LiteralLengths)
        fixed (uint* mls = store.MatchLengths)
        fixed (uint* ofs = store.OffsetValues)
        fixed (byte* llc = store.LiteralLengthCodes)
        fixed (byte* mlc = store.MatchLengthCodes)
        fixed (byte* ofc = store.OffsetCodes)
        fixed (uint* llBase = ZstdConstants.LiteralsLengthBase)
        fixed (uint* mlBase = ZstdConstants.MatchLengthBase)
        fixed (ushort* llState = ll.StateTable)
        fixed (ushort* mlState = ml.StateTable)
        fixed (ushort* ofState = of.StateTable)
        fixed (int* llFind = ll.DeltaFindState)
        fixed (int* mlFind = ml.DeltaFindState)
        fixed (int* ofFind = of.DeltaFindState)
        fixed (uint* llNb = ll.DeltaNbBits)
        fixed (uint* mlNb = ml.DeltaNbBits)
        fixed (uint* ofNb = of.DeltaNbBits)
        {
            uint mlS = ml.InitState(mlc[last]);
            uint ofS = of.InitState(ofc[last]);
            uint llS = ll.InitState(llc[last]);
            for (int i = last; i >= 0; i--)
            {
                if (i != last)
                {
                    int oc0 = ofc[i];
                    int mc0 = mlc[i];
                    int lc0 = llc[i];
                    Encode(ref bits, ref count, ref ofS, ofState, ofFind, ofNb, oc0);
                    Encode(ref bits, ref count, ref mlS, mlState, mlFind, mlNb, mc0);
                    Encode(ref bits, ref count, ref llS, llState, llFind, llNb, lc0);
                    Flush(ref bits, ref count, ref p);
                }

                int lc = llc[i];
                int mc = mlc[i];
                int oc = ofc[i];
                bits |= (ulong)(lls[i] - llBase[lc]) << count;
                count += ZstdConstants.LiteralsLengthBits[lc];
                bits |= (ulong)(mls[i] - mlBase[mc]) << count;
                count += ZstdConstants.MatchLengthBits[mc];
                Flush(ref bits, ref count, ref p);
                bits |= (ulong)(ofs[i] & ((1u << oc) - 1)) << count;
                count += oc;
                Flush(ref bits, ref count, ref p);
                if (p > limit)
                {
                    return -1;
                }
            }

            AddState(ref bits, ref count, mlS, ml.TableLog);
            AddState(ref bits, ref count, ofS, of.TableLog);
            Flush(ref bits, ref count, ref p);
            AddState(ref bits, ref count, llS, ll.TableLog);
            bits |= 1UL << count;
            count++;
            Flush(ref bits, ref count, ref p);
            if (p > limit)
            {
                return -1;
            }

            return (int)(p - dst) + (count > 0 ? 1 : 0);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Encode(ref ulong bits, ref int count, ref uint state, ushort* stateTable, int* findState, uint* nbBits, int symbol)
    {
        int nbOut = (int)((state + nbBits[symbol]) >> 16);
        bits |= (state & ((1UL << nbOut) - 1)) << count;
        count += nbOut;
        state = stateTable[(int)(state >> nbOut) + findState[symbol]];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddState(ref ulong bits, ref int count, uint state, int tableLog)
    {
        bits |= (state & ((1UL << tableLog) - 1)) << count;
        count += tableLog;
    }

    /// <summary>Stores the whole container and advances by the complete bytes; the caller checks the limit once per sequence.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Flush(ref ulong bits, ref int count, ref byte* p)
    {
        Unsafe.WriteUnaligned(p, bits);
        int bytes = count >> 3;
        p += bytes;
        bits >>= bytes << 3;
        count &= 7;
    }
}
