using System.Globalization;

namespace Samsa.Benchmarks.EndToEnd;

/// <summary>Command-line options shared by the parent (orchestrator) and the child (one client run).</summary>
internal sealed record BenchOptions
{
    public string Scenario { get; init; } = "produce";
    public int Size { get; init; } = 100;
    public long Messages { get; init; } = 2_000_000;
    public int Partitions { get; init; } = 12;
    public string Acks { get; init; } = "all";
    public int Rounds { get; init; } = 3;
    public string? Bootstrap { get; init; }
    /// <summary>Which broker to start when no bootstrap is given: mini or mock.</summary>
    public string Broker { get; init; } = "mini";
    public string[] Clients { get; init; } = ["samsa", "confluent"];
    public string Topic { get; init; } = "bench";
    public int LingerMs { get; init; } = 5;
    /// <summary>
    /// produce: batch.size for both clients, by default librdkafka's own default (1000000), so both batch alike (Samsa
    /// then also leaves socket.send.buffer.bytes to the OS, as librdkafka does); null (<c>--batch-size own</c>) leaves
    /// each client at its own defaults (Samsa as Java: batch.size 16384 and a 128 KiB send buffer).
    /// </summary>
    public int? BatchSize { get; init; } = 1_000_000;
    /// <summary>
    /// produce: records each client sends to a throw-away topic before the measured rounds (null: as many as a measured
    /// run), so that a fresh broker has compiled its hot paths and grown its heap to the size the runs need.
    /// </summary>
    public long? BrokerWarmupMessages { get; init; }
    public int RatePerSecond { get; init; } = 10_000;
    /// <summary>Latency scenario: records sent in the first this-many seconds are not counted (producer start-up, warm-up).</summary>
    public double WarmupSeconds { get; init; } = 2;
    /// <summary>
    /// produce: records each client sends (and flushes) in its own process before the measurement starts, so that JIT
    /// tiering and buffer-pool growth fall outside the measured window (null: a tenth of the measured records; 0
    /// measures from the first record).
    /// </summary>
    public long? WarmupMessages { get; init; }

    /// <summary>The warm-up a child runs before measuring.</summary>
    public long ClientWarmupMessages => WarmupMessages ?? Messages / 10;

    public static BenchOptions Parse(IReadOnlyList<string> args, out string? childClient)
    {
        childClient = null;
        var o = new BenchOptions();
        int i = 0;
        if (i < args.Count && args[i] == "child") { childClient = args[i + 1]; i += 2; }
        if (i < args.Count && !args[i].StartsWith("--", StringComparison.Ordinal)) o = o with { Scenario = args[i++] };
        for (; i < args.Count; i++)
        {
            string name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value");
            o = name switch
            {
                "--size" => o with { Size = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--messages" => o with { Messages = long.Parse(Value(), CultureInfo.InvariantCulture) },
                "--partitions" => o with { Partitions = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--acks" => o with { Acks = Value() },
                "--rounds" => o with { Rounds = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--bootstrap" => o with { Bootstrap = Value() },
                "--broker" => o with { Broker = Value() },
                "--clients" => o with { Clients = Value().Split(',', StringSplitOptions.RemoveEmptyEntries) },
                "--topic" => o with { Topic = Value() },
                "--linger-ms" => o with { LingerMs = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--broker-warmup-messages" => o with { BrokerWarmupMessages = long.Parse(Value(), CultureInfo.InvariantCulture) },
                "--batch-size" => o with { BatchSize = Value() is var b && b == "own" ? null : int.Parse(b, CultureInfo.InvariantCulture) },
                "--rate" => o with { RatePerSecond = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--warmup-seconds" => o with { WarmupSeconds = double.Parse(Value(), CultureInfo.InvariantCulture) },
                "--warmup-messages" => o with { WarmupMessages = long.Parse(Value(), CultureInfo.InvariantCulture) },
                _ => throw new ArgumentException($"Unknown option {name}"),
            };
        }
        if (o.Scenario is not ("produce" or "consume" or "latency")) throw new ArgumentException($"Unknown scenario {o.Scenario}");
        return o;
    }

    /// <summary>The arguments that make a child process run this scenario.</summary>
    public List<string> ToChildArgs(string client, string bootstrap) =>
    [
        "child", client, Scenario, "--size", Size.ToString(CultureInfo.InvariantCulture),
        "--messages", Messages.ToString(CultureInfo.InvariantCulture), "--partitions", Partitions.ToString(CultureInfo.InvariantCulture),
        "--acks", Acks, "--bootstrap", bootstrap, "--topic", Topic, "--linger-ms", LingerMs.ToString(CultureInfo.InvariantCulture),
        "--rate", RatePerSecond.ToString(CultureInfo.InvariantCulture), "--warmup-seconds", WarmupSeconds.ToString(CultureInfo.InvariantCulture),
        "--batch-size", BatchSize?.ToString(CultureInfo.InvariantCulture) ?? "own",
        "--warmup-messages", ClientWarmupMessages.ToString(CultureInfo.InvariantCulture),
    ];
}
