namespace Samsa.Protocol.Compression.Zstd;

/// <summary>Format constants and the code tables shared by the decoder and the compressor (RFC 8878).</summary>
internal static class ZstdConstants
{
    public const uint FrameMagic = 0xFD2FB528;
    public const uint SkippableMagicMask = 0xFFFFFFF0;
    public const uint SkippableMagic = 0x184D2A50;
    public const int BlockSizeMax = 128 * 1024;
    public const int MinWindowLog = 10;
    public const int MaxLiteralsLengthSymbol = 35;
    public const int MaxMatchLengthSymbol = 52;
    public const int MaxOffsetSymbol = 31;
    public const int LiteralsLengthMaxLog = 9;
    public const int MatchLengthMaxLog = 9;
    public const int OffsetMaxLog = 8;

    /// <summary>Slack after decoded literals so wide copies may over-read.</summary>
    public const int LiteralsSlack = 64;

    public static ReadOnlySpan<uint> LiteralsLengthBase =>
    [
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
        16, 18, 20, 22, 24, 28, 32, 40, 48, 64, 128, 256, 512, 1024, 2048, 4096,
        8192, 16384, 32768, 65536,
    ];

    public static ReadOnlySpan<byte> LiteralsLengthBits =>
    [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        1, 1, 1, 1, 2, 2, 3, 3, 4, 6, 7, 8, 9, 10, 11, 12,
        13, 14, 15, 16,
    ];

    public static ReadOnlySpan<uint> MatchLengthBase =>
    [
        3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18,
        19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34,
        35, 37, 39, 41, 43, 47, 51, 59, 67, 83, 99, 131, 259, 515, 1027, 2051,
        4099, 8195, 16387, 32771, 65539,
    ];

    public static ReadOnlySpan<byte> MatchLengthBits =>
    [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        1, 1, 1, 1, 2, 2, 3, 3, 4, 4, 5, 7, 8, 9, 10, 11,
        12, 13, 14, 15, 16,
    ];

    public static ReadOnlySpan<uint> OffsetBase =>
    [
        1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768,
        65536, 131072, 262144, 524288, 1048576, 2097152, 4194304, 8388608,
        16777216, 33554432, 67108864, 134217728, 268435456, 536870912, 1073741824, 2147483648,
    ];

    public static ReadOnlySpan<byte> OffsetBits =>
    [
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
        16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31,
    ];

    public static ReadOnlySpan<short> LiteralsLengthDefaultNorm =>
    [
        4, 3, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1,
        2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 2, 1, 1, 1, 1, 1,
        -1, -1, -1, -1,
    ];

    public static ReadOnlySpan<short> MatchLengthDefaultNorm =>
    [
        1, 4, 3, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1,
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, -1, -1,
        -1, -1, -1, -1, -1,
    ];

    public static ReadOnlySpan<short> OffsetDefaultNorm =>
    [
        1, 1, 1, 1, 1, 1, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1,
        1, 1, 1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1,
    ];

    public const int LiteralsLengthDefaultLog = 6;
    public const int MatchLengthDefaultLog = 6;
    public const int OffsetDefaultLog = 5;
}
