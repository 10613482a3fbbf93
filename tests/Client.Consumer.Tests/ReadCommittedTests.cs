using Samsa.Broker.Mini;
using Samsa.Testing;
using CK = Confluent.Kafka;

namespace Samsa.Consumer.Tests;

/// <summary>
/// isolation.level over transactions written by Confluent.Kafka 1.9.3 on Broker.Mini: committed and aborted
/// transactions interleaved across partitions with non-transactional records, ending with an aborted transaction.
/// </summary>
public sealed class ReadCommittedTests
{
    private const string Topic = "rc";
    private const int Transactions = 5;

    [PeerFact("librdkafka")]
    public async Task ConfluentTransactions_ReadCommittedReturnsCommittedInOrder_ReadUncommittedReturnsAll()
    {
        await using var cluster = await MiniCluster.StartAsync(new MiniClusterOptions
        {
            Brokers = 1,
            BrokerConfigs = { ["transaction.state.log.num.partitions"] = "3", ["offsets.topic.num.partitions"] = "3" },
        });
        await cluster.CreateTopicAsync(Topic, 2);
        var (all, committed) = await Task.Run(() => Write(cluster.BootstrapServers));
        Assert.Equal(all.Count - 8, committed.Count); // two aborted transactions of four records each

        foreach (var (isolation, expected) in new[] { (IsolationLevel.ReadCommitted, committed), (IsolationLevel.ReadUncommitted, all) })
        {
            await using var consumer = TestKit.Consumer(cluster.BootstrapServers, o => o.IsolationLevel = isolation);
            consumer.Assign(TestKit.Partitions(Topic, 2).Select(tp => new TopicPartitionOffset(tp, Offsets.Beginning)));
            var records = await TestKit.ConsumeAsync(consumer, expected.Count);
            for (int p = 0; p < 2; p++)
            {
                var got = records.Where(r => r.Partition == p).ToList();
                Assert.Equal(expected.Where(e => e.Partition == p).Select(e => e.Value), got.Select(r => r.Value));
                Assert.True(got.Zip(got.Skip(1)).All(x => x.First.Offset < x.Second.Offset), $"offsets of partition {p} are not increasing");
            }
            foreach (var tp in TestKit.Partitions(Topic, 2))
            {
                // Past the final abort marker, not stuck on the aborted batch or a control record: the position reaches the end.
                long end = (await consumer.QueryWatermarkOffsetsAsync(tp)).High;
                Assert.Equal(end, await consumer.PositionAsync(tp));
            }
        }
    }

    /// <summary>
    /// Per transaction t: two transactional records (one per partition), a flushed non-transactional record inside the
    /// open transaction, two more transactional records, then commit (or abort when t % 3 == 1, the last one included),
    /// and finally one non-transactional sentinel per partition so every reader has a last record to wait for.
    /// </summary>
    private static (List<(int Partition, string Value)> All, List<(int Partition, string Value)> Committed) Write(string bootstrap)
    {
        using var transactional = new CK.ProducerBuilder<string?, string>(new CK.ProducerConfig
        {
            BootstrapServers = bootstrap,
            TransactionalId = "rc-" + Guid.NewGuid().ToString("N"),
            LingerMs = 5,
        }).Build();
        using var plain = new CK.ProducerBuilder<string?, string>(new CK.ProducerConfig { BootstrapServers = bootstrap, LingerMs = 0 }).Build();
        var all = new List<(int, string)>();
        var aborted = new HashSet<string>();
        transactional.InitTransactions(TestKit.Guard);
        for (int t = 0; t < Transactions; t++)
        {
            bool abort = t % 3 == 1;
            transactional.BeginTransaction();
            for (int i = 0; i < 4; i++)
            {
                if (i == 2)
                {
                    transactional.Flush(TestKit.Guard);
                    Send(plain, all, t % 2, $"plain-{t}");
                    plain.Flush(TestKit.Guard);
                }
                var record = (i % 2, $"t{t}-{i}");
                transactional.Produce(new CK.TopicPartition(Topic, record.Item1), new CK.Message<string?, string> { Value = record.Item2 });
                all.Add(record);
                if (abort) aborted.Add(record.Item2);
            }
            if (abort)
            {
                transactional.Flush(TestKit.Guard); // AbortTransaction purges unsent records: make sure the aborted ones reach the log.
                transactional.AbortTransaction(TestKit.Guard);
            }
            else transactional.CommitTransaction(TestKit.Guard);
        }
        for (int p = 0; p < 2; p++) Send(plain, all, p, $"sentinel-{p}");
        plain.Flush(TestKit.Guard);
        return (all, all.Where(r => !aborted.Contains(r.Item2)).ToList());
    }

    private static void Send(CK.IProducer<string?, string> producer, List<(int, string)> all, int partition, string value)
    {
        producer.Produce(new CK.TopicPartition(Topic, partition), new CK.Message<string?, string> { Value = value },
            r => { if (r.Error.IsError) throw new InvalidOperationException(r.Error.Reason); });
        all.Add((partition, value));
    }
}
