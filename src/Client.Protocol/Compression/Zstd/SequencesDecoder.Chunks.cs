using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Samsa.Protocol.Compression.Zstd;

/// <summary>
/// The two halves of sequence decoding: <see cref="DecodeChunk"/> reads up to a chunk of sequences from the FSE bitstream
/// (resolving repeat offsets), <see cref="ExecuteChunk"/> copies their literals and matches into the output. Every copy
/// is checked against the literal buffer, the output buffer and the start of the frame before it happens.
/// </summary>
internal static unsafe partial class SequencesDecoder
{
    /// <summary>One decoded sequence.</summary>
    private struct Sequence
    {
        public uint LiteralLength;
        public uint MatchLength;
        public uint Offset;
    }

    /// <summary>Bitstream, FSE states and repeat offsets, carried from chunk to chunk.</summary>
    private struct SequenceDecoding
    {
        public BackwardBitReader Reader;
        public FseEntry* LiteralsLengthTable;
        public FseEntry* OffsetTable;
        public FseEntry* MatchLengthTable;
        public nuint LiteralsLengthState;
        public nuint OffsetState;
        public nuint MatchLengthState;
        public uint Rep0;
        public uint Rep1;
        public uint Rep2;
    }

    /// <summary>Literal and output cursors with their bounds.</summary>
    private struct SequenceExecution
    {
        public byte* Literals;
        public byte* LiteralsEnd;
        public byte* Output;
        public byte* OutputStart;
        public byte* OutputEnd;
    }

    /// <summary>Decodes <paramref name="count"/> sequences; <paramref name="remaining"/> counts this chunk's and all later ones.</summary>
    private static void DecodeChunk(ref SequenceDecoding state, Sequence* seqs, int count, int remaining)
    {
        // The bit container as locals: `left` counts the unread bits at the bottom of the 64-bit window (64 - consumed),
        // so a read is a subtract, a shift and a mask. Refills near the start of the stream go through BackwardBitReader.
        BackwardBitReader br = state.Reader;
        ulong bits = br.Bits;
        int left = 64 - br.Consumed;
        byte* ptr = br.Ptr;
        byte* fastLimit = br.Start + 8;
        FseEntry* llTable = state.LiteralsLengthTable;
        FseEntry* ofTable = state.OffsetTable;
        FseEntry* mlTable = state.MatchLengthTable;
        nuint llState = state.LiteralsLengthState;
        nuint ofState = state.OffsetState;
        nuint mlState = state.MatchLengthState;
        uint rep0 = state.Rep0, rep1 = state.Rep1, rep2 = state.Rep2;

        for (int i = 0; i < count; i++)
        {
            // Each entry as one 64-bit word (BaseValue | NewState << 32 | NbBits << 48 | NbAddBits << 56), so the three
            // entries stay in registers.
            ulong ll = Unsafe.ReadUnaligned<ulong>(llTable + llState);
            ulong ml = Unsafe.ReadUnaligned<ulong>(mlTable + mlState);
            ulong of = Unsafe.ReadUnaligned<ulong>(ofTable + ofState);
            int ofAdd = (int)(of >> 56);
            int mlAdd = (int)(ml >> 56);
            int llAdd = (int)(ll >> 56);

            uint offsetValue = (uint)of + ReadBits(bits, ref left, ofAdd);
            uint matchLength = (uint)ml + ReadBits(bits, ref left, mlAdd);
            if (ofAdd + mlAdd + llAdd >= 31)
            {
                Refill(ref br, ref bits, ref left, ref ptr, fastLimit);
            }

            uint literalLength = (uint)ll + ReadBits(bits, ref left, llAdd);
            uint offset;
            if (offsetValue > 3)
            {
                offset = offsetValue - 3;
                rep2 = rep1;
                rep1 = rep0;
                rep0 = offset;
            }
            else
            {
                uint index = offsetValue - 1 + (literalLength == 0 ? 1u : 0u);
                if (index == 0)
                {
                    offset = rep0;
                }
                else
                {
                    offset = index == 1 ? rep1 : index == 2 ? rep2 : rep0 - 1;
                    if (index != 1)
                    {
                        rep2 = rep1;
                    }

                    rep1 = rep0;
                    rep0 = offset;
                }
            }

            if (i + 1 < remaining)
            {
                llState = (nuint)(ushort)(ll >> 32) + ReadBits(bits, ref left, (int)(byte)(ll >> 48));
                mlState = (nuint)(ushort)(ml >> 32) + ReadBits(bits, ref left, (int)(byte)(ml >> 48));
                ofState = (nuint)(ushort)(of >> 32) + ReadBits(bits, ref left, (int)(byte)(of >> 48));
                Refill(ref br, ref bits, ref left, ref ptr, fastLimit);
            }

            seqs[i].LiteralLength = literalLength;
            seqs[i].MatchLength = matchLength;
            seqs[i].Offset = offset;
        }

        br.Bits = bits;
        br.Consumed = 64 - left;
        br.Ptr = ptr;
        state.Reader = br;
        state.LiteralsLengthState = llState;
        state.OffsetState = ofState;
        state.MatchLengthState = mlState;
        state.Rep0 = rep0;
        state.Rep1 = rep1;
        state.Rep2 = rep2;
    }

    /// <summary>Reads <paramref name="count"/> (0..57) bits from the top of the unread part of the window.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint ReadBits(ulong bits, ref int left, int count)
    {
        left -= count;
        ulong shifted = bits >> (left & 63);
        return Bmi2.X64.IsSupported ? (uint)Bmi2.X64.ZeroHighBits(shifted, (ulong)count) : (uint)(shifted & ((1UL << count) - 1));
    }

    /// <summary>
    /// Refills the window. While at least 8 bytes precede the window the refill is one load (at most 64 bits are consumed
    /// between refills, so the pointer never moves below the stream start); otherwise <see cref="BackwardBitReader.Reload"/> handles the end.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Refill(ref BackwardBitReader br, ref ulong bits, ref int left, ref byte* ptr, byte* fastLimit)
    {
        int consumed = 64 - left;
        if (ptr >= fastLimit && (uint)consumed <= 64)
        {
            ptr -= consumed >> 3;
            left = 64 - (consumed & 7);
            bits = Unsafe.ReadUnaligned<ulong>(ptr);
            return;
        }

        br.Bits = bits;
        br.Consumed = consumed;
        br.Ptr = ptr;
        br.Reload();
        bits = br.Bits;
        left = 64 - br.Consumed;
        ptr = br.Ptr;
    }

    /// <summary>Executes <paramref name="count"/> decoded sequences.</summary>
    private static void ExecuteChunk(ref SequenceExecution x, Sequence* seqs, int count)
    {
        byte* lit = x.Literals;
        byte* litEnd = x.LiteralsEnd;
        byte* op = x.Output;
        byte* outBase = x.OutputStart;
        byte* oend = x.OutputEnd;
        Sequence* end = seqs + count;
        for (Sequence* s = seqs; s < end; s++)
        {
            uint literalLength = s->LiteralLength;
            uint matchLength = s->MatchLength;
            uint offset = s->Offset;
            if (literalLength > (nuint)(litEnd - lit))
            {
                ZstdThrow.Corrupt("sequence uses more literals than decoded");
            }

            nuint total = (nuint)literalLength + matchLength;
            if (total > (nuint)(oend - op))
            {
                ZstdThrow.Corrupt("decompressed data exceeds the declared content size or the size limit");
            }

            if (offset == 0 || offset > (nuint)(op - outBase) + literalLength)
            {
                ZstdThrow.Corrupt("match offset reaches before the start of the frame");
            }

            if ((nuint)(oend - op) >= total + 32)
            {
                // Literals may over-read into the literal buffer's slack; every store stays below oend.
                Copy16(op, lit);
                if (literalLength > 16)
                {
                    WildCopy(op + 16, lit + 16, (nint)literalLength - 16);
                }

                op += literalLength;
                lit += literalLength;
                byte* match = op - offset;
                if (offset >= 16)
                {
                    WildCopy(op, match, (nint)matchLength);
                }
                else
                {
                    CopyShortOffset(op, match, offset, matchLength);
                }

                op += matchLength;
            }
            else
            {
                Buffer.MemoryCopy(lit, op, literalLength, literalLength);
                op += literalLength;
                lit += literalLength;
                byte* match = op - offset;
                for (uint k = 0; k < matchLength; k++)
                {
                    op[k] = match[k];
                }

                op += matchLength;
            }
        }

        x.Literals = lit;
        x.Output = op;
    }
}
