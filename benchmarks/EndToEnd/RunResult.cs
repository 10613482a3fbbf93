using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Samsa.Benchmarks.EndToEnd;

/// <summary>One measured client run, printed as one JSON line.</summary>
internal sealed record RunResult
{
    [JsonPropertyName("scenario")] public required string Scenario { get; init; }
    [JsonPropertyName("client")] public required string Client { get; init; }
    [JsonPropertyName("broker")] public string? Broker { get; set; }
    [JsonPropertyName("size")] public int Size { get; init; }
    [JsonPropertyName("messages")] public long Messages { get; init; }
    /// <summary>produce: the batch.size both clients used, or "own" when each ran with its own default.</summary>
    [JsonPropertyName("batch_size")] public string? BatchSize { get; set; }
    [JsonPropertyName("seconds")] public double Seconds { get; init; }
    [JsonPropertyName("msgs_per_s")] public double MsgsPerSecond { get; init; }
    [JsonPropertyName("mb_per_s")] public double MbPerSecond { get; init; }
    [JsonPropertyName("cpu_us_per_msg")] public double CpuMicrosPerMessage { get; init; }
    [JsonPropertyName("alloc_bytes_per_msg")] public double AllocBytesPerMessage { get; init; }
    [JsonPropertyName("gc_gen0")] public int Gen0 { get; init; }
    [JsonPropertyName("gc_gen1")] public int Gen1 { get; init; }
    [JsonPropertyName("gc_gen2")] public int Gen2 { get; init; }
    [JsonPropertyName("peak_rss_mb")] public double PeakRssMb { get; init; }
    [JsonPropertyName("errors")] public long Errors { get; init; }
    [JsonPropertyName("broker_cpu_us_per_msg")] public double? BrokerCpuMicrosPerMessage { get; set; }
    [JsonPropertyName("p50_ms")] public double? P50Ms { get; init; }
    [JsonPropertyName("p99_ms")] public double? P99Ms { get; init; }
    [JsonPropertyName("p999_ms")] public double? P999Ms { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, RunResultJson.Default.RunResult);

    public static RunResult FromJson(string line) => JsonSerializer.Deserialize(line, RunResultJson.Default.RunResult)!;
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RunResult))]
internal sealed partial class RunResultJson : JsonSerializerContext;

/// <summary>Measures CPU time, managed allocation, GC counts and peak RSS of the current process around a run.</summary>
internal sealed class Measurement
{
    private readonly Stopwatch _clock = new();
    private TimeSpan _cpuStart;
    private long _allocStart;
    private int _g0, _g1, _g2;

    public void Start()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        _g0 = GC.CollectionCount(0);
        _g1 = GC.CollectionCount(1);
        _g2 = GC.CollectionCount(2);
        _allocStart = GC.GetTotalAllocatedBytes(precise: true);
        _cpuStart = Process.GetCurrentProcess().TotalProcessorTime;
        _clock.Restart();
    }

    public RunResult Stop(BenchOptions o, string client, long messages, long errors, (double P50, double P99, double P999)? latency = null)
    {
        _clock.Stop();
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime - _cpuStart;
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - _allocStart;
        double seconds = _clock.Elapsed.TotalSeconds;
        process.Refresh();
        return new RunResult
        {
            Scenario = o.Scenario,
            Client = client,
            Size = o.Size,
            Messages = messages,
            Seconds = Math.Round(seconds, 3),
            MsgsPerSecond = Math.Round(messages / seconds),
            MbPerSecond = Math.Round(messages * (double)o.Size / seconds / (1024 * 1024), 2),
            CpuMicrosPerMessage = Math.Round(cpu.TotalMicroseconds / messages, 3),
            AllocBytesPerMessage = Math.Round(allocated / (double)messages, 2),
            Gen0 = GC.CollectionCount(0) - _g0,
            Gen1 = GC.CollectionCount(1) - _g1,
            Gen2 = GC.CollectionCount(2) - _g2,
            PeakRssMb = Math.Round(process.PeakWorkingSet64 / (1024.0 * 1024.0), 1),
            Errors = errors,
            P50Ms = latency?.P50,
            P99Ms = latency?.P99,
            P999Ms = latency?.P999,
        };
    }
}
