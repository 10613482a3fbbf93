using System.Buffers;
using System.Buffers.Binary;
using Samsa.Protocol.Compression;
using Xunit.Abstractions;
using static Samsa.Protocol.Tests.Compression.CompressionTestData;

namespace Samsa.Protocol.Tests.Compression;

public sealed class Lz4CodecTests(ITestOutputHelper output)
{
    private static readonly Lz4Codec Codec = Lz4Codec.Instance;

    [Theory]
    [MemberData(nameof(RoundTripCases), MemberType = typeof(CompressionTestData))]
    public void Compress_RoundTrip_RestoresInput(string name, byte[] input)
    {
        byte[] compressed = Compress(Codec, input);
        Assert.Equal(input, Decompress(Codec, compressed));
        output.WriteLine($"{name}: {input.Length} -> {compressed.Length}");
    }

    [Theory]
    [MemberData(nameof(RoundTripCases), MemberType = typeof(CompressionTestData))]
    public void BlockCompress_RoundTrip_RestoresInput(string name, byte[] input)
    {
        // The block API on its own, including inputs far larger than a frame block (offsets capped at 64 KiB).
        byte[] compressed = new byte[Lz4Block.MaxCompressedLength(input.Length)];
        int length = Lz4Block.Compress(input, compressed);
        byte[] restored = new byte[input.Length];
        Assert.Equal(input.Length, Lz4Block.Decompress(compressed.AsSpan(0, length), restored));
        Assert.Equal(input, restored);
        output.WriteLine($"{name}: {input.Length} -> {length}");
    }

    [Fact]
    public void Compress_Header_MatchesJavaClient()
    {
        byte[] compressed = Compress(Codec, JsonLike(200_000, 1));

        // Magic, FLG = version 1 + independent blocks, BD = 64 KiB, HC = (xxh32(FLG BD) >> 8) & 0xff.
        Assert.Equal(new byte[] { 0x04, 0x22, 0x4D, 0x18, 0x60, 0x40 }, compressed[..6]);
        Assert.Equal((byte)(XxHash32.Hash([0x60, 0x40]) >> 8), compressed[6]);
        Assert.Equal(0u, BinaryPrimitives.ReadUInt32LittleEndian(compressed.AsSpan(compressed.Length - 4)));
    }

    [Fact]
    public void Compress_Incompressible_StoresBlocksUncompressed()
    {
        byte[] input = Random(100_000, 3);
        byte[] compressed = Compress(Codec, input);
        Assert.True(compressed.Length <= input.Length + 7 + (2 * 4) + 4);
        Assert.NotEqual(0u, BinaryPrimitives.ReadUInt32LittleEndian(compressed.AsSpan(7)) & 0x80000000u);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(18)]
    public void Compress_InvalidLevel_Throws(int level) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Compress(Codec, [1, 2, 3], level));

    [Fact]
    public void Decompress_OverLimit_Throws()
    {
        byte[] compressed = Compress(Codec, new byte[200_000]);
        Assert.Throws<KafkaCompressionException>(() => Decompress(Codec, compressed, 199_999));
        Assert.Equal(200_000, Decompress(Codec, compressed, 200_000).Length);
    }

    [Fact]
    public void Decompress_LegacyHeaderChecksum_OnlyAcceptedByLegacyPath()
    {
        byte[] input = JsonLike(100_000, 4);
        var writer = new ArrayBufferWriter<byte>();
        Lz4Frame.Compress(input, writer, brokenHeaderChecksum: true);
        byte[] legacy = writer.WrittenSpan.ToArray();

        Assert.Throws<KafkaCompressionException>(() => Decompress(Codec, legacy));
        Assert.Equal(input, DecompressLegacy(legacy));
        Assert.Equal(input, DecompressLegacy(Compress(Codec, input)));
    }

    [Fact]
    public void Decompress_SkippableAndConcatenatedFrames_ReadsAll()
    {
        byte[] a = JsonLike(70_000, 5);
        byte[] b = Repetitive(10_000);
        byte[] skippable = [0x5A, 0x2A, 0x4D, 0x18, 3, 0, 0, 0, 9, 9, 9];
        byte[] stream = [.. skippable, .. Compress(Codec, a), .. skippable, .. Compress(Codec, b)];
        Assert.Equal([.. a, .. b], Decompress(Codec, stream));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(5000)]
    public void Decompress_Truncated_Throws(int cut)
    {
        byte[] compressed = Compress(Codec, JsonLike(100_000, 3));
        Assert.Throws<KafkaCompressionException>(() => Decompress(Codec, compressed[..^cut]));
    }

    [Fact]
    public void Decompress_Empty_Throws() => Assert.Throws<KafkaCompressionException>(() => Decompress(Codec, []));

    [Fact]
    public void BlockDecompress_OverlappingMatches_Expand()
    {
        // Literal "ab", then a match of offset 2 and length 4 + 15 + 10 = 29, then the final literal "c".
        byte[] block = [0x2F, (byte)'a', (byte)'b', 0x02, 0x00, 10, 0x10, (byte)'c'];
        byte[] output = new byte[64];
        int length = Lz4Block.Decompress(block, output);
        Assert.Equal(32, length);
        Assert.Equal(string.Concat(Enumerable.Repeat("ab", 15)) + "ac", System.Text.Encoding.ASCII.GetString(output, 0, length));
    }

    [Fact]
    public void Decompress_Corrupted_ThrowsOnlyCompressionException()
    {
        byte[][] samples =
        [
            Compress(Codec, JsonLike(150_000, 1)), Compress(Codec, Random(3000, 2)), Compress(Codec, Repetitive(80_000)),
            DependentFrameWithChecksums(JsonLike(100_000, 5)),
        ];
        var (ok, rejected) = Fuzz(samples, data => Decompress(Codec, data, 1 << 20), 5000, 777);
        output.WriteLine($"ok {ok}, rejected {rejected}");
        Assert.True(rejected > 0);
    }

    [Fact]
    public void BlockDecompress_Corrupted_NeverFaults()
    {
        byte[] input = JsonLike(60_000, 9);
        byte[] compressed = new byte[Lz4Block.MaxCompressedLength(input.Length)];
        byte[] block = compressed[..Lz4Block.Compress(input, compressed)];
        byte[] output = new byte[input.Length + 100];
        var random = new Random(42);
        for (int i = 0; i < 5000; i++)
        {
            byte[] mutated = (byte[])block.Clone();
            for (int f = 0, n = 1 + random.Next(6); f < n; f++)
            {
                mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
            }

            int length = random.Next(2) == 0 ? mutated.Length : random.Next(mutated.Length);
            int produced = Lz4Block.Decompress(mutated.AsSpan(0, length), output.AsSpan(0, random.Next(output.Length)));
            Assert.True(produced >= -1);
        }
    }

    [Theory]
    [InlineData("-B4")]
    [InlineData("-B5")]
    [InlineData("-B6")]
    [InlineData("-B7")]
    [InlineData("-B4", "--content-size")]
    [InlineData("-B7", "--content-size", "-BX")]
    [InlineData("-BD")]
    [InlineData("-BD", "-B4", "-BX")]
    [InlineData("--no-frame-crc")]
    [InlineData("-9", "-BD")]
    [InlineData("-12", "-B5")]
    [InlineData("--fast=5")]
    public void Decompress_Lz4CliOutput_MatchesInput(params string[] options)
    {
        if (!PeerTool.Require("lz4", output))
        {
            return;
        }

        foreach (byte[] input in new[] { JsonLike(2_500_000, 21), Random(300_000, 22), Repetitive(1_000_000), Array.Empty<byte>() })
        {
            byte[] compressed = RunLz4OnFile(input, options);
            Assert.Equal(input, Decompress(Codec, compressed));
        }
    }

    [Fact]
    public void Decompress_Lz4CliConcatenatedFrames_MatchesInput()
    {
        if (!PeerTool.Require("lz4", output))
        {
            return;
        }

        byte[] a = JsonLike(300_000, 31);
        byte[] b = JsonLike(100_000, 32);
        byte[] stream = [.. RunLz4OnFile(a, ["-BD"]), .. RunLz4OnFile(b, ["-B4", "--content-size"])];
        Assert.Equal([.. a, .. b], Decompress(Codec, stream));
    }

    [Fact]
    public void Compress_Output_DecompressesWithLz4Cli()
    {
        if (!PeerTool.Require("lz4", output))
        {
            return;
        }

        foreach (byte[] input in new[] { JsonLike(2_500_000, 41), Random(300_000, 42), Repetitive(1_000_000), new byte[] { 7 }, Array.Empty<byte>() })
        {
            Assert.Equal(input, PeerTool.Run("lz4", ["-d", "-c"], Compress(Codec, input)));
        }
    }

    [Fact]
    public void Compress_Output_IsComparableToLz4Cli()
    {
        if (!PeerTool.Require("lz4", output))
        {
            return;
        }

        byte[] input = JsonLike(1 << 20, 51);
        int ours = Compress(Codec, input).Length;
        int theirs = RunLz4OnFile(input, ["-1", "-B4", "-BI", "--no-frame-crc"]).Length;
        output.WriteLine($"ours {ours}, lz4 -1 {theirs}");
        Assert.True(ours <= theirs * 1.1, $"ours {ours} vs lz4 {theirs}");
    }

    private static byte[] RunLz4OnFile(byte[] input, string[] options)
    {
        // A file (not stdin), so --content-size knows the size.
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, input);
            return PeerTool.Run("lz4", ["-z", "-c", "-q", .. options, path], []);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static byte[] DecompressLegacy(byte[] input)
    {
        var writer = new ArrayBufferWriter<byte>();
        Lz4Codec.DecompressLegacy(input, writer, CompressionCodecs.DefaultMaxDecompressedSize);
        return writer.WrittenSpan.ToArray();
    }

    /// <summary>A hand-built frame: dependent 64 KiB blocks, block and content checksums, content size.</summary>
    private static byte[] DependentFrameWithChecksums(byte[] input)
    {
        var frame = new List<byte>();
        byte flags = 0x40 | 0x10 | 0x08 | 0x04;
        byte[] descriptor = [flags, 0x40, .. BitConverter.GetBytes((ulong)input.Length)];
        frame.AddRange(BitConverter.GetBytes(Lz4Frame.Magic));
        frame.AddRange(descriptor);
        frame.Add((byte)(XxHash32.Hash(descriptor) >> 8));
        for (int position = 0; position < input.Length; position += 65536)
        {
            byte[] chunk = input[position..Math.Min(input.Length, position + 65536)];
            byte[] compressed = new byte[Lz4Block.MaxCompressedLength(chunk.Length)];
            byte[] block = compressed[..Lz4Block.Compress(chunk, compressed)];
            frame.AddRange(BitConverter.GetBytes(block.Length));
            frame.AddRange(block);
            frame.AddRange(BitConverter.GetBytes(XxHash32.Hash(block)));
        }

        frame.AddRange(BitConverter.GetBytes(0));
        frame.AddRange(BitConverter.GetBytes(XxHash32.Hash(input)));
        return [.. frame];
    }
}
