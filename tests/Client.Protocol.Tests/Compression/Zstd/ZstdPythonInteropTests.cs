using System.Buffers;
using Samsa.Protocol.Compression;
using Samsa.Protocol.Compression.Zstd;
using Xunit.Abstractions;

namespace Samsa.Protocol.Tests.Compression.Zstd;

/// <summary>Interop with python3-zstandard (the binding python Kafka clients use), in both directions.</summary>
public sealed class ZstdPythonInteropTests(ITestOutputHelper output)
{
    /// <summary>
    /// argv: level, mode. Modes: "frame" (one-shot, content size), "nosize" (no content size, with checksum),
    /// "stream" (stream writer flushing a block every 7,000 bytes), "threads" (two worker threads).
    /// </summary>
    private const string PyCompress =
        "import sys, io, zstandard as z\n" +
        "level, mode = int(sys.argv[1]), sys.argv[2]\n" +
        "data = sys.stdin.buffer.read()\n" +
        "if mode == 'frame':\n" +
        "    out = z.ZstdCompressor(level=level).compress(data)\n" +
        "elif mode == 'nosize':\n" +
        "    out = z.ZstdCompressor(level=level, write_content_size=False, write_checksum=True).compress(data)\n" +
        "elif mode == 'threads':\n" +
        "    out = z.ZstdCompressor(level=level, threads=2).compress(data)\n" +
        "else:\n" +
        "    buf = io.BytesIO()\n" +
        "    w = z.ZstdCompressor(level=level).stream_writer(buf, closefd=False)\n" +
        "    for i in range(0, len(data), 7000):\n" +
        "        w.write(data[i:i + 7000])\n" +
        "        w.flush(z.FLUSH_BLOCK)\n" +
        "    w.close()\n" +
        "    out = buf.getvalue()\n" +
        "sys.stdout.buffer.write(out)\n";

    private const string PyDecompress =
        "import sys, zstandard as z\n" +
        "sys.stdout.buffer.write(z.ZstdDecompressor().decompressobj().decompress(sys.stdin.buffer.read()))\n";

    private static readonly byte[] s_input =
        [.. ZstdTestData.Json(250_000, 31), .. ZstdTestData.Repetitive(20_000), .. ZstdTestData.Random(5_000, 32), .. ZstdTestData.Json(40_000, 33)];

    [Theory]
    [InlineData(1, "frame")]
    [InlineData(3, "frame")]
    [InlineData(19, "frame")]
    [InlineData(-5, "frame")]
    [InlineData(3, "nosize")]
    [InlineData(3, "stream")]
    [InlineData(3, "threads")]
    public void Decompress_PythonZstandard_MatchesOriginal(int level, string mode)
    {
        if (!PeerTool.RequirePythonZstandard(output))
        {
            return;
        }

        byte[] compressed = PeerTool.PythonZstandard(PyCompress, s_input, level.ToString(System.Globalization.CultureInfo.InvariantCulture), mode);
        var writer = new ArrayBufferWriter<byte>();
        ZstdCodec.Instance.Decompress(compressed, writer, CompressionCodecs.DefaultMaxDecompressedSize);
        Assert.Equal(s_input, writer.WrittenSpan.ToArray());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(9)]
    public void Compress_PythonZstandardDecompresses_MatchesOriginal(int level)
    {
        if (!PeerTool.RequirePythonZstandard(output))
        {
            return;
        }

        var writer = new ArrayBufferWriter<byte>();
        new ZstdCodec { WriteChecksum = level == 9 }.Compress(s_input, writer, level);
        Assert.Equal(s_input, PeerTool.PythonZstandard(PyDecompress, writer.WrittenSpan.ToArray()));
    }
}
