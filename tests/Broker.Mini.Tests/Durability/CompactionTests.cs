using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Samsa.Testing;

namespace Samsa.Broker.Mini.Tests.Durability;

/// <summary>The log cleaner on compacted topics, checked with Confluent.Kafka as producer and consumer.</summary>
public sealed class CompactionTests : IDisposable
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "samsa-compact-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    [PeerFact("librdkafka")]
    public async Task Compact_KeyedUpdatesAndTombstones_LatestValuesRemainAtTheirOffsetsAndTombstonesExpire()
    {
        Peers.Require("librdkafka");
        await using var cluster = await MiniCluster.StartAsync(new MiniClusterOptions { Brokers = 1, BrokerConfigs = { ["log.cleaner.enable"] = "false" } });
        await cluster.CreateTopicAsync("table", 1, 1, new Dictionary<string, string>
        {
            ["cleanup.policy"] = "compact", ["segment.bytes"] = "600", ["delete.retention.ms"] = "86400000",
        });
        var latest = new Dictionary<string, (long Offset, string? Value)>();
        var offsets = new HashSet<long>();
        using (var producer = new ProducerBuilder<string, string?>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers, Acks = Acks.All, LingerMs = 0 }).Build())
        {
            async Task Put(string key, string? value)
            {
                var report = await producer.ProduceAsync("table", new Message<string, string?> { Key = key, Value = value }).WaitAsync(Guard);
                latest[key] = (report.Offset.Value, value);
                offsets.Add(report.Offset.Value);
            }
            for (int round = 0; round < 10; round++)
                for (int k = 0; k < 8; k++) await Put($"k{k}", $"k{k}-r{round}");
            for (int k = 0; k < 3; k++) await Put($"k{k}", null); // tombstones
            for (int i = 0; i < 20; i++) await Put("filler", $"f{i}"); // pushes the tombstones out of the active segment
        }
        var log = cluster.State.Topics["table"].Partitions[0].Log;
        Assert.True(log.Segments.Count > 5);
        long before = log.SizeInBytes;

        Assert.True(cluster.CompactLogs() > 0);
        Assert.True(log.SizeInBytes < before);
        var read = ReadAll(cluster.BootstrapServers, "table");
        Assert.All(read, r => Assert.Contains(r.Offset, offsets));
        for (int k = 0; k < 8; k++)
        {
            var forKey = read.Where(r => r.Key == $"k{k}").ToList();
            var only = Assert.Single(forKey);
            Assert.Equal(latest[$"k{k}"], (only.Offset, only.Value));
            if (k < 3) Assert.Null(only.Value);
        }
        Assert.Equal(latest["filler"], (read[^1].Offset, read[^1].Value));
        Assert.Equal(0, cluster.CompactLogs()); // nothing new is dirty and tombstones are not due yet

        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = cluster.BootstrapServers }).Build())
        {
#pragma warning disable CS0618 // AlterConfigs is deprecated in favour of IncrementalAlterConfigs, which 1.9.3 lacks
            await admin.AlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>>
            {
                [new ConfigResource { Type = ResourceType.Topic, Name = "table" }] =
                [
                    new() { Name = "cleanup.policy", Value = "compact" }, new() { Name = "segment.bytes", Value = "600" },
                    new() { Name = "delete.retention.ms", Value = "0" },
                ],
            }).WaitAsync(Guard);
#pragma warning restore CS0618
        }
        await Task.Delay(5); // the tombstones' segments must be strictly older than delete.retention.ms = 0
        Assert.True(cluster.CompactLogs() > 0);
        var after = ReadAll(cluster.BootstrapServers, "table");
        for (int k = 0; k < 3; k++) Assert.DoesNotContain(after, r => r.Key == $"k{k}");
        for (int k = 3; k < 8; k++) Assert.Equal(latest[$"k{k}"], after.Where(r => r.Key == $"k{k}").Select(r => (r.Offset, r.Value)).Single());
        Assert.Equal(log.LogEndOffset, latest["filler"].Offset + 1);
    }

    [PeerFact("librdkafka")]
    public async Task Compact_ConsumerOffsets_CommittedOffsetsSurviveCompactionAndRestart()
    {
        Peers.Require("librdkafka");
        var options = new MiniClusterOptions
        {
            Brokers = 1, DataDirectory = _dir,
            BrokerConfigs = { ["log.cleaner.enable"] = "false", ["offsets.topic.num.partitions"] = "1", ["offsets.topic.replication.factor"] = "1" },
        };
        var tps = Enumerable.Range(0, 3).Select(p => new TopicPartition("work", p)).ToList();
        await using (var cluster = await MiniCluster.StartAsync(options))
        {
            await cluster.CreateTopicAsync("work", 3, 1);
            using var consumer = NewConsumer(cluster.BootstrapServers);
            consumer.Commit([new TopicPartitionOffset(tps[0], 1)]); // creates __consumer_offsets
            lock (cluster.State.Sync)
            {
                var offsetsTopic = cluster.State.Topics["__consumer_offsets"];
                offsetsTopic.Overrides["segment.bytes"] = "400";
                cluster.State.RefreshTopicConfig(offsetsTopic);
            }
            for (int round = 1; round <= 40; round++)
                consumer.Commit(tps.Select(tp => new TopicPartitionOffset(tp, round * 10 + tp.Partition.Value)));
            var offsetsLog = cluster.State.Topics["__consumer_offsets"].Partitions[0].Log;
            long before = offsetsLog.SizeInBytes;
            Assert.True(cluster.CompactLogs() > 0);
            Assert.True(offsetsLog.SizeInBytes < before / 4, $"{offsetsLog.SizeInBytes} of {before} bytes left");
            AssertCommitted(consumer, tps);
        }
        await using (var cluster = await MiniCluster.StartAsync(options))
        {
            using var consumer = NewConsumer(cluster.BootstrapServers);
            AssertCommitted(consumer, tps);
        }
    }

    [PeerFact("librdkafka")]
    public async Task Compact_IdempotentProducersLastBatchShadowed_KeptEmptySoItsSequenceSurvivesRestart()
    {
        Peers.Require("librdkafka");
        var options = new MiniClusterOptions { DataDirectory = _dir, BrokerConfigs = { ["log.cleaner.enable"] = "false" } };
        await using (var cluster = await MiniCluster.StartAsync(options))
        {
            await cluster.CreateTopicAsync("ids", 1, 1, new Dictionary<string, string> { ["cleanup.policy"] = "compact", ["segment.bytes"] = "100" });
            await using var client = TestClient.Connect(cluster);
            await Produce(client, TestClient.Batch(7, 0, 0, ("a", "1")), 0);
            await Produce(client, TestClient.Batch(7, 0, 1, ("a", "2")), 1);
            await Produce(client, TestClient.Batch(("a", "3")), 2);
            await Produce(client, TestClient.Batch(("b", "4")), 3);
            Assert.True(cluster.CompactLogs() > 0);
            var batches = cluster.State.Topics["ids"].Partitions[0].Log.BatchesFrom(0)
                .Select(b => Samsa.Protocol.Records.RecordBatchHeader.Read(b.Span)).ToList();
            // Offset 0 is gone; offset 1's batch stays with no records (producer 7's last sequence); 2 and 3 remain.
            Assert.Equal([(1L, 0), (2L, 1), (3L, 1)], batches.Select(h => (h.BaseOffset, h.RecordCount)));
            Assert.Equal(1, batches[0].LastSequence);
        }
        await using (var cluster = await MiniCluster.StartAsync(options))
        {
            await using var client = TestClient.Connect(cluster);
            await Produce(client, TestClient.Batch(7, 0, 2, ("c", "5")), 4); // sequence 2 follows on after the restart
            var read = ReadAll(cluster.BootstrapServers, "ids");
            Assert.Equal([(2L, "a", "3"), (3L, "b", "4"), (4L, "c", "5")], read.Select(r => (r.Offset, r.Key, r.Value)));
        }
    }

    private static async Task Produce(TestClient client, byte[] batch, long expectedOffset)
    {
        var response = await client.SendAsync(TestClient.Produce("ids", 0, batch), 9);
        var partition = response.Responses[0].PartitionResponses[0];
        Assert.Equal(0, partition.ErrorCode);
        Assert.Equal(expectedOffset, partition.BaseOffset);
    }

    private static IConsumer<Ignore, Ignore> NewConsumer(string bootstrap) =>
        new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = bootstrap, GroupId = "compacted-group", EnableAutoCommit = false }).Build();

    private static void AssertCommitted(IConsumer<Ignore, Ignore> consumer, List<TopicPartition> tps)
    {
        var committed = consumer.Committed(tps, Guard);
        Assert.Equal(tps.Select(tp => 400L + tp.Partition.Value), committed.OrderBy(c => c.Partition.Value).Select(c => c.Offset.Value));
    }

    private static List<(long Offset, string Key, string? Value)> ReadAll(string bootstrap, string topic)
    {
        var result = new List<(long, string, string?)>();
        using var consumer = new ConsumerBuilder<string, string?>(new ConsumerConfig
        {
            BootstrapServers = bootstrap, GroupId = "reader", EnableAutoCommit = false, EnablePartitionEof = true,
        }).Build();
        consumer.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
        var deadline = DateTime.UtcNow + Guard;
        while (DateTime.UtcNow < deadline)
        {
            var message = consumer.Consume(TimeSpan.FromMilliseconds(500));
            if (message is null) continue;
            if (message.IsPartitionEOF) return result;
            result.Add((message.Offset.Value, message.Message.Key, message.Message.Value));
        }
        throw new TimeoutException("Hang guard: the consumer never reached the end of the partition.");
    }
}
