using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Samsa.Protocol.Compression.Zstd;

/// <summary>
/// Decodes a block's sequences section (RFC 8878 section 3.1.1.3.2) and executes each sequence as it is decoded:
/// literals from the literal buffer, then a match copied from earlier output of the same frame.
/// </summary>
internal static unsafe class SequencesDecoder
{
    /// <summary>
    /// Decodes and executes the sequences in <paramref name="src"/>, writing to <paramref name="output"/> from <paramref name="outPos"/>.
    /// Returns the new output position. <paramref name="output"/> holds the whole frame so far (matches reach back into it).
    /// </summary>
    public static int Execute(ZstdDecoderContext ctx, ReadOnlySpan<byte> src, int literalCount, Span<byte> output, int outPos)
    {
        if (src.Length < 1)
        {
            ZstdThrow.Corrupt("missing sequences section");
        }

        int b0 = src[0];
        int pos;
        int sequenceCount;
        if (b0 < 128)
        {
            sequenceCount = b0;
            pos = 1;
        }
        else if (b0 < 255)
        {
            if (src.Length < 2)
            {
                ZstdThrow.Corrupt("sequences header truncated");
            }

            sequenceCount = ((b0 - 128) << 8) + src[1];
            pos = 2;
        }
        else
        {
            if (src.Length < 3)
            {
                ZstdThrow.Corrupt("sequences header truncated");
            }

            sequenceCount = src[1] + (src[2] << 8) + 0x7F00;
            pos = 3;
        }

        if (sequenceCount == 0)
        {
            return CopyLastLiterals(ctx.Literals, 0, literalCount, output, outPos);
        }

        if (src.Length <= pos)
        {
            ZstdThrow.Corrupt("symbol compression modes missing");
        }

        int modes = src[pos++];
        if ((modes & 3) != 0)
        {
            ZstdThrow.Corrupt("reserved bits set in symbol compression modes");
        }

        pos += ReadTable(ctx, src.Slice(pos), (modes >> 6) & 3, 0);
        pos += ReadTable(ctx, src.Slice(pos), (modes >> 4) & 3, 1);
        pos += ReadTable(ctx, src.Slice(pos), (modes >> 2) & 3, 2);

        ReadOnlySpan<byte> stream = src.Slice(pos);
        if (stream.IsEmpty)
        {
            ZstdThrow.Corrupt("sequence bitstream missing");
        }

        fixed (byte* sp = stream)
        fixed (byte* litBase = ctx.Literals)
        fixed (byte* outBase = output)
        fixed (FseEntry* llTable = ctx.LiteralsLengthTable)
        fixed (FseEntry* ofTable = ctx.OffsetTable)
        fixed (FseEntry* mlTable = ctx.MatchLengthTable)
        {
            var br = new BackwardBitReader(sp, stream.Length);
            nuint llState = (nuint)br.Read(ctx.LiteralsLengthLog);
            nuint ofState = (nuint)br.Read(ctx.OffsetLog);
            nuint mlState = (nuint)br.Read(ctx.MatchLengthLog);
            br.Reload();

            byte* lit = litBase;
            byte* litEnd = litBase + literalCount;
            byte* op = outBase + outPos;
            byte* oend = outBase + output.Length;
            uint rep0 = ctx.Rep0, rep1 = ctx.Rep1, rep2 = ctx.Rep2;

            for (int i = 0; i < sequenceCount; i++)
            {
                FseEntry ll = llTable[llState];
                FseEntry ml = mlTable[mlState];
                FseEntry of = ofTable[ofState];

                uint offsetValue = of.BaseValue + (uint)br.Read(of.NbAddBits);
                uint matchLength = ml.BaseValue + (uint)br.Read(ml.NbAddBits);
                if (of.NbAddBits + ml.NbAddBits + ll.NbAddBits >= 31)
                {
                    br.Reload();
                }

                uint literalLength = ll.BaseValue + (uint)br.Read(ll.NbAddBits);

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

                if (i + 1 < sequenceCount)
                {
                    llState = ll.NewState + (nuint)br.Read(ll.NbBits);
                    mlState = ml.NewState + (nuint)br.Read(ml.NbBits);
                    ofState = of.NewState + (nuint)br.Read(of.NbBits);
                    br.Reload();
                }

                // Execute.
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

            if (!br.IsComplete)
            {
                ZstdThrow.Corrupt("sequence bitstream not fully consumed");
            }

            ctx.Rep0 = rep0;
            ctx.Rep1 = rep1;
            ctx.Rep2 = rep2;
            int newPos = (int)(op - outBase);
            int litUsed = (int)(lit - litBase);
            return CopyLastLiterals(ctx.Literals, litUsed, literalCount - litUsed, output, newPos);
        }
    }

    private static int CopyLastLiterals(byte[] literals, int from, int count, Span<byte> output, int outPos)
    {
        if (count > output.Length - outPos)
        {
            ZstdThrow.Corrupt("decompressed data exceeds the declared content size or the size limit");
        }

        literals.AsSpan(from, count).CopyTo(output.Slice(outPos));
        return outPos + count;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Copy16(byte* dst, byte* src) =>
        Unsafe.WriteUnaligned(dst, Unsafe.ReadUnaligned<Vector128<byte>>(src));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WildCopy(byte* dst, byte* src, nint length)
    {
        byte* end = dst + length;
        do
        {
            Copy16(dst, src);
            Copy16(dst + 16, src + 16);
            dst += 32;
            src += 32;
        }
        while (dst < end);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyShortOffset(byte* op, byte* match, uint offset, uint length)
    {
        // The first 8 bytes one at a time (they may overlap), then 8-byte steps at a multiple of the period >= 8.
        for (int k = 0; k < 8; k++)
        {
            op[k] = match[k];
        }

        if (length <= 8)
        {
            return;
        }

        uint distance = offset;
        while (distance < 8)
        {
            distance += offset;
        }

        byte* end = op + length;
        byte* d = op + 8;
        byte* s = d - distance;
        do
        {
            Unsafe.WriteUnaligned(d, Unsafe.ReadUnaligned<ulong>(s));
            d += 8;
            s += 8;
        }
        while (d < end);
    }

    private static int ReadTable(ZstdDecoderContext ctx, ReadOnlySpan<byte> src, int mode, int kind)
    {
        int maxSymbol = kind switch { 0 => ZstdConstants.MaxLiteralsLengthSymbol, 1 => ZstdConstants.MaxOffsetSymbol, _ => ZstdConstants.MaxMatchLengthSymbol };
        int maxLog = kind switch { 0 => ZstdConstants.LiteralsLengthMaxLog, 1 => ZstdConstants.OffsetMaxLog, _ => ZstdConstants.MatchLengthMaxLog };
        ReadOnlySpan<uint> baseValues = kind switch { 0 => ZstdConstants.LiteralsLengthBase, 1 => ZstdConstants.OffsetBase, _ => ZstdConstants.MatchLengthBase };
        ReadOnlySpan<byte> bits = kind switch { 0 => ZstdConstants.LiteralsLengthBits, 1 => ZstdConstants.OffsetBits, _ => ZstdConstants.MatchLengthBits };
        FseEntry[] own = kind switch { 0 => ctx.OwnLiteralsLength, 1 => ctx.OwnOffset, _ => ctx.OwnMatchLength };
        FseEntry[]? table;
        int log;
        int consumed;
        switch (mode)
        {
            case 0:
                table = kind switch { 0 => ZstdDecoderContext.PredefinedLiteralsLength, 1 => ZstdDecoderContext.PredefinedOffset, _ => ZstdDecoderContext.PredefinedMatchLength };
                log = kind switch { 0 => ZstdConstants.LiteralsLengthDefaultLog, 1 => ZstdConstants.OffsetDefaultLog, _ => ZstdConstants.MatchLengthDefaultLog };
                consumed = 0;
                break;
            case 1:
                if (src.IsEmpty)
                {
                    ZstdThrow.Corrupt("RLE sequence table truncated");
                }

                if (src[0] > maxSymbol)
                {
                    ZstdThrow.Corrupt("RLE sequence symbol out of range");
                }

                FseDecoding.BuildRle(src[0], own, baseValues, bits);
                table = own;
                log = 0;
                consumed = 1;
                break;
            case 2:
                Span<short> norm = stackalloc short[ZstdConstants.MaxMatchLengthSymbol + 1];
                consumed = FseDecoding.ReadNCount(src, norm, maxSymbol, maxLog, out log, out int symbolCount);
                FseDecoding.Build(norm, symbolCount, log, own, baseValues, bits);
                table = own;
                break;
            default:
                table = kind switch { 0 => ctx.LiteralsLengthTable, 1 => ctx.OffsetTable, _ => ctx.MatchLengthTable };
                log = kind switch { 0 => ctx.LiteralsLengthLog, 1 => ctx.OffsetLog, _ => ctx.MatchLengthLog };
                if (table is null)
                {
                    ZstdThrow.Corrupt("Repeat_Mode without a previous table");
                }

                consumed = 0;
                break;
        }

        switch (kind)
        {
            case 0:
                ctx.LiteralsLengthTable = table;
                ctx.LiteralsLengthLog = log;
                break;
            case 1:
                ctx.OffsetTable = table;
                ctx.OffsetLog = log;
                break;
            default:
                ctx.MatchLengthTable = table;
                ctx.MatchLengthLog = log;
                break;
        }

        return consumed;
    }
}
