using Confluent.Kafka;
using Samsa.Testing;

namespace Samsa.Broker.Mini.Tests;

/// <summary>Third-party clients against a socket-hosted cluster: kcat, kafka-python and Confluent.Kafka.</summary>
public sealed class RealClientTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(90);

    [PeerFact("kcat")]
    public async Task Kcat_ListMetadata_ShowsBrokersAndTopic()
    {
        Peers.Require("kcat");
        await using var cluster = await MiniCluster.StartAsync(new MiniClusterOptions { Brokers = 3 });
        await cluster.CreateTopicAsync("listed", partitions: 2, replicationFactor: 3);
        var result = (await ProcessRunner.RunAsync("kcat", ["-L", "-b", cluster.BootstrapServers], timeout: Guard)).EnsureSuccess();
        Assert.Contains("3 brokers", result.StandardOutput);
        Assert.Contains("topic \"listed\" with 2 partitions", result.StandardOutput);
    }

    [PeerFact("kcat")]
    public async Task Kcat_ProduceAndConsume_KeysAndHeadersRoundTrip()
    {
        Peers.Require("kcat");
        await using var cluster = await MiniCluster.StartAsync(new MiniClusterOptions { Brokers = 3 });
        await cluster.CreateTopicAsync("kc", partitions: 1, replicationFactor: 3);
        (await ProcessRunner.RunAsync("kcat", ["-P", "-b", cluster.BootstrapServers, "-t", "kc", "-K:", "-H", "k=v"],
            standardInput: "a:1\nb:2\nc:3\n", timeout: Guard)).EnsureSuccess();
        var consumed = (await ProcessRunner.RunAsync("kcat",
            ["-C", "-b", cluster.BootstrapServers, "-t", "kc", "-e", "-f", "%k=%s|%h|%o\\n"], timeout: Guard)).EnsureSuccess();
        Assert.Equal(["a=1|k=v|0", "b=2|k=v|1", "c=3|k=v|2"], consumed.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [PeerFact("python3-kafka")]
    public async Task KafkaPython_AdminProducerAcksAllAndAssignedConsumer_RoundTrip()
    {
        Peers.Require("python3-kafka");
        await using var cluster = await MiniCluster.StartAsync(new MiniClusterOptions { Brokers = 3 });
        const string script = """
            import sys
            from kafka import KafkaAdminClient, KafkaProducer, KafkaConsumer, TopicPartition
            from kafka.admin import NewTopic
            bootstrap = sys.argv[1]
            admin = KafkaAdminClient(bootstrap_servers=bootstrap)
            admin.create_topics([NewTopic(name="py", num_partitions=2, replication_factor=3)])
            producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all")
            for i in range(10):
                producer.send("py", key=b"k%d" % i, value=b"v%d" % i, partition=i % 2)
            producer.flush()
            consumer = KafkaConsumer(bootstrap_servers=bootstrap, consumer_timeout_ms=10000, enable_auto_commit=False)
            parts = [TopicPartition("py", 0), TopicPartition("py", 1)]
            consumer.assign(parts)
            consumer.seek_to_beginning()
            values = []
            for message in consumer:
                values.append(message.value.decode())
                if len(values) == 10:
                    break
            print(",".join(sorted(values)))
            """;
        var result = (await ProcessRunner.RunAsync(Peers.Python3, ["-c", script, cluster.BootstrapServers], timeout: Guard)).EnsureSuccess();
        Assert.Equal(string.Join(',', Enumerable.Range(0, 10).Select(i => $"v{i}").Order(StringComparer.Ordinal)), result.StandardOutput.Trim());
    }

    [PeerFact("librdkafka")]
    public async Task ConfluentKafka_IdempotentProducerAndAssignedConsumer_RoundTrip()
    {
        Peers.Require("librdkafka");
        await using var cluster = await MiniCluster.StartAsync(new MiniClusterOptions { Brokers = 3 });
        await cluster.CreateTopicAsync("ck", partitions: 3, replicationFactor: 3);
        var producerConfig = new ProducerConfig { BootstrapServers = cluster.BootstrapServers, EnableIdempotence = true, Acks = Acks.All };
        using (var producer = new ProducerBuilder<string, string>(producerConfig).Build())
        {
            for (int i = 0; i < 30; i++)
            {
                var report = await producer.ProduceAsync(new TopicPartition("ck", i % 3), new Message<string, string> { Key = $"k{i}", Value = $"v{i}" }).WaitAsync(Guard);
                Assert.Equal(PersistenceStatus.Persisted, report.Status);
            }
            producer.Flush(Guard);
        }
        var consumerConfig = new ConsumerConfig { BootstrapServers = cluster.BootstrapServers, GroupId = "unused", EnableAutoCommit = false };
        using var consumer = new ConsumerBuilder<string, string>(consumerConfig).Build();
        consumer.Assign(Enumerable.Range(0, 3).Select(p => new TopicPartitionOffset("ck", p, Offset.Beginning)));
        var seen = new HashSet<string>();
        var deadline = DateTime.UtcNow + Guard;
        while (seen.Count < 30 && DateTime.UtcNow < deadline)
        {
            var message = consumer.Consume(TimeSpan.FromSeconds(1));
            if (message is not null && !message.IsPartitionEOF) seen.Add(message.Message.Key + "=" + message.Message.Value);
        }
        Assert.Equal(30, seen.Count);
        Assert.Contains("k7=v7", seen);
    }
}
