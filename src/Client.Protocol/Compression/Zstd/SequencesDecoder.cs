namespace Samsa.Protocol.Compression.Zstd;

/// <summary>
/// Decodes a block's sequences section (RFC 8878 section 3.1.1.3.2) and executes each sequence as it is decoded:
/// literals from the literal buffer, then a match copied from earlier output of the same frame.
/// </summary>
internal static partial class SequencesDecoder
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

        int used = DecodeAndExecute(ctx, stream, sequenceCount, literalCount, output, outPos, out int litUsed);
        return CopyLastLiterals(ctx.Literals, litUsed, literalCount - litUsed, output, used);
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
