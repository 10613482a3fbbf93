using System.Buffers;
using System.Buffers.Binary;
using Samsa.Protocol.Compression;
using Xunit.Abstractions;
using static Samsa.Protocol.Tests.Compression.CompressionTestData;

namespace Samsa.Protocol.Tests.Compression;

public sealed class SnappyCodecTests(ITestOutputHelper output)
{
    private const string PyRawCompress = "import sys, snappy; sys.stdout.buffer.write(snappy.compress(sys.stdin.buffer.read()))";
    private const string PyRawDecompress = "import sys, snappy; sys.stdout.buffer.write(snappy.decompress(sys.stdin.buffer.read()))";
    private const string PyStreamCompress = PyCrcPatch + "snappy.stream_compress(sys.stdin.buffer, sys.stdout.buffer)";
    private const string PyStreamDecompress = PyCrcPatch + "snappy.stream_decompress(sys.stdin.buffer, sys.stdout.buffer)";

    /// <summary>
    /// Debian 12's python3-snappy 0.6 has a broken C CRC-32C binding on Python 3.11 (PY_SSIZE_T_CLEAN), so the
    /// stream scripts swap in a table-driven CRC-32C written in Python; the framing logic is still python-snappy's.
    /// </summary>
    private const string PyCrcPatch =
        "import sys, snappy, snappy.snappy as impl\n" +
        "T = []\n" +
        "for n in range(256):\n" +
        "    c = n\n" +
        "    for _ in range(8):\n" +
        "        c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1\n" +
        "    T.append(c)\n" +
        "def crc(data):\n" +
        "    c = 0xFFFFFFFF\n" +
        "    for b in data:\n" +
        "        c = T[(c ^ b) & 0xFF] ^ (c >> 8)\n" +
        "    return c ^ 0xFFFFFFFF\n" +
        "impl._crc32c = crc\n";

    private static readonly SnappyCodec Codec = SnappyCodec.Instance;

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
    public void CompressRaw_RoundTrip_RestoresInput(string name, byte[] input)
    {
        byte[] raw = CompressRaw(input);
        Assert.Equal(input, Decompress(Codec, raw));
        output.WriteLine($"{name}: {input.Length} -> {raw.Length}");
    }

    [Theory]
    [MemberData(nameof(RoundTripCases), MemberType = typeof(CompressionTestData))]
    public void CompressFramed_RoundTrip_RestoresInput(string name, byte[] input)
    {
        var writer = new ArrayBufferWriter<byte>();
        SnappyCodec.CompressFramed(input, writer);
        Assert.Equal(input, DecompressFramed(writer.WrittenSpan.ToArray()));
        output.WriteLine($"{name}: {input.Length} -> {writer.WrittenCount}");
    }

    [Fact]
    public void Compress_Header_IsXerialWith32KiBBlocks()
    {
        byte[] input = JsonLike(100_000, 1);
        byte[] compressed = Compress(Codec, input);
        Assert.Equal(new byte[] { 0x82, 0x53, 0x4E, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1 }, compressed[..16]);

        int blocks = 0;
        for (int position = 16; position < compressed.Length; blocks++)
        {
            position += 4 + BinaryPrimitives.ReadInt32BigEndian(compressed.AsSpan(position));
        }

        Assert.Equal(4, blocks);
    }

    [Fact]
    public void Compress_Repetitive_CompressesWell()
    {
        byte[] input = JsonLike(1 << 20, 3);
        Assert.True(Compress(Codec, input).Length < input.Length / 2);
    }

    [Fact]
    public void Crc32C_KnownVector_Matches() =>
        Assert.Equal(0xE3069283u, SnappyFraming.Crc32C("123456789"u8));

    [Fact]
    public void Decompress_OverLimit_Throws()
    {
        byte[] input = new byte[100_000];
        Assert.Throws<KafkaCompressionException>(() => Decompress(Codec, Compress(Codec, input), 99_999));
        Assert.Throws<KafkaCompressionException>(() => Decompress(Codec, CompressRaw(input), 99_999));
        Assert.Equal(100_000, Decompress(Codec, Compress(Codec, input), 100_000).Length);
    }

    [Fact]
    public void Decompress_HugeClaimedLength_ThrowsWithoutAllocating()
    {
        // Varint 0x7FFFFFFF followed by two bytes: impossible ratio, rejected before any output is reserved.
        byte[] bogus = [0xFF, 0xFF, 0xFF, 0xFF, 0x07, 0x00, 0x61];
        Assert.Throws<KafkaCompressionException>(() => Decompress(Codec, bogus));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(5000)]
    public void Decompress_Truncated_Throws(int cut)
    {
        byte[] input = JsonLike(100_000, 3);
        Assert.Throws<KafkaCompressionException>(() => Decompress(Codec, Compress(Codec, input)[..^cut]));
        Assert.Throws<KafkaCompressionException>(() => Decompress(Codec, CompressRaw(input)[..^cut]));
        Assert.Throws<KafkaCompressionException>(() => DecompressFramed(CompressFramed(input)[..^cut]));
    }

    [Fact]
    public void Decompress_Empty_Throws() => Assert.Throws<KafkaCompressionException>(() => Decompress(Codec, []));

    [Fact]
    public void Decompress_Corrupted_ThrowsOnlyCompressionException()
    {
        byte[][] samples =
        [
            Compress(Codec, JsonLike(40_000, 1)), Compress(Codec, Random(3000, 2)), Compress(Codec, Repetitive(70_000)),
            CompressRaw(JsonLike(20_000, 3)), CompressRaw(Repetitive(5000)),
        ];
        var (ok, rejected) = Fuzz(samples, data => Decompress(Codec, data, 1 << 20), 5000, 4321);
        output.WriteLine($"ok {ok}, rejected {rejected}");
        Assert.True(rejected > 0);
    }

    [Fact]
    public void DecompressFramed_Corrupted_ThrowsOnlyCompressionException()
    {
        byte[][] samples = [CompressFramed(JsonLike(150_000, 1)), CompressFramed(Random(3000, 2))];
        var (ok, rejected) = Fuzz(samples, data => DecompressFramed(data, 1 << 20), 3000, 99);
        output.WriteLine($"ok {ok}, rejected {rejected}");
        Assert.True(rejected > 0);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Decompress_PythonRawSnappy_MatchesInput(int kind)
    {
        if (!PeerTool.RequirePythonSnappy(output))
        {
            return;
        }

        byte[] input = Sample(kind);
        Assert.Equal(input, Decompress(Codec, PeerTool.Python(PyRawCompress, input)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void CompressRaw_Output_DecompressesWithPythonSnappy(int kind)
    {
        if (!PeerTool.RequirePythonSnappy(output))
        {
            return;
        }

        byte[] input = Sample(kind);
        Assert.Equal(input, PeerTool.Python(PyRawDecompress, CompressRaw(input)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void DecompressFramed_PythonStream_MatchesInput(int kind)
    {
        if (!PeerTool.RequirePythonSnappy(output))
        {
            return;
        }

        byte[] input = Sample(kind);
        Assert.Equal(input, DecompressFramed(PeerTool.Python(PyStreamCompress, input)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void CompressFramed_Output_DecompressesWithPythonSnappy(int kind)
    {
        if (!PeerTool.RequirePythonSnappy(output))
        {
            return;
        }

        byte[] input = Sample(kind);
        Assert.Equal(input, PeerTool.Python(PyStreamDecompress, CompressFramed(input)));
    }

    private static byte[] Sample(int kind) => kind switch
    {
        0 => JsonLike(1_300_000, 11),
        1 => Random(300_000, 12),
        _ => Repetitive(700_000),
    };

    private static byte[] CompressRaw(byte[] input)
    {
        var buffer = new byte[SnappyBlock.MaxCompressedLength(input.Length)];
        return buffer[..SnappyBlock.Compress(input, buffer)];
    }

    private static byte[] CompressFramed(byte[] input)
    {
        var writer = new ArrayBufferWriter<byte>();
        SnappyCodec.CompressFramed(input, writer);
        return writer.WrittenSpan.ToArray();
    }

    private static byte[] DecompressFramed(byte[] input, int max = CompressionCodecs.DefaultMaxDecompressedSize)
    {
        var writer = new ArrayBufferWriter<byte>();
        SnappyCodec.DecompressFramed(input, writer, max);
        return writer.WrittenSpan.ToArray();
    }
}
