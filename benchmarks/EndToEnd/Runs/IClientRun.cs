namespace Samsa.Benchmarks.EndToEnd.Runs;

/// <summary>One client's implementation of the scenarios; runs inside a child process.</summary>
internal interface IClientRun
{
    /// <summary>Produces <see cref="BenchOptions.Messages"/> records of <see cref="BenchOptions.Size"/> bytes and waits for every delivery.</summary>
    Task<RunResult> ProduceAsync(BenchOptions o, Measurement m);

    /// <summary>Consumes <see cref="BenchOptions.Messages"/> records from the start of every partition (assign, no group).</summary>
    Task<RunResult> ConsumeAsync(BenchOptions o, Measurement m);

    /// <summary>Produces at a fixed rate and consumes in the same process, measuring end-to-end latency.</summary>
    Task<RunResult> LatencyAsync(BenchOptions o, Measurement m);
}

/// <summary>The clients the benchmark knows.</summary>
internal static class ClientRuns
{
    public static IClientRun? Get(string client) => client switch
    {
        "confluent" => new ConfluentRun(),
        _ => null,
    };
}
