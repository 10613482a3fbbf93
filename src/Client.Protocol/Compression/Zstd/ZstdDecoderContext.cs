namespace Samsa.Protocol.Compression.Zstd;

/// <summary>
/// Per-thread scratch and cross-block state for decoding one frame: the literal buffer, the last Huffman table, the last
/// FSE tables (for Repeat_Mode and treeless literals) and the repeat offsets. Reused across calls to avoid allocation.
/// </summary>
internal sealed class ZstdDecoderContext
{
    [ThreadStatic]
    private static ZstdDecoderContext? s_cached;

    private static readonly FseEntry[] s_predefinedLiteralsLength = BuildPredefined(
        ZstdConstants.LiteralsLengthDefaultNorm, ZstdConstants.LiteralsLengthDefaultLog,
        ZstdConstants.LiteralsLengthBase, ZstdConstants.LiteralsLengthBits);

    private static readonly FseEntry[] s_predefinedMatchLength = BuildPredefined(
        ZstdConstants.MatchLengthDefaultNorm, ZstdConstants.MatchLengthDefaultLog,
        ZstdConstants.MatchLengthBase, ZstdConstants.MatchLengthBits);

    private static readonly FseEntry[] s_predefinedOffset = BuildPredefined(
        ZstdConstants.OffsetDefaultNorm, ZstdConstants.OffsetDefaultLog,
        ZstdConstants.OffsetBase, ZstdConstants.OffsetBits);

    public readonly byte[] Literals = new byte[ZstdConstants.BlockSizeMax + ZstdConstants.LiteralsSlack];
    public readonly ushort[] HuffmanTable = new ushort[1 << HuffmanDecoder.MaxTableLog];
    public int HuffmanMaxBits;
    public bool HasHuffman;

    private readonly FseEntry[] _ownLiteralsLength = new FseEntry[1 << ZstdConstants.LiteralsLengthMaxLog];
    private readonly FseEntry[] _ownMatchLength = new FseEntry[1 << ZstdConstants.MatchLengthMaxLog];
    private readonly FseEntry[] _ownOffset = new FseEntry[1 << ZstdConstants.OffsetMaxLog];

    public FseEntry[]? LiteralsLengthTable;
    public FseEntry[]? MatchLengthTable;
    public FseEntry[]? OffsetTable;
    public int LiteralsLengthLog;
    public int MatchLengthLog;
    public int OffsetLog;

    public uint Rep0;
    public uint Rep1;
    public uint Rep2;

    public static FseEntry[] PredefinedLiteralsLength => s_predefinedLiteralsLength;
    public static FseEntry[] PredefinedMatchLength => s_predefinedMatchLength;
    public static FseEntry[] PredefinedOffset => s_predefinedOffset;

    public FseEntry[] OwnLiteralsLength => _ownLiteralsLength;
    public FseEntry[] OwnMatchLength => _ownMatchLength;
    public FseEntry[] OwnOffset => _ownOffset;

    /// <summary>Takes the thread's cached context (or a new one); give it back with <see cref="Return"/>.</summary>
    public static ZstdDecoderContext Rent()
    {
        ZstdDecoderContext? ctx = s_cached;
        s_cached = null;
        return ctx ?? new ZstdDecoderContext();
    }

    /// <summary>Returns a context taken with <see cref="Rent"/>.</summary>
    public static void Return(ZstdDecoderContext ctx) => s_cached = ctx;

    /// <summary>Resets the state that must not carry over from one frame to the next.</summary>
    public void ResetFrame()
    {
        HasHuffman = false;
        LiteralsLengthTable = null;
        MatchLengthTable = null;
        OffsetTable = null;
        Rep0 = 1;
        Rep1 = 4;
        Rep2 = 8;
    }

    private static FseEntry[] BuildPredefined(ReadOnlySpan<short> norm, int log, ReadOnlySpan<uint> baseValues, ReadOnlySpan<byte> bits)
    {
        var table = new FseEntry[1 << log];
        FseDecoding.Build(norm, norm.Length, log, table, baseValues, bits);
        return table;
    }
}
