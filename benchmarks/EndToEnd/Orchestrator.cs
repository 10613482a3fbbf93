using System.Diagnostics;
using System.Globalization;
using Samsa.Benchmarks.EndToEnd.Runs;

namespace Samsa.Benchmarks.EndToEnd;

/// <summary>
/// Starts the broker, then runs each client in its own child process, alternating clients within every round,
/// printing one JSON line per run and a summary of median ratios (samsa / confluent).
/// </summary>
internal static class Orchestrator
{
    public static async Task<int> RunAsync(BenchOptions o)
    {
        var clients = o.Clients.Where(c => ClientRuns.Get(c, o.Scenario) is not null).ToList();
        foreach (var missing in o.Clients.Except(clients)) Console.Error.WriteLine($"# client '{missing}' has no {o.Scenario} implementation yet; skipped");
        if (clients.Count == 0) return 2;

        // One topic per run for produce, so runs do not share partitions; one preloaded topic for consume.
        var topics = o.Scenario == "produce"
            ? Enumerable.Range(1, o.Rounds).SelectMany(r => clients.Select(c => $"bench-{r}-{c}")).ToList()
            : [$"bench-{o.Scenario}"];
        await using var broker = await BrokerHost.StartAsync(o, topics);
        Console.Error.WriteLine($"# broker {broker.Name} at {broker.Bootstrap}");

        if (o.Scenario == "consume")
        {
            var preload = await RunChildAsync(o with { Scenario = "produce", Topic = topics[0], Acks = "1" }, "confluent", broker);
            Console.Error.WriteLine($"# preloaded {preload.Messages} records into {topics[0]}");
        }

        if (o.Scenario == "produce" && (o.BrokerWarmupMessages ?? o.Messages) is > 0 and var warmup)
        {
            // A fresh broker compiles its hot paths and faults in new memory during its first runs (an in-memory broker
            // holds a whole run's records): warm it with every client first.
            foreach (var client in clients)
            {
                string topic = $"bench-warmup-{client}";
                await broker.CreateTopicAsync(topic, o.Partitions);
                var warm = await RunChildAsync(o with { Topic = topic, Messages = warmup }, client, broker);
                Console.Error.WriteLine($"# broker warm-up with {client}: {warm.Messages} records, {warm.MsgsPerSecond:F0} msgs/s (not counted)");
                await broker.DeleteTopicAsync(topic);
            }
        }

        var results = new List<RunResult>();
        for (int round = 1; round <= o.Rounds; round++)
        {
            var order = round % 2 == 1 ? clients : Enumerable.Reverse(clients).ToList();
            foreach (var client in order)
            {
                var topic = o.Scenario == "produce" ? $"bench-{round}-{client}" : topics[0];
                var result = await RunChildAsync(o with { Topic = topic }, client, broker);
                results.Add(result);
                Console.WriteLine(result.ToJson());
                // Each run starts against the same broker state: an in-memory broker would otherwise hold every run's data.
                if (o.Scenario == "produce") await broker.DeleteTopicAsync(topic);
            }
        }
        PrintSummary(o, results);
        return results.Any(r => r.Errors > 0) ? 1 : 0;
    }

    private static async Task<RunResult> RunChildAsync(BenchOptions o, string client, BrokerHost broker)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Samsa.EndToEnd.dll"));
        foreach (var arg in o.ToChildArgs(client, broker.Bootstrap)) info.ArgumentList.Add(arg);
        var cpuBefore = broker.CpuTime;
        using var child = Process.Start(info) ?? throw new InvalidOperationException("could not start child");
        string output = await child.StandardOutput.ReadToEndAsync();
        await child.WaitForExitAsync();
        var cpuAfter = broker.CpuTime;
        var last = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault(l => l.StartsWith('{'));
        if (child.ExitCode != 0 || last is null) throw new InvalidOperationException($"{client} {o.Scenario} failed (exit {child.ExitCode}): {output}");
        var result = RunResult.FromJson(last);
        result.Broker = broker.Name;
        if (o.Scenario == "produce") result.BatchSize = o.BatchSize?.ToString(CultureInfo.InvariantCulture) ?? "own";
        if (cpuBefore is { } b && cpuAfter is { } a) result.BrokerCpuMicrosPerMessage = Math.Round((a - b).TotalMicroseconds / result.Messages, 3);
        return result;
    }

    private static void PrintSummary(BenchOptions o, List<RunResult> results)
    {
        double Median(IEnumerable<double> xs)
        {
            var s = xs.Order().ToArray();
            return s.Length == 0 ? double.NaN : s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
        }
        var byClient = results.GroupBy(r => r.Client).ToDictionary(g => g.Key, g => g.ToList());
        var parts = new List<string> { $"\"summary\":\"{o.Scenario}\"", $"\"size\":{o.Size}" };
        if (o.Scenario == "produce") parts.Add($"\"batch_size\":\"{o.BatchSize?.ToString(CultureInfo.InvariantCulture) ?? "own"}\"");
        foreach (var (client, runs) in byClient)
        {
            parts.Add($"\"{client}_msgs_per_s\":{Median(runs.Select(r => r.MsgsPerSecond)).ToString(CultureInfo.InvariantCulture)}");
            parts.Add($"\"{client}_cpu_us_per_msg\":{Median(runs.Select(r => r.CpuMicrosPerMessage)).ToString(CultureInfo.InvariantCulture)}");
        }
        if (byClient.TryGetValue("samsa", out var ours) && byClient.TryGetValue("confluent", out var theirs))
        {
            double throughput = Median(ours.Select(r => r.MsgsPerSecond)) / Median(theirs.Select(r => r.MsgsPerSecond));
            double cpu = Median(ours.Select(r => r.CpuMicrosPerMessage)) / Median(theirs.Select(r => r.CpuMicrosPerMessage));
            parts.Add($"\"throughput_ratio\":{Math.Round(throughput, 3).ToString(CultureInfo.InvariantCulture)}");
            parts.Add($"\"cpu_per_msg_ratio\":{Math.Round(cpu, 3).ToString(CultureInfo.InvariantCulture)}");
        }
        Console.WriteLine("{" + string.Join(",", parts) + "}");
    }
}
