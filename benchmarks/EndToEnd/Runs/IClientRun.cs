namespace Samsa.Benchmarks.EndToEnd.Runs;

/// <summary>One client's run of one scenario, inside a child process.</summary>
/// <remarks>
/// produce: send <see cref="BenchOptions.Messages"/> records of <see cref="BenchOptions.Size"/> bytes and wait for every delivery.
/// consume: read <see cref="BenchOptions.Messages"/> records from the start of every partition (assign, no group).
/// latency: produce at <see cref="BenchOptions.RatePerSecond"/> and consume in the same process, measuring end-to-end latency.
/// </remarks>
internal delegate Task<RunResult> ClientRun(BenchOptions options, Measurement measurement);

/// <summary>The (client, scenario) pairs the benchmark knows.</summary>
internal static class ClientRuns
{
    public static ClientRun? Get(string client, string scenario) => (client, scenario) switch
    {
        ("samsa", "produce") => SamsaProduceRun.ProduceAsync,
        ("confluent", "produce") => ConfluentRun.ProduceAsync,
        ("confluent", "consume") => ConfluentRun.ConsumeAsync,
        ("confluent", "latency") => ConfluentRun.LatencyAsync,
        _ => null,
    };
}
