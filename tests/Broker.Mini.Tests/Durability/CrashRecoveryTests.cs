using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Samsa.Testing;

namespace Samsa.Broker.Mini.Tests.Durability;

/// <summary>The standalone broker killed with SIGKILL mid-stream and restarted on the same data directory.</summary>
public sealed class CrashRecoveryTests : IDisposable
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "samsa-crash-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    [PeerFact("librdkafka")]
    public async Task KillNine_WhileProducingAcksAll_EveryAcknowledgedRecordSurvivesRestart()
    {
        Peers.Require("librdkafka");
        const string topic = "crash";
        const int partitions = 2;
        int port = StandaloneBroker.FreePort();
        var broker = await StandaloneBroker.StartAsync(port, _dir);
        try
        {
            using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build())
                await admin.CreateTopicsAsync([new TopicSpecification
                {
                    Name = topic, NumPartitions = partitions, ReplicationFactor = 1,
                    Configs = new() { ["segment.bytes"] = "4096" },
                }]).WaitAsync(Guard);

            using var stream = AckedStream.Start(broker.BootstrapServers, topic, partitions, recordsPerTick: 50, valuePrefix: "v");
            var acked = stream.Acked;
            await AckedStream.WaitUntil(() => acked.Count >= 3000, "3000 acknowledgements before the kill", Guard);
            await broker.KillAsync();
            int ackedAtKill = acked.Count;
            await broker.DisposeAsync();
            TearTail(Path.Combine(_dir, "broker-0", $"{topic}-0"));
            TearTail(Path.Combine(_dir, "broker-0", $"{topic}-1"), zeros: true);

            broker = await StandaloneBroker.StartAsync(port, _dir);
            // The log lines arrive on stderr asynchronously; both torn tails must be reported.
            var restarted = broker;
            await AckedStream.WaitUntil(() => CountOccurrences(restarted.Log, "truncated a torn or corrupt tail") == partitions, "truncation of both torn tails", Guard);
            await AckedStream.WaitUntil(() => acked.Count >= ackedAtKill + 1000, "1000 acknowledgements after the restart", Guard);
            await stream.StopAsync(Guard);
            Assert.True(stream.Errors.IsEmpty, string.Join("\n", stream.Errors));
            Assert.Equal(stream.Produced, acked.Count);

            var read = ReadAll(broker.BootstrapServers, topic, partitions);
            // Every acknowledged record is there, at its acknowledged offset, exactly once (idempotence across the crash).
            foreach (var (i, (partition, offset)) in acked)
                Assert.True(read[partition].TryGetValue(offset, out var value) && value == $"v{i}", $"v{i} acked at {partition}@{offset}, read {value ?? "nothing"}");
            Assert.Equal(acked.Count, read.Sum(p => p.Count));
        }
        finally
        {
            await broker.DisposeAsync();
        }
    }

    /// <summary>
    /// What a crash in the middle of a write leaves behind: the first bytes of a batch (its header promises more than
    /// follows), or a zero-filled tail (preallocated space). Neither was acknowledged; recovery must cut it off.
    /// </summary>
    private static void TearTail(string partitionDir, bool zeros = false)
    {
        string active = Directory.GetFiles(partitionDir, "*.log").Order(StringComparer.Ordinal).Last();
        string first = Directory.GetFiles(partitionDir, "*.log").Order(StringComparer.Ordinal).First();
        byte[] torn = zeros ? new byte[100] : File.ReadAllBytes(first).AsSpan(0, 40).ToArray();
        using var stream = new FileStream(active, FileMode.Append);
        stream.Write(torn);
    }

    private static Dictionary<long, string>[] ReadAll(string bootstrap, string topic, int partitions)
    {
        var result = Enumerable.Range(0, partitions).Select(_ => new Dictionary<long, string>()).ToArray();
        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig { BootstrapServers = bootstrap, GroupId = "crash-check", EnableAutoCommit = false }).Build();
        var ends = Enumerable.Range(0, partitions).Select(p => consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), Guard).High.Value).ToArray();
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var deadline = DateTime.UtcNow + Guard;
        while (Enumerable.Range(0, partitions).Any(p => result[p].Count < ends[p]) && DateTime.UtcNow < deadline)
        {
            var message = consumer.Consume(TimeSpan.FromMilliseconds(500));
            if (message is null || message.IsPartitionEOF) continue;
            Assert.True(result[message.Partition.Value].TryAdd(message.Offset.Value, message.Message.Value), $"offset {message.Offset} read twice");
        }
        return result;
    }

    private static int CountOccurrences(string text, string what)
    {
        int count = 0;
        for (int i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + 1, StringComparison.Ordinal)) count++;
        return count;
    }
}
