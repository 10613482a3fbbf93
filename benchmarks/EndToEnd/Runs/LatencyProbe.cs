using System.Buffers.Binary;
using System.Diagnostics;

namespace Samsa.Benchmarks.EndToEnd.Runs;

/// <summary>
/// The latency scenario's record stamps, shared by every client's run so that all are measured the same way: each value
/// carries its send timestamp and its sequence number, and records sent during the warm-up (the first
/// <see cref="BenchOptions.WarmupSeconds"/> at the paced rate: producer start-up, JIT) are received but not counted.
/// </summary>
internal sealed class LatencyProbe
{
    private readonly double[] _latencies;
    private readonly long _warmup;
    private int _counted;

    public LatencyProbe(BenchOptions o)
    {
        _warmup = Math.Min(o.Messages - 1, (long)(o.WarmupSeconds * o.RatePerSecond));
        _latencies = new double[o.Messages - _warmup];
    }

    /// <summary>Records received so far, warm-up included.</summary>
    public long Received { get; private set; }

    /// <summary>A value of <paramref name="size"/> bytes (at least 16) stamped with the current time and <paramref name="sequence"/>.</summary>
    public static byte[] Stamp(int size, long sequence)
    {
        var value = new byte[Math.Max(size, 16)];
        BinaryPrimitives.WriteInt64LittleEndian(value, Stopwatch.GetTimestamp());
        BinaryPrimitives.WriteInt64LittleEndian(value.AsSpan(8), sequence);
        return value;
    }

    /// <summary>Notes one received value.</summary>
    public void Record(ReadOnlySpan<byte> value)
    {
        Received++;
        double latency = Stopwatch.GetElapsedTime(BinaryPrimitives.ReadInt64LittleEndian(value)).TotalMilliseconds;
        long sequence = BinaryPrimitives.ReadInt64LittleEndian(value[8..]);
        if (sequence >= _warmup && _counted < _latencies.Length) _latencies[_counted++] = latency;
    }

    /// <summary>Percentiles over the records sent after the warm-up.</summary>
    public (double P50, double P99, double P999) Percentiles() => Runs.Percentiles.Of(_latencies.AsSpan(0, _counted).ToArray());
}
