using Samsa.Protocol.Compression;
using Xunit.Abstractions;
using static Samsa.Protocol.Tests.Compression.CompressionTestData;

namespace Samsa.Protocol.Tests.Compression;

public sealed class GzipCodecTests(ITestOutputHelper output)
{
    private static readonly GzipCodec Codec = GzipCodec.Instance;

    [Theory]
    [MemberData(nameof(RoundTripCases), MemberType = typeof(CompressionTestData))]
    public void Compress_RoundTrip_RestoresInput(string name, byte[] input)
    {
        byte[] compressed = Compress(Codec, input);
        Assert.Equal(input, Decompress(Codec, compressed));
        output.WriteLine($"{name}: {input.Length} -> {compressed.Length}");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(6)]
    [InlineData(9)]
    [InlineData(-1)]
    public void Compress_Level_RoundTrips(int level)
    {
        byte[] input = JsonLike(100_000, 7);
        Assert.Equal(input, Decompress(Codec, Compress(Codec, input, level)));
    }

    [Fact]
    public void Compress_HigherLevel_IsNotLarger()
    {
        byte[] input = JsonLike(500_000, 8);
        Assert.True(Compress(Codec, input, 9).Length <= Compress(Codec, input, 1).Length);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    [InlineData(-2)]
    public void Compress_InvalidLevel_Throws(int level) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Compress(Codec, [1, 2, 3], level));

    [Fact]
    public void Decompress_OverLimit_Throws()
    {
        byte[] compressed = Compress(Codec, new byte[100_000]);
        Assert.Throws<KafkaCompressionException>(() => Decompress(Codec, compressed, 99_999));
        Assert.Equal(100_000, Decompress(Codec, compressed, 100_000).Length);
    }

    [Fact]
    public void Decompress_Empty_Throws() => Assert.Throws<KafkaCompressionException>(() => Decompress(Codec, []));

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(20)]
    [InlineData(5000)]
    public void Decompress_Truncated_Throws(int cut)
    {
        byte[] compressed = Compress(Codec, JsonLike(100_000, 3));
        Assert.Throws<KafkaCompressionException>(() => Decompress(Codec, compressed[..^cut]));
    }

    [Fact]
    public void Decompress_ConcatenatedMembers_ReadsAll()
    {
        byte[] a = JsonLike(1000, 1);
        byte[] b = JsonLike(2000, 2);
        byte[] both = [.. Compress(Codec, a), .. Compress(Codec, b)];
        Assert.Equal([.. a, .. b], Decompress(Codec, both));
    }

    [Fact]
    public void Decompress_Corrupted_ThrowsOnlyCompressionException()
    {
        byte[][] samples = [Compress(Codec, JsonLike(20_000, 1)), Compress(Codec, Random(3000, 2)), Compress(Codec, new byte[50_000])];
        var (ok, rejected) = Fuzz(samples, data => Decompress(Codec, data, 1 << 20), 3000, 1234);
        output.WriteLine($"ok {ok}, rejected {rejected}");
        Assert.True(rejected > 0);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("-9")]
    public void Decompress_GzipCliOutput_MatchesInput(string level)
    {
        if (!PeerTool.Require("gzip", output))
        {
            return;
        }

        byte[] input = JsonLike(1_500_000, 5);
        byte[] compressed = PeerTool.Run("gzip", [level, "-c"], input);
        Assert.Equal(input, Decompress(Codec, compressed));
    }

    [Fact]
    public void Compress_Output_DecompressesWithGzipCli()
    {
        if (!PeerTool.Require("gzip", output))
        {
            return;
        }

        byte[] input = JsonLike(1_500_000, 6);
        Assert.Equal(input, PeerTool.Run("gzip", ["-d", "-c"], Compress(Codec, input)));
    }
}
