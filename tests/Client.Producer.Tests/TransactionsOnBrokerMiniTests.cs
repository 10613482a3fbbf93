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

    /// <summary>The group's committed offset of <paramref name="topic"/>-0 through OffsetFetch v7, or -1; <paramref name="requireStable"/> reports pending transactional offsets as UNSTABLE_OFFSET_COMMIT.</summary>
    private static async Task<(long Offset, Samsa.Protocol.ErrorCode Error)> CommittedAsync(KafkaCluster cluster, string group, string topic, bool requireStable)
    {
        var connection = await cluster.GetCoordinatorConnectionAsync(CoordinatorType.Group, group);
        var request = new Samsa.Protocol.Messages.OffsetFetchRequest
        {
            GroupId = group,
            Topics = [new() { Name = topic, PartitionIndexes = [0] }],
            RequireStable = requireStable,
        };
        var response = await connection.SendAsync(request, 7).AsTask().WaitAsync(HangGuard);
        Assert.Equal(0, response.ErrorCode);
        var partition = response.Topics.Single().Partitions.Single();
        return (partition.CommittedOffset, (Samsa.Protocol.ErrorCode)partition.ErrorCode);
    }

    [Fact]
    public async Task SendOffsetsToTransaction_CommittedOnlyWhenTheTransactionCommits()
    {
        await using var cluster = await MiniCluster.StartAsync(new MiniClusterOptions { Brokers = 1 });
        await cluster.CreateTopicAsync("ctp-in", 1, 1);
        await cluster.CreateTopicAsync("ctp-out", 1, 1);
        await using var admin = new KafkaCluster(new KafkaClientOptions { BootstrapServers = cluster.BootstrapServers });
        await using var producer = Transactional(cluster.BootstrapServers, "ctp-1");
        await producer.InitTransactionsAsync().WaitAsync(HangGuard);
        var group = new ConsumerGroupMetadata("ctp-group");
        TopicPartitionOffset[] Position(long offset) => [new TopicPartitionOffset(new TopicPartition("ctp-in", 0), offset)];

        // Committed transaction: the offset is pending (unstable) until EndTxn, then committed.
        producer.BeginTransaction();
        await producer.ProduceAsync("ctp-out", new Message<string?, string?> { Value = "t1" }).WaitAsync(HangGuard);
        await producer.SendOffsetsToTransactionAsync(Position(5), group).WaitAsync(HangGuard);
        Assert.Equal((-1L, Samsa.Protocol.ErrorCode.None), await CommittedAsync(admin, "ctp-group", "ctp-in", requireStable: false));
        Assert.Equal(Samsa.Protocol.ErrorCode.UnstableOffsetCommit, (await CommittedAsync(admin, "ctp-group", "ctp-in", requireStable: true)).Error);
        await producer.CommitTransactionAsync().WaitAsync(HangGuard);
        Assert.Equal((5L, Samsa.Protocol.ErrorCode.None), await CommittedAsync(admin, "ctp-group", "ctp-in", requireStable: true));

        // Aborted transaction: the offset it carried is dropped; the last committed one stays.
        producer.BeginTransaction();
        await producer.ProduceAsync("ctp-out", new Message<string?, string?> { Value = "t2" }).WaitAsync(HangGuard);
        await producer.SendOffsetsToTransactionAsync(Position(9), group).WaitAsync(HangGuard);
        await producer.AbortTransactionAsync().WaitAsync(HangGuard);
        Assert.Equal((5L, Samsa.Protocol.ErrorCode.None), await CommittedAsync(admin, "ctp-group", "ctp-in", requireStable: true));

        // Offsets alone (no records) commit too.
        producer.BeginTransaction();
        await producer.SendOffsetsToTransactionAsync(Position(12), group).WaitAsync(HangGuard);
        await producer.CommitTransactionAsync().WaitAsync(HangGuard);
        Assert.Equal((12L, Samsa.Protocol.ErrorCode.None), await CommittedAsync(admin, "ctp-group", "ctp-in", requireStable: true));

        var records = await TopicReader.ReadAllAsync(cluster.BootstrapServers, "ctp-out");
        Assert.Equal(["t1", "t2"], records.Select(r => Encoding.UTF8.GetString(r.Value!)));
    }
}
