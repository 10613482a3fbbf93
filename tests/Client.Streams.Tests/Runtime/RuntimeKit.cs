using Samsa.Broker.Mini;
using Samsa.Consumer;
using Samsa.Producer;

namespace Samsa.Streams.Tests.Runtime;

/// <summary>Broker, config and client helpers for the runtime tests.</summary>
internal static class RuntimeKit
{
    /// <summary>Generous guard for waits that only fail when something hangs.</summary>
    public static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);

    public static Task<MiniCluster> StartClusterAsync() => MiniCluster.StartAsync(new MiniClusterOptions
    {
        BrokerConfigs =
        {
            ["offsets.topic.num.partitions"] = "3",
            ["transaction.state.log.num.partitions"] = "3",
            ["group.initial.rebalance.delay.ms"] = "0",
        },
    });

    public static StreamsConfig Config(MiniCluster cluster, string app, string stateDir, bool exactlyOnce = false, int commitMs = 100) => new()
    {
        ApplicationId = app,
        BootstrapServers = cluster.BootstrapServers,
        StateDir = stateDir,
        ProcessingGuarantee = exactlyOnce ? "exactly_once_v2" : "at_least_once",
        CommitIntervalMs = commitMs,
        PollMs = 50,
        Extra =
        {
            ["linger.ms"] = "5",
            ["session.timeout.ms"] = "10000",
            ["heartbeat.interval.ms"] = "500",
            ["consumer.fetch.max.wait.ms"] = "100",
        },
    };

    public static string TempDir()
    {
        string dir = Path.Combine(Path.GetTempPath(), "samsa-streams-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    public static async Task ProduceAsync(MiniCluster cluster, string topic, IEnumerable<(string Key, string Value)> records, int? partition = null)
    {
        await using var producer = new ProducerBuilder<string, string>(new Dictionary<string, string?>
        {
            ["bootstrap.servers"] = cluster.BootstrapServers,
            ["linger.ms"] = "1",
        }).Build();
        foreach (var (key, value) in records)
            await producer.ProduceAsync(topic, new Message<string, string> { Key = key, Value = value, Partition = partition });
    }

    /// <summary>Reads <paramref name="count"/> records from every partition of <paramref name="topic"/>, then anything else that arrives within a short grace period.</summary>
    public static async Task<List<(string Key, string Value)>> ReadAsync(MiniCluster cluster, string topic, int partitions, int count, bool readCommitted = false)
    {
        await using var consumer = new ConsumerBuilder<string, string>(new Dictionary<string, string?>
        {
            ["bootstrap.servers"] = cluster.BootstrapServers,
            ["isolation.level"] = readCommitted ? "read_committed" : "read_uncommitted",
            ["fetch.max.wait.ms"] = "50",
        }).Build();
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offsets.Beginning)));
        var result = new List<(string, string)>();
        using var guard = new CancellationTokenSource(Guard);
        while (result.Count < count)
        {
            foreach (var r in await consumer.ConsumeBatchAsync(0, guard.Token)) result.Add((r.Key, r.Value));
        }
        return result;
    }

    /// <summary>Waits until <paramref name="condition"/> holds; fails only when it never does within the guard.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Guard;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out waiting for {what}.");
            await Task.Delay(20);
        }
    }

    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Guard;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out waiting for {what}.");
            await Task.Delay(50);
        }
    }

    /// <summary>The group's committed offset per partition of <paramref name="topic"/> (-1001 when none).</summary>
    public static async Task<long[]> CommittedAsync(MiniCluster cluster, string group, string topic, int partitions)
    {
        await using var consumer = new ConsumerBuilder<byte[], byte[]>(new Dictionary<string, string?>
        {
            ["bootstrap.servers"] = cluster.BootstrapServers,
            ["group.id"] = group,
        }).Build();
        var committed = await consumer.CommittedAsync(Enumerable.Range(0, partitions).Select(p => new TopicPartition(topic, p)));
        return [.. committed.OrderBy(c => c.Partition).Select(c => c.Offset)];
    }

    /// <summary>The sum of the high watermarks of <paramref name="topic"/>'s partitions.</summary>
    public static async Task<long> EndOffsetsAsync(MiniCluster cluster, string topic, int partitions)
    {
        await using var consumer = new ConsumerBuilder<byte[], byte[]>(new Dictionary<string, string?> { ["bootstrap.servers"] = cluster.BootstrapServers }).Build();
        long sum = 0;
        for (int p = 0; p < partitions; p++) sum += (await consumer.QueryWatermarkOffsetsAsync(new TopicPartition(topic, p))).High;
        return sum;
    }

    /// <summary>Waits until an interactive query succeeds with a value that satisfies <paramref name="expected"/> (tasks may be moving between threads).</summary>
    public static async Task QueryUntilAsync<T>(Func<T> query, Func<T, bool> expected, string what)
    {
        T? last = default;
        await WaitUntilAsync(() =>
        {
            try
            {
                last = query();
                return expected(last);
            }
            catch (StreamsException)
            {
                return false;
            }
        }, $"{what} (last: {last})");
    }

    public static async Task WaitForStateAsync(KafkaStreams streams, KafkaStreamsState state) =>
        await WaitUntilAsync(() => streams.State == state, $"state {state} (now {streams.State})");
}
