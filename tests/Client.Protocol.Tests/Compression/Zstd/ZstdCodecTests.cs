using System.Buffers;
using Samsa.Protocol.Compression;
using Samsa.Protocol.Compression.Zstd;

namespace Samsa.Protocol.Tests.Compression.Zstd;

public sealed class ZstdCodecTests
{
    private static byte[] Compress(byte[] data, int? level = null, bool checksum = false)
    {
        var writer = new ArrayBufferWriter<byte>();
        new ZstdCodec { WriteChecksum = checksum }.Compress(data, writer, level);
        return writer.WrittenSpan.ToArray();
    }

    private static byte[] Decompress(byte[] data, int max = CompressionCodecs.DefaultMaxDecompressedSize)
    {
        var writer = new ArrayBufferWriter<byte>();
        ZstdCodec.Instance.Decompress(data, writer, max);
        return writer.WrittenSpan.ToArray();
    }

    public static TheoryData<string, int> Inputs()
    {
        var data = new TheoryData<string, int>();
        foreach (string kind in new[] { "empty", "one", "random", "repetitive", "json", "json-large", "random-large", "mixed" })
        {
            foreach (int level in new[] { -5, 1, 2, 3, 5, 9, 19 })
            {
                data.Add(kind, level);
            }
        }

        return data;
    }

    private static byte[] Make(string kind) => kind switch
    {
        "empty" => [],
        "one" => [0x5A],
        "random" => ZstdTestData.Random(100_000, 3),
        "repetitive" => ZstdTestData.Repetitive(500_000),
        "json" => ZstdTestData.Json(50_000),
        "json-large" => ZstdTestData.Json(3 * 1024 * 1024 + 17),
        "random-large" => ZstdTestData.Random(600_000, 9),
        _ => [.. ZstdTestData.Json(200_000, 5), .. ZstdTestData.Random(150_000, 6), .. new byte[140_000], .. ZstdTestData.Json(10_000, 7)],
    };

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Compress_RoundTrip_ReturnsOriginal(string kind, int level)
    {
        byte[] data = Make(kind);
        byte[] compressed = Compress(data, level, checksum: level % 2 == 1);
        Assert.Equal(data, Decompress(compressed));
    }

    [Fact]
    public void Compress_JsonLevel3_BeatsGzipFastest()
    {
        byte[] data = ZstdTestData.Json(1024 * 1024);
        int ours = Compress(data).Length;
        using var ms = new MemoryStream();
        using (var gz = new System.IO.Compression.GZipStream(ms, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            gz.Write(data);
        }

        Assert.True(ours < ms.Length, $"zstd {ours} bytes vs gzip-1 {ms.Length} bytes");
        Assert.True(Compress(data, 1).Length < ms.Length, "level 1 should beat gzip fastest");
    }

    [Fact]
    public void Compress_HigherLevel_NotLarger()
    {
        byte[] data = ZstdTestData.Json(512 * 1024);
        Assert.True(Compress(data, 9).Length <= Compress(data, 1).Length);
    }

    [Fact]
    public void Compress_RandomInput_ExpandsAtMostSlightly()
    {
        byte[] data = ZstdTestData.Random(1 << 20, 11);
        Assert.True(Compress(data).Length < data.Length + 64);
    }

    [Fact]
    public void Compress_LevelOutOfRange_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Compress([1, 2, 3], 23));
    }

    [Fact]
    public void Decompress_OverLimit_ThrowsKafkaCompressionException()
    {
        byte[] data = ZstdTestData.Json(100_000);
        byte[] compressed = Compress(data);
        Assert.Throws<KafkaCompressionException>(() => Decompress(compressed, data.Length - 1));
        Assert.Equal(data, Decompress(compressed, data.Length));
    }

    [Fact]
    public void Decompress_DictionaryFrame_ThrowsKafkaCompressionException()
    {
        // Magic, descriptor with a 1-byte dictionary id (flag 1) and single segment, dict id 7, content size 0, empty raw block.
        byte[] frame = [0x28, 0xB5, 0x2F, 0xFD, 0x21, 7, 0, 1, 0, 0];
        var ex = Assert.Throws<KafkaCompressionException>(() => Decompress(frame));
        Assert.Contains("dictionary", ex.Message);
    }

    [Fact]
    public void Decompress_EmptyOrGarbage_ThrowsKafkaCompressionException()
    {
        Assert.Throws<KafkaCompressionException>(() => Decompress([]));
        Assert.Throws<KafkaCompressionException>(() => Decompress([1, 2, 3, 4, 5, 6]));
    }

    [Fact]
    public void Decompress_ChecksumMismatch_ThrowsKafkaCompressionException()
    {
        byte[] compressed = Compress(ZstdTestData.Json(10_000), 3, checksum: true);
        compressed[^1] ^= 0x55;
        Assert.Throws<KafkaCompressionException>(() => Decompress(compressed));
    }

    [Fact]
    public void Get_Zstd_ReturnsZstdCodec()
    {
        Assert.IsType<ZstdCodec>(CompressionCodecs.Get(CompressionType.Zstd));
        Assert.Equal(CompressionType.Zstd, ZstdCodec.Instance.Type);
    }

    [Fact]
    public void XxHash64_KnownVectors_Match()
    {
        Assert.Equal(0xEF46DB3751D8E999UL, XxHash64.Hash([]));
        Assert.Equal(0x44BC2CF5AD770999UL, XxHash64.Hash("abc"u8));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Compress_RleSequenceTablesAfterCustomTables_RoundTrips(int level)
    {
        // Block 1 (mostly JSON) builds custom FSE tables. From 8 KiB before the block boundary on, the input repeats a
        // 64-byte period in which the last byte changes every period, so each sequence of block 2 is (1 literal, a
        // 62-63-byte match at rep0): all three of its tables go RLE, the match-length one with a non-zero symbol. That
        // RLE table must not reuse block 1's coefficients for the symbol.
        const int Block = 128 * 1024;
        const int PeriodicStart = Block - 8192;
        byte[] data = new byte[2 * Block + 6400];
        ZstdTestData.Json(PeriodicStart).CopyTo(data, 0);
        for (int i = PeriodicStart; i < data.Length; i++)
        {
            int offset = i - PeriodicStart;
            data[i] = offset % 64 == 63 ? (byte)(offset / 64 * 7) : (byte)('a' + offset % 64 % 26);
        }

        byte[] compressed = Compress(data, level);
        Assert.True(compressed.Length < Block, $"expected the second block to compress, got {compressed.Length} bytes");
        Assert.Equal(data, Decompress(compressed));
        if (ZstdCli.Available())
        {
            Assert.Equal(data, ZstdCli.Decompress(compressed));
        }
    }
}
