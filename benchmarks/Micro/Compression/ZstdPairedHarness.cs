using System.Buffers;
using System.Diagnostics;
using Samsa.Benchmarks.Micro.Native;
using Samsa.Protocol.Compression.Zstd;

namespace Samsa.Benchmarks.Micro.Compression;

/// <summary>
/// Paired zstd decompression timing: managed and native run in turn inside one process, so both see the same machine
/// load, and the median of the per-pair speed ratios is reported. On a shared machine this is steadier than separate
/// BenchmarkDotNet rows. Run: <c>dotnet run -c Release --project benchmarks/Micro -- zstd-paired [seconds-per-case] [case-name filter]</c>.
/// </summary>
internal static class ZstdPairedHarness
{
    private const int Size = 1024 * 1024;

    public static void Run(string[] args)
    {
        double seconds = args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 3;
        string filter = args.Length > 2 ? args[2] : "";
        Console.WriteLine($"# zstd paired decompression, {seconds:F1} s per case, load {LoadAverage()}");
        Console.WriteLine("case                      median  best   samsa MB/s  native MB/s  pairs");
        foreach (string corpus in new[] { "json", "random" })
        {
            byte[] input = corpus == "json" ? ZstdCorpus.Json(Size) : ZstdCorpus.Random(Size);
            foreach (int level in new[] { 1, 3 })
            {
                var writer = new ArrayBufferWriter<byte>(Size * 2);
                ZstdCodec.Instance.Compress(input, writer, level);
                byte[] ours = writer.WrittenSpan.ToArray();
                byte[] scratch = new byte[(int)LibZstd.CompressBound(Size)];
                byte[] native = scratch.AsSpan(0, LibZstd.Compress(input, scratch, level)).ToArray();
                foreach ((string name, byte[] frame) in new[] { ($"{corpus} L{level} own frame", ours), ($"{corpus} L{level} native frame", native) })
                {
                    if (name.Contains(filter, StringComparison.Ordinal))
                    {
                        Measure(name, input, frame, native, seconds);
                    }
                }
            }
        }
    }

    private static void Measure(string name, byte[] input, byte[] managedFrame, byte[] nativeFrame, double seconds)
    {
        var output = new byte[Size];
        var writer = new FixedWriter(Size * 2);
        ZstdCodec.Instance.Decompress(managedFrame, writer, Size);
        if (!writer.Written.SequenceEqual(input))
        {
            throw new InvalidOperationException($"{name}: managed output differs from the input");
        }

        var ratios = new List<double>();
        long bestManaged = long.MaxValue;
        long bestNative = long.MaxValue;
        var total = Stopwatch.StartNew();
        while (total.Elapsed.TotalSeconds < seconds || ratios.Count < 5)
        {
            long m = long.MaxValue;
            long n = long.MaxValue;
            for (int i = 0; i < 3; i++)
            {
                long t0 = Stopwatch.GetTimestamp();
                writer.Reset();
                ZstdCodec.Instance.Decompress(managedFrame, writer, Size);
                long t1 = Stopwatch.GetTimestamp();
                LibZstd.Decompress(nativeFrame, output);
                long t2 = Stopwatch.GetTimestamp();
                m = Math.Min(m, t1 - t0);
                n = Math.Min(n, t2 - t1);
            }

            ratios.Add((double)n / m);
            bestManaged = Math.Min(bestManaged, m);
            bestNative = Math.Min(bestNative, n);
        }

        ratios.Sort();
        double median = ratios[ratios.Count / 2];
        Console.WriteLine($"{name,-24} {median,6:F3}x {(double)bestNative / bestManaged,5:F3}x {MBps(bestManaged),10:F0} {MBps(bestNative),12:F0}  {ratios.Count,5}");
    }

    private static double MBps(long ticks) => Size / 1e6 / ((double)ticks / Stopwatch.Frequency);

    private static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Trim();
        }
        catch (IOException)
        {
            return "n/a";
        }
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
