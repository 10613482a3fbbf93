using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Samsa.Protocol.Compression.Zstd;

/// <summary>
/// The sequence decode-and-execute loop. It is written for the JIT's register allocator: the FSE states are pointers to
/// table entries (read in place, never copied to locals), the bit window lives in three locals, the repeat offsets sit
/// in a small stack array, and the rare paths (near the end of the output, short streams) are out of line. Every value
/// taken from the input is still checked before it moves a pointer: literal and output bounds and the match offset.
/// </summary>
internal static unsafe partial class SequencesDecoder
{
    /// <summary>Output room the fast path needs beyond a sequence: its wide copies may write up to 32 bytes past the end.</summary>
    private const int FastSlack = 32;

    /// <summary>Decodes and executes <paramref name="sequenceCount"/> sequences; returns the new output position.</summary>
    private static int DecodeAndExecute(ZstdDecoderContext ctx, ReadOnlySpan<byte> stream, int sequenceCount, int literalCount,
        Span<byte> output, int outPos, out int litUsed)
    {
        // Refills always load 8 bytes, so a stream shorter than that is decoded from a zero-padded copy.
        byte* padded = stackalloc byte[16];
        uint* reps = stackalloc uint[4];
        fixed (byte* streamStart = stream)
        fixed (byte* litBase = ctx.Literals)
        fixed (byte* outBase = output)
        fixed (FseEntry* llTable = ctx.LiteralsLengthTable)
        fixed (FseEntry* ofTable = ctx.OffsetTable)
        fixed (FseEntry* mlTable = ctx.MatchLengthTable)
        {
            byte* sp = streamStart;
            if (stream.Length < 8)
            {
                new Span<byte>(padded, 16).Clear();
                stream.CopyTo(new Span<byte>(padded, 16));
                sp = padded;
            }

            var br = new BackwardBitReader(sp, stream.Length);
            FseEntry* ll = llTable + br.Read(ctx.LiteralsLengthLog);
            FseEntry* of = ofTable + br.Read(ctx.OffsetLog);
            FseEntry* ml = mlTable + br.Read(ctx.MatchLengthLog);
            br.Reload();

            ulong bits = br.Bits;
            int consumed = br.Consumed;
            byte* ptr = br.Ptr;
            byte* start = br.Start;
            byte* fastRefill = start + 8;

            reps[0] = ctx.Rep0;
            reps[1] = ctx.Rep1;
            reps[2] = ctx.Rep2;
            byte* lit = litBase;
            byte* litEnd = litBase + literalCount;
            byte* op = outBase + outPos;
            byte* oend = outBase + output.Length;

            // The fast path needs FastSlack bytes of room after a sequence (never true for a tiny output).
            byte* oendFast = output.Length >= FastSlack ? oend - FastSlack : outBase;
            int remaining = sequenceCount;
            while (true)
            {
                int ofBits = of->NbAddBits;
                int mlBits = ml->NbAddBits;
                int llBits = ll->NbAddBits;
                uint offset = of->BaseValue + Peek(bits, consumed, ofBits);
                consumed += ofBits;
                uint matchLength = ml->BaseValue + Peek(bits, consumed, mlBits);
                consumed += mlBits;
                if (ofBits + mlBits + llBits >= 31)
                {
                    // Up to 31 + 16 bits read so far; the literal length and the three state updates need up to 42 more.
                    if (ptr >= fastRefill)
                    {
                        ptr -= consumed >> 3;
                        consumed &= 7;
                    }
                    else
                    {
                        nint step = Math.Min(consumed >> 3, (nint)(ptr - start));
                        ptr -= step;
                        consumed -= (int)step << 3;
                    }

                    bits = Unsafe.ReadUnaligned<ulong>(ptr);
                }

                uint literalLength = ll->BaseValue + Peek(bits, consumed, llBits);
                consumed += llBits;

                // Offset codes 0 and 1 (values 1 to 3) name repeat offsets; a literal length of 0 shifts them by one.
                if (ofBits > 1)
                {
                    offset -= 3;
                    reps[2] = reps[1];
                    reps[1] = reps[0];
                    reps[0] = offset;
                }
                else
                {
                    uint index = offset - (literalLength == 0 ? 0u : 1u);
                    if (index != 0)
                    {
                        uint chosen = index == 3 ? reps[0] - 1 : reps[index];
                        if (index != 1)
                        {
                            reps[2] = reps[1];
                        }

                        reps[1] = reps[0];
                        reps[0] = chosen;
                    }

                    offset = reps[0];
                }

                if (--remaining != 0)
                {
                    int n = ll->NbBits;
                    ll = llTable + ll->NewState + Peek(bits, consumed, n);
                    consumed += n;
                    n = ml->NbBits;
                    ml = mlTable + ml->NewState + Peek(bits, consumed, n);
                    consumed += n;
                    n = of->NbBits;
                    of = ofTable + of->NewState + Peek(bits, consumed, n);
                    consumed += n;
                    if (ptr >= fastRefill)
                    {
                        ptr -= consumed >> 3;
                        consumed &= 7;
                    }
                    else
                    {
                        nint step = Math.Min(consumed >> 3, (nint)(ptr - start));
                        ptr -= step;
                        consumed -= (int)step << 3;
                    }

                    bits = Unsafe.ReadUnaligned<ulong>(ptr);
                }

                // Execute: every check is on values from the input, before any pointer moves. Lengths are below 2^18,
                // so the pointer sums cannot wrap.
                byte* litNext = lit + literalLength;
                if (litNext > litEnd)
                {
                    ZstdThrow.Corrupt("sequence uses more literals than decoded");
                }

                byte* opLit = op + literalLength;
                if ((nuint)(offset - 1) >= (nuint)(opLit - outBase))
                {
                    // Also catches offset 0, which wraps to the largest value.
                    ZstdThrow.Corrupt("match offset reaches before the start of the frame");
                }

                byte* opEnd = opLit + matchLength;
                if (opEnd <= oendFast)
                {
                    Copy16(op, lit);
                    if (literalLength > 16)
                    {
                        WildCopy(op + 16, lit + 16, opLit);
                    }

                    byte* match = opLit - offset;
                    if (offset >= 16)
                    {
                        WildCopy(opLit, match, opEnd);
                    }
                    else
                    {
                        CopyShortOffset(opLit, match, offset, opEnd);
                    }
                }
                else
                {
                    if (opEnd > oend)
                    {
                        ZstdThrow.Corrupt("decompressed data exceeds the declared content size or the size limit");
                    }

                    ExecuteExact(op, lit, literalLength, offset, matchLength);
                }

                op = opEnd;
                lit = litNext;
                if (remaining == 0)
                {
                    break;
                }
            }

            br.Bits = bits;
            br.Consumed = consumed;
            br.Ptr = ptr;
            if (!br.IsComplete)
            {
                ZstdThrow.Corrupt("sequence bitstream not fully consumed");
            }

            ctx.Rep0 = reps[0];
            ctx.Rep1 = reps[1];
            ctx.Rep2 = reps[2];
            litUsed = (int)(lit - litBase);
            return (int)(op - outBase);
        }
    }

    /// <summary>The next <paramref name="count"/> (0..56) bits of the window after <paramref name="consumed"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Peek(ulong bits, int consumed, int count) => (uint)(((bits << consumed) >> 1) >> (count ^ 63));

    /// <summary>Executes a sequence with exact-length copies, for the last bytes of the output (already bounds-checked).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ExecuteExact(byte* op, byte* lit, uint literalLength, uint offset, uint matchLength)
    {
        Buffer.MemoryCopy(lit, op, literalLength, literalLength);
        op += literalLength;
        byte* match = op - offset;
        for (uint k = 0; k < matchLength; k++)
        {
            op[k] = match[k];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Copy16(byte* dst, byte* src) =>
        Unsafe.WriteUnaligned(dst, Unsafe.ReadUnaligned<Vector128<byte>>(src));

    /// <summary>Copies 32 bytes at a time until <paramref name="end"/> is reached (writes up to 31 bytes past it).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WildCopy(byte* dst, byte* src, byte* end)
    {
        do
        {
            Copy16(dst, src);
            Copy16(dst + 16, src + 16);
            dst += 32;
            src += 32;
        }
        while (dst < end);
    }

    /// <summary>
    /// A match closer than 16 bytes (overlapping its own output): the first 8 bytes one by one, then 8-byte steps from a
    /// source a whole number of periods back, at least 8 bytes behind. Writes up to 7 bytes past <paramref name="end"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyShortOffset(byte* op, byte* match, uint offset, byte* end)
    {
        if (offset >= 8)
        {
            Unsafe.WriteUnaligned(op, Unsafe.ReadUnaligned<ulong>(match));
        }
        else
        {
            for (int k = 0; k < 8; k++)
            {
                op[k] = match[k];
            }

            offset = ShortOffsetPeriod[(int)offset];
        }

        byte* d = op + 8;
        byte* s = d - offset;
        while (d < end)
        {
            Unsafe.WriteUnaligned(d, Unsafe.ReadUnaligned<ulong>(s));
            d += 8;
            s += 8;
        }
    }

    /// <summary>For offsets 1..7: the smallest multiple of the offset that is at least 8.</summary>
    private static ReadOnlySpan<byte> ShortOffsetPeriod => [8, 8, 8, 9, 8, 10, 12, 14];
}
