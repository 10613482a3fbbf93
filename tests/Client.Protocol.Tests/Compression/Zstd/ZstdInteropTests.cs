using System.Buffers;
using Samsa.Protocol.Compression;
using Samsa.Protocol.Compression.Zstd;

namespace Samsa.Protocol.Tests.Compression.Zstd;

/// <summary>Interop with the reference implementation through the Debian <c>zstd</c> CLI.</summary>
public sealed class ZstdInteropTests
{
    private static readonly byte[] s_json = ZstdTestData.Json(1_500_000);
    private static readonly byte[] s_random = ZstdTestData.Random(300_000, 7);

    public static TheoryData<string> CliArgs() => new()
    {
        "-1", "-3", "-9", "-19", "--ultra -22", "--long=27 -3", "--no-check -3", "--no-check -19", "--fast=5",
    };

    private static byte[] Decode(byte[] compressed, int max = CompressionCodecs.DefaultMaxDecompressedSize)
    {
        var writer = new ArrayBufferWriter<byte>();
        ZstdCodec.Instance.Decompress(compressed, writer, max);
        return writer.WrittenSpan.ToArray();
    }

    [Theory]
    [MemberData(nameof(CliArgs))]
    public void Decompress_CliJson_MatchesOriginal(string args)
    {
        if (!ZstdCli.Available())
        {
            return;
        }

        Assert.Equal(s_json, Decode(ZstdCli.Compress(s_json, args)));
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("-3")]
    [InlineData("-19")]
    public void Decompress_CliRandomAndRepetitive_MatchesOriginal(string args)
    {
        if (!ZstdCli.Available())
        {
            return;
        }

        Assert.Equal(s_random, Decode(ZstdCli.Compress(s_random, args)));
        byte[] rep = ZstdTestData.Repetitive(400_000);
        Assert.Equal(rep, Decode(ZstdCli.Compress(rep, args)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(100)]
    [InlineData(300)]
    [InlineData(70_000)]
    public void Decompress_CliSmallInputs_MatchesOriginal(int size)
    {
        if (!ZstdCli.Available())
        {
            return;
        }

        byte[] data = ZstdTestData.Json(size, size);
        Assert.Equal(data, Decode(ZstdCli.Compress(data, "-3")));
        Assert.Equal(data, Decode(ZstdCli.Compress(data, "-19 --no-check")));
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("-3")]
    [InlineData("-19")]
    public void Decompress_CliStreamWithoutContentSize_MatchesOriginal(string args)
    {
        if (!ZstdCli.Available())
        {
            return;
        }

        Assert.Equal(s_json, Decode(ZstdCli.CompressStream(s_json, args)));
    }

    [Fact]
    public void Decompress_ConcatenatedAndSkippableFrames_MatchesConcatenation()
    {
        if (!ZstdCli.Available())
        {
            return;
        }

        byte[] a = ZstdTestData.Json(200_000, 1);
        byte[] b = ZstdTestData.Random(50_000, 2);
        byte[] skippable = [0x5A, 0x2A, 0x4D, 0x18, 3, 0, 0, 0, 9, 9, 9];
        byte[] joined = [.. skippable, .. ZstdCli.Compress(a, "-3"), .. skippable, .. ZstdCli.CompressStream(b, "-1"), .. skippable];
        Assert.Equal([.. a, .. b], Decode(joined));
    }

    [Fact]
    public void Decompress_CliOutputOverLimit_Throws()
    {
        if (!ZstdCli.Available())
        {
            return;
        }

        byte[] withSize = ZstdCli.Compress(s_json, "-3");
        byte[] withoutSize = ZstdCli.CompressStream(s_json, "-3");
        Assert.Throws<KafkaCompressionException>(() => Decode(withSize, s_json.Length - 1));
        Assert.Throws<KafkaCompressionException>(() => Decode(withoutSize, s_json.Length - 1));
        Assert.Equal(s_json, Decode(withoutSize, s_json.Length));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(9)]
    [InlineData(19)]
    public void Compress_CliDecompresses_MatchesOriginal(int level)
    {
        if (!ZstdCli.Available())
        {
            return;
        }

        foreach (byte[] data in new[] { s_json, s_random, ZstdTestData.Repetitive(300_000), Array.Empty<byte>(), [42] })
        {
            var writer = new ArrayBufferWriter<byte>();
            ZstdCodec.Instance.Compress(data, writer, level);
            Assert.Equal(data, ZstdCli.Decompress(writer.WrittenSpan.ToArray()));
            var checksummed = new ArrayBufferWriter<byte>();
            new ZstdCodec { WriteChecksum = true }.Compress(data, checksummed, level);
            Assert.Equal(data, ZstdCli.Decompress(checksummed.WrittenSpan.ToArray()));
        }
    }
}
