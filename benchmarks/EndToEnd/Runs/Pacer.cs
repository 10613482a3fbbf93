using System.Diagnostics;

namespace Samsa.Benchmarks.EndToEnd.Runs;

/// <summary>Calls an action at a fixed rate (open loop), catching up after scheduling hiccups.</summary>
internal static class Pacer
{
    public static async Task RunAsync(long count, int perSecond, Action<long> send)
    {
        long start = Stopwatch.GetTimestamp();
        double ticksPerMessage = Stopwatch.Frequency / (double)perSecond;
        for (long i = 0; i < count; i++)
        {
            long due = start + (long)(i * ticksPerMessage);
            long wait = due - Stopwatch.GetTimestamp();
            if (wait > Stopwatch.Frequency / 1000) await Task.Delay(TimeSpan.FromTicks(wait * TimeSpan.TicksPerSecond / Stopwatch.Frequency));
            send(i);
        }
    }
}

/// <summary>Latency percentiles in milliseconds.</summary>
internal static class Percentiles
{
    public static (double P50, double P99, double P999) Of(double[] values)
    {
        Array.Sort(values);
        double At(double q) => Math.Round(values[Math.Min(values.Length - 1, (int)(q * values.Length))], 3);
        return (At(0.50), At(0.99), At(0.999));
    }
}
