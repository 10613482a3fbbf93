using System.Buffers;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Samsa.Benchmarks.Micro.Native;
using Samsa.Protocol.Compression;

namespace Samsa.Benchmarks.Micro.Compression;

/// <summary>
/// Throughput of the managed gzip, Snappy and LZ4 codecs on 1 MiB inputs, side by side with native liblz4 and
/// libsnappy (P/Invoke) and IronSnappy. LZ4 is compared per 64 KiB block (what a Kafka frame holds); Snappy as one
/// raw stream (the reference compressor splits it into 64 KiB fragments itself).
/// </summary>
/// <remarks>
/// Runs in-process: BenchmarkDotNet's out-of-process toolchain looks for a project named after the assembly
/// (Samsa.Micro) and cannot find Micro.csproj.
/// </remarks>
[MemoryDiagnoser]
[Config(typeof(InProcessShortRunConfig))]
public unsafe class CompressionBenchmarks
{
    private const int Lz4Block = 64 * 1024;

    private byte[] _input = [];
    private byte[] _scratch = [];
    private byte[] _output = [];
    private byte[] _lz4Frame = [];
    private byte[] _lz4NativeBlocks = [];
    private int[] _lz4NativeBlockSizes = [];
    private byte[] _snappyRaw = [];
    private byte[] _snappyXerial = [];
    private byte[] _gzip = [];
    private readonly ArrayBufferWriter<byte> _writer = new(4 << 20);

    [Params("json", "random")]
    public string Corpus { get; set; } = "json";

    [GlobalSetup]
    public void Setup()
    {
        _input = CompressionCorpus.Get(Corpus);
        _scratch = new byte[_input.Length * 2 + 4096];
        _output = new byte[_input.Length + 4096];
        _lz4Frame = Encode(Lz4Codec.Instance);
        _snappyXerial = Encode(SnappyCodec.Instance);
        _gzip = Encode(GzipCodec.Instance);
        _snappyRaw = _scratch[..SnappyCompressSamsa()].ToArray();

        // Native LZ4 blocks, kept apart so decompression knows each block's size.
        var blocks = new List<byte>();
        var sizes = new List<int>();
        var block = new byte[NativeLz4.CompressBound(Lz4Block)];
        fixed (byte* src = _input)
        fixed (byte* dst = block)
        {
            for (int position = 0; position < _input.Length; position += Lz4Block)
            {
                int n = NativeLz4.CompressDefault(src + position, dst, Math.Min(Lz4Block, _input.Length - position), block.Length);
                blocks.AddRange(block.AsSpan(0, n).ToArray());
                sizes.Add(n);
            }
        }

        _lz4NativeBlocks = [.. blocks];
        _lz4NativeBlockSizes = [.. sizes];
        int samsaLz4Blocks = Lz4CompressSamsaBlocks();
        nuint nativeSnappy = SnappyCompressNative();
        int iron = IronSnappy.Snappy.Encode(_input).Length;
        Console.WriteLine($"// RATIO {Corpus}: lz4 samsa-frame {_lz4Frame.Length}, samsa-blocks {samsaLz4Blocks}, native-blocks {_lz4NativeBlocks.Length}; " +
            $"snappy samsa-raw {_snappyRaw.Length}, samsa-xerial {_snappyXerial.Length}, native {nativeSnappy}, iron {iron}; gzip-6 {_gzip.Length}");
    }

    [Benchmark]
    public int Lz4_Compress_SamsaFrame()
    {
        _writer.ResetWrittenCount();
        Lz4Codec.Instance.Compress(_input, _writer);
        return _writer.WrittenCount;
    }

    [Benchmark]
    public int Lz4_Compress_SamsaBlocks() => Lz4CompressSamsaBlocks();

    [Benchmark]
    public int Lz4_Compress_NativeBlocks()
    {
        int total = 0;
        fixed (byte* src = _input)
        fixed (byte* dst = _scratch)
        {
            for (int position = 0; position < _input.Length; position += Lz4Block)
            {
                total += NativeLz4.CompressDefault(src + position, dst + total, Math.Min(Lz4Block, _input.Length - position), _scratch.Length - total);
            }
        }

        return total;
    }

    [Benchmark]
    public int Lz4_Decompress_SamsaFrame()
    {
        _writer.ResetWrittenCount();
        Lz4Codec.Instance.Decompress(_lz4Frame, _writer, int.MaxValue);
        return _writer.WrittenCount;
    }

    [Benchmark]
    public int Lz4_Decompress_SamsaBlocks()
    {
        int read = 0;
        int written = 0;
        foreach (int size in _lz4NativeBlockSizes)
        {
            written += Samsa.Protocol.Compression.Lz4Block.Decompress(_lz4NativeBlocks.AsSpan(read, size), _output.AsSpan(written));
            read += size;
        }

        return written;
    }

    [Benchmark]
    public int Lz4_Decompress_NativeBlocks()
    {
        int read = 0;
        int written = 0;
        fixed (byte* src = _lz4NativeBlocks)
        fixed (byte* dst = _output)
        {
            foreach (int size in _lz4NativeBlockSizes)
            {
                written += NativeLz4.DecompressSafe(src + read, dst + written, size, _output.Length - written);
                read += size;
            }
        }

        return written;
    }

    [Benchmark]
    public int Snappy_Compress_SamsaRaw() => SnappyCompressSamsa();

    [Benchmark]
    public int Snappy_Compress_SamsaXerial()
    {
        _writer.ResetWrittenCount();
        SnappyCodec.Instance.Compress(_input, _writer);
        return _writer.WrittenCount;
    }

    [Benchmark]
    public nuint Snappy_Compress_Native() => SnappyCompressNative();

    [Benchmark]
    public int Snappy_Compress_IronSnappy() => IronSnappy.Snappy.Encode(_input).Length;

    [Benchmark]
    public int Snappy_Decompress_SamsaRaw()
    {
        _writer.ResetWrittenCount();
        SnappyCodec.Instance.Decompress(_snappyRaw, _writer, int.MaxValue);
        return _writer.WrittenCount;
    }

    [Benchmark]
    public int Snappy_Decompress_SamsaXerial()
    {
        _writer.ResetWrittenCount();
        SnappyCodec.Instance.Decompress(_snappyXerial, _writer, int.MaxValue);
        return _writer.WrittenCount;
    }

    [Benchmark]
    public nuint Snappy_Decompress_Native()
    {
        nuint length = (nuint)_output.Length;
        fixed (byte* src = _snappyRaw)
        fixed (byte* dst = _output)
        {
            NativeSnappy.Uncompress(src, (nuint)_snappyRaw.Length, dst, &length);
        }

        return length;
    }

    [Benchmark]
    public int Snappy_Decompress_IronSnappy() => IronSnappy.Snappy.Decode(_snappyRaw).Length;

    [Benchmark]
    public int Gzip_Compress_Level6()
    {
        _writer.ResetWrittenCount();
        GzipCodec.Instance.Compress(_input, _writer);
        return _writer.WrittenCount;
    }

    [Benchmark]
    public int Gzip_Decompress()
    {
        _writer.ResetWrittenCount();
        GzipCodec.Instance.Decompress(_gzip, _writer, int.MaxValue);
        return _writer.WrittenCount;
    }

    private int Lz4CompressSamsaBlocks()
    {
        int total = 0;
        for (int position = 0; position < _input.Length; position += Lz4Block)
        {
            total += Samsa.Protocol.Compression.Lz4Block.Compress(_input.AsSpan(position, Math.Min(Lz4Block, _input.Length - position)), _scratch.AsSpan(total));
        }

        return total;
    }

    private int SnappyCompressSamsa() => SnappyBlock.Compress(_input, _scratch);

    private nuint SnappyCompressNative()
    {
        nuint length = (nuint)_scratch.Length;
        fixed (byte* src = _input)
        fixed (byte* dst = _scratch)
        {
            NativeSnappy.Compress(src, (nuint)_input.Length, dst, &length);
        }

        return length;
    }

    private byte[] Encode(ICompressionCodec codec)
    {
        _writer.ResetWrittenCount();
        codec.Compress(_input, _writer);
        return _writer.WrittenSpan.ToArray();
    }

    /// <summary>The short-run job (3 warmups, 3 iterations), in-process.</summary>
    private sealed class InProcessShortRunConfig : ManualConfig
    {
        public InProcessShortRunConfig() => AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance));
    }
}
