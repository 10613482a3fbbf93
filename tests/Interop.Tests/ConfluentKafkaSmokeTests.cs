using Confluent.Kafka;
using Samsa.Testing;

namespace Samsa.Interop.Tests;

/// <summary>Proves Confluent.Kafka 1.9.3 (referenced by DLL, librdkafka from librdkafka-dev) works here.</summary>
public sealed class ConfluentKafkaSmokeTests
{
    [PeerFact("librdkafka")]
    public async Task Produce_ToMockClusterWithInjectedRetriableErrors_DeliversAndConsumesBack()
    {
        Peers.Require("librdkafka");
        using var cluster = new LibrdkafkaMockCluster(3);
        cluster.CreateTopic("smoke", partitions: 1, replicationFactor: 3);
        cluster.PushRequestErrors(0, 19, 19); // Produce: NOT_ENOUGH_REPLICAS twice, then success.

        var producerConfig = new ProducerConfig { BootstrapServers = cluster.BootstrapServers, LingerMs = 0, MessageTimeoutMs = 20_000 };
        using (var producer = new ProducerBuilder<string, string>(producerConfig).Build())
        {
            var report = await producer.ProduceAsync("smoke", new Message<string, string> { Key = "k", Value = "v1" });
            Assert.Equal(PersistenceStatus.Persisted, report.Status);
            Assert.Equal(0, report.Offset.Value);
        }

        var consumerConfig = new ConsumerConfig
        {
            BootstrapServers = cluster.BootstrapServers,
            GroupId = "smoke-group",
            AutoOffsetReset = AutoOffsetReset.Earliest,
        };
        using var consumer = new ConsumerBuilder<string, string>(consumerConfig).Build();
        consumer.Subscribe("smoke");
        var deadline = DateTime.UtcNow.AddSeconds(20);
        ConsumeResult<string, string>? consumed = null;
        while (consumed is null && DateTime.UtcNow < deadline)
        {
            consumed = consumer.Consume(TimeSpan.FromMilliseconds(500));
        }

        consumer.Close();
        Assert.NotNull(consumed);
        Assert.Equal("k", consumed.Message.Key);
        Assert.Equal("v1", consumed.Message.Value);
    }
}
