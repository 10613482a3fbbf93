using System.Text;
using Samsa.Broker.Mini;
using Samsa.Client;
using Samsa.Serialization;
using Samsa.Testing;
using CK = Confluent.Kafka;

namespace Samsa.Producer.Tests;

/// <summary>Our transactional producer end to end against Broker.Mini's transaction coordinator, verified by Confluent.Kafka.</summary>
public sealed class TransactionsOnBrokerMiniTests
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);

    private static KafkaProducer<string?, string?> Transactional(string bootstrap, string id) =>
        new ProducerBuilder<string?, string?>(new ProducerOptions { BootstrapServers = bootstrap, TransactionalId = id, LingerMs = 5 })
            .SetKeySerializer(Serializers.Utf8)
            .SetValueSerializer(Serializers.Utf8)
            .Build();

    /// <summary>Reads every partition of <paramref name="topic"/> from the beginning to its end (the LSO for read_committed).</summary>
    private static List<string> ReadWithConfluent(string bootstrap, string topic, int partitions, CK.IsolationLevel isolation)
    {
        var config = new CK.ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "unused-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
            EnablePartitionEof = true,
            IsolationLevel = isolation,
        };
        using var consumer = new CK.ConsumerBuilder<byte[]?, byte[]?>(config).Build();
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new CK.TopicPartitionOffset(topic, p, CK.Offset.Beginning)));
        var values = new List<string>();
        var atEnd = new HashSet<int>();
        var deadline = DateTime.UtcNow + HangGuard;
        while (atEnd.Count < partitions)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"reached the end of {atEnd.Count} of {partitions} partitions; read [{string.Join(",", values)}]");
            var r = consumer.Consume(TimeSpan.FromSeconds(1));
            if (r is null) continue;
            if (r.IsPartitionEOF) { atEnd.Add(r.Partition.Value); continue; }
            values.Add(r.Message.Value is null ? "<null>" : Encoding.UTF8.GetString(r.Message.Value));
        }
        consumer.Close();
        return values;
    }

    [PeerFact("librdkafka")]
    public async Task CommitThenAbort_ReadCommittedSeesOnlyCommitted_ReadUncommittedSeesAll()
    {
        await using var cluster = await MiniCluster.StartAsync(new MiniClusterOptions { Brokers = 1 });
        await cluster.CreateTopicAsync("txe", 2, 1);
        await using var producer = Transactional(cluster.BootstrapServers, "txe-1");
        await producer.InitTransactionsAsync().WaitAsync(HangGuard);

        producer.BeginTransaction();
        for (int i = 1; i <= 3; i++)
            await producer.ProduceAsync(new TopicPartition("txe", i % 2), new Message<string?, string?> { Key = "k" + i, Value = "c" + i }).WaitAsync(HangGuard);
        await producer.CommitTransactionAsync().WaitAsync(HangGuard);

        producer.BeginTransaction();
        for (int i = 1; i <= 3; i++)
            await producer.ProduceAsync(new TopicPartition("txe", i % 2), new Message<string?, string?> { Key = "k" + i, Value = "a" + i }).WaitAsync(HangGuard);
        await producer.AbortTransactionAsync().WaitAsync(HangGuard);

        var committed = ReadWithConfluent(cluster.BootstrapServers, "txe", 2, CK.IsolationLevel.ReadCommitted);
        Assert.Equal(["c1", "c2", "c3"], committed.Order().ToList());

        var all = ReadWithConfluent(cluster.BootstrapServers, "txe", 2, CK.IsolationLevel.ReadUncommitted);
        Assert.Equal(["a1", "a2", "a3", "c1", "c2", "c3"], all.Order().ToList());
    }

    [PeerFact("librdkafka")]
    public async Task SecondProducerWithSameTransactionalId_FencesTheFirst()
    {
        await using var cluster = await MiniCluster.StartAsync(new MiniClusterOptions { Brokers = 1 });
        await cluster.CreateTopicAsync("txf", 1, 1);
        await using var first = Transactional(cluster.BootstrapServers, "txf-1");
        await first.InitTransactionsAsync().WaitAsync(HangGuard);
        first.BeginTransaction();
        await first.ProduceAsync("txf", new Message<string?, string?> { Value = "zombie" }).WaitAsync(HangGuard);

        await using var second = Transactional(cluster.BootstrapServers, "txf-1");
        await second.InitTransactionsAsync().WaitAsync(HangGuard);

        var e = await Assert.ThrowsAsync<KafkaTransactionException>(() => first.CommitTransactionAsync().WaitAsync(HangGuard));
        Assert.True(e.IsFatal, $"{e.ErrorCode}: {e.Message}");
        Assert.Contains(e.ErrorCode, new[] { Samsa.Protocol.ErrorCode.ProducerFenced, Samsa.Protocol.ErrorCode.InvalidProducerEpoch });
        Assert.Throws<KafkaTransactionException>(() => first.BeginTransaction());

        second.BeginTransaction();
        await second.ProduceAsync("txf", new Message<string?, string?> { Value = "live" }).WaitAsync(HangGuard);
        await second.CommitTransactionAsync().WaitAsync(HangGuard);

        Assert.Equal(["live"], ReadWithConfluent(cluster.BootstrapServers, "txf", 1, CK.IsolationLevel.ReadCommitted));
    }
}
