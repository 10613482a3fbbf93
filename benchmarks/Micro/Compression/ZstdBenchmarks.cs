using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Samsa.Benchmarks.Micro.Native;
using Samsa.Protocol.Compression.Zstd;

namespace Samsa.Benchmarks.Micro.Compression;

/// <summary>Managed zstd vs native libzstd on a deterministic 1 MiB corpus. Throughput = 1 MiB / mean time.</summary>
[MemoryDiagnoser]
[Config(typeof(InProcessShortRunConfig))]
public class ZstdBenchmarks
{
    private const int Size = 1024 * 1024;
    private byte[] _input = [];
    private byte[] _ours = [];
    private byte[] _native = [];
    private byte[] _nativeScratch = [];
    private byte[] _output = [];
    private FixedWriter _writer = null!;

    [Params("json", "random")]
    public string Corpus { get; set; } = "json";

    [Params(1, 3)]
    public int Level { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _input = Corpus == "json" ? ZstdCorpus.Json(Size) : ZstdCorpus.Random(Size);
        _writer = new FixedWriter(Size * 2);
        ZstdCodec.Instance.Compress(_input, _writer, Level);
        _ours = _writer.Written.ToArray();
        _nativeScratch = new byte[(int)LibZstd.CompressBound((nuint)Size)];
        int n = LibZstd.Compress(_input, _nativeScratch, Level);
        _native = _nativeScratch.AsSpan(0, n).ToArray();
        _output = new byte[Size];
        Console.WriteLine($"// ratio corpus={Corpus} level={Level}: samsa {(double)Size / _ours.Length:F3} ({_ours.Length} B), native {(double)Size / _native.Length:F3} ({_native.Length} B)");
    }

    [Benchmark]
    public int CompressSamsa()
    {
        _writer.Reset();
        ZstdCodec.Instance.Compress(_input, _writer, Level);
        return _writer.Written.Length;
    }

    [Benchmark]
    public int CompressNative() => LibZstd.Compress(_input, _nativeScratch, Level);

    [Benchmark]
    public int DecompressSamsa()
    {
        _writer.Reset();
        ZstdCodec.Instance.Decompress(_ours, _writer, Size);
        return _writer.Written.Length;
    }

    [Benchmark]
    public int DecompressNative() => LibZstd.Decompress(_native, _output);

    /// <summary>Samsa decoding the frame native libzstd wrote (the interop case).</summary>
    [Benchmark]
    public int DecompressSamsaNativeFrame()
    {
        _writer.Reset();
        ZstdCodec.Instance.Decompress(_native, _writer, Size);
        return _writer.Written.Length;
    }

    /// <summary>The short-run job (3 warmups, 3 iterations), in-process, so a plain --filter runs one job.</summary>
    private sealed class InProcessShortRunConfig : ManualConfig
    {
        public InProcessShortRunConfig() => AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance));
    }

    private sealed class FixedWriter(int capacity) : IBufferWriter<byte>
    {
        private readonly byte[] _buffer = new byte[capacity];
        private int _pos;

        public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _pos);

        public void Reset() => _pos = 0;

        public void Advance(int count) => _pos += count;

        public Memory<byte> GetMemory(int sizeHint = 0) => _buffer.AsMemory(_pos);

        public Span<byte> GetSpan(int sizeHint = 0) => _buffer.AsSpan(_pos);
    }
}

/// <summary>Deterministic benchmark inputs.</summary>
internal static class ZstdCorpus
{
    public static byte[] Random(int size)
    {
        var bytes = new byte[size];
        new Random(12345).NextBytes(bytes);
        return bytes;
    }

    public static byte[] Json(int size)
    {
        var rng = new Random(42);
        string[] names = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"];
        string[] events = ["page_view", "click", "purchase", "signup", "logout"];
        var sb = new StringBuilder(size + 256);
        int id = 0;
        while (sb.Length < size)
        {
            sb.Append("{\"id\":").Append(id++)
              .Append(",\"user\":\"").Append(names[rng.Next(names.Length)]).Append(rng.Next(1000))
              .Append("\",\"event\":\"").Append(events[rng.Next(events.Length)])
              .Append("\",\"ts\":").Append(1_700_000_000_000L + rng.Next(1_000_000))
              .Append(",\"amount\":").Append(rng.Next(100_000) / 100.0)
              .Append(",\"tags\":[\"t").Append(rng.Next(20)).Append("\",\"t").Append(rng.Next(20)).Append("\"]")
              .Append(",\"ok\":").Append(rng.Next(2) == 0 ? "true" : "false").Append("}\n");
        }

        return Encoding.UTF8.GetBytes(sb.ToString(0, size));
    }
}
