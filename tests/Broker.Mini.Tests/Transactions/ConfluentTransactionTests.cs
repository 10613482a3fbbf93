using Confluent.Kafka;
using Samsa.Broker.Mini.Coordinators;
using Samsa.Testing;

namespace Samsa.Broker.Mini.Tests.Transactions;

/// <summary>Confluent.Kafka 1.9.3 (librdkafka) transactional producers and read_committed consumers against a socket-hosted Broker.Mini.</summary>
public sealed class ConfluentTransactionTests
{
    private const int Partitions = 3;

    [PeerFact("librdkafka")]
    public async Task CommitAndAbort_ReadCommittedSeesCommittedInOrder_ReadUncommittedSeesAll()
    {
        Peers.Require("librdkafka");
        await using var cluster = await MiniCluster.StartAsync(TxnKit.Options());
        await cluster.CreateTopicAsync("tx", Partitions, replicationFactor: 3);
        var committed = new List<string>();
        await Task.Run(() =>
        {
            using var producer = TxnKit.Producer(cluster, "tx-commit-abort");
            producer.InitTransactions(TxnKit.Guard);
            for (int t = 0; t < 6; t++)
            {
                producer.BeginTransaction();
                for (int i = 0; i < 9; i++)
                    producer.Produce(new TopicPartition("tx", i % Partitions), new Message<string, string> { Key = $"k{i}", Value = $"t{t}-m{i}" });
                if (t % 2 == 0)
                {
                    producer.CommitTransaction(TxnKit.Guard);
                    committed.AddRange(Enumerable.Range(0, 9).Select(i => $"t{t}-m{i}"));
                }
                else
                {
                    producer.Flush(TxnKit.Guard); // abort purges unsent messages: make sure the aborted ones reach the log
                    producer.AbortTransaction(TxnKit.Guard);
                }
            }
        });

        var readCommitted = TxnKit.ReadAll(cluster, "tx", Partitions, IsolationLevel.ReadCommitted);
        Assert.Equal(committed.Count, readCommitted.Count);
        for (int p = 0; p < Partitions; p++)
        {
            var expected = committed.Where(v => int.Parse(v[(v.IndexOf('m') + 1)..], System.Globalization.CultureInfo.InvariantCulture) % Partitions == p).ToList();
            Assert.Equal(expected, readCommitted.Where(r => r.Partition.Value == p).OrderBy(r => r.Offset.Value).Select(r => r.Message.Value).ToList());
        }
        var readUncommitted = TxnKit.ReadAll(cluster, "tx", Partitions, IsolationLevel.ReadUncommitted);
        Assert.Equal(54, readUncommitted.Count);
        Assert.Equal(TxnState.CompleteAbort, TxnKit.Describe(cluster, "tx-commit-abort")!.Value.State);
        for (int p = 0; p < Partitions; p++)
        {
            var (hw, lso) = TxnKit.Offsets(cluster, "tx", p);
            Assert.Equal(hw, lso);
            Assert.Equal(6 * 3 + 6, hw);
        }
    }

    [PeerFact("librdkafka")]
    public async Task SecondProducerWithSameId_FencesFirst_AndAbortsItsTransaction()
    {
        Peers.Require("librdkafka");
        await using var cluster = await MiniCluster.StartAsync(TxnKit.Options());
        await cluster.CreateTopicAsync("fence", 1, replicationFactor: 3);
        await Task.Run(() =>
        {
            using var first = TxnKit.Producer(cluster, "fenced-id");
            first.InitTransactions(TxnKit.Guard);
            first.BeginTransaction();
            first.Produce(new TopicPartition("fence", 0), new Message<string, string> { Key = "a", Value = "zombie" });
            first.Flush(TxnKit.Guard);
            var before = TxnKit.Describe(cluster, "fenced-id")!.Value;
            Assert.Equal(TxnState.Ongoing, before.State);

            using var second = TxnKit.Producer(cluster, "fenced-id");
            second.InitTransactions(TxnKit.Guard);
            var after = TxnKit.Describe(cluster, "fenced-id")!.Value;
            Assert.Equal(before.ProducerId, after.ProducerId);
            Assert.True(after.Epoch >= before.Epoch + 2, $"epoch {after.Epoch} after {before.Epoch}");

            var error = Assert.ThrowsAny<KafkaException>(() => first.CommitTransaction(TxnKit.Guard));
            Assert.True(error.Error.IsFatal || error.Error.Code is Confluent.Kafka.ErrorCode.ProducerFenced or Confluent.Kafka.ErrorCode.InvalidProducerEpoch,
                $"unexpected error {error.Error.Code}: {error.Error.Reason}");

            second.BeginTransaction();
            second.Produce(new TopicPartition("fence", 0), new Message<string, string> { Key = "b", Value = "survivor" });
            second.CommitTransaction(TxnKit.Guard);
        });
        var values = TxnKit.ReadAll(cluster, "fence", 1, IsolationLevel.ReadCommitted).Select(r => r.Message.Value).ToList();
        Assert.Equal(["survivor"], values);
    }

    [PeerFact("librdkafka")]
    public async Task SendOffsetsToTransaction_CommitAppliesOffsets_AbortDiscardsThem()
    {
        Peers.Require("librdkafka");
        await using var cluster = await MiniCluster.StartAsync(TxnKit.Options());
        await cluster.CreateTopicAsync("in", 1, replicationFactor: 3);
        await cluster.CreateTopicAsync("out", 1, replicationFactor: 3);
        await Task.Run(() =>
        {
            using (var plain = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers }).Build())
            {
                for (int i = 0; i < 10; i++) plain.Produce("in", new Message<string, string> { Key = "k", Value = $"in{i}" });
                plain.Flush(TxnKit.Guard);
            }
            using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
            {
                BootstrapServers = cluster.BootstrapServers,
                GroupId = "eos",
                EnableAutoCommit = false,
                AutoOffsetReset = AutoOffsetReset.Earliest,
                IsolationLevel = IsolationLevel.ReadCommitted,
            }).Build();
            consumer.Subscribe("in");
            var seen = new List<ConsumeResult<string, string>>();
            var deadline = DateTime.UtcNow + TxnKit.Guard;
            while (seen.Count < 10 && DateTime.UtcNow < deadline)
                if (consumer.Consume(TimeSpan.FromMilliseconds(500)) is { } r) seen.Add(r);
            Assert.Equal(10, seen.Count);

            using var producer = TxnKit.Producer(cluster, "eos-tx");
            producer.InitTransactions(TxnKit.Guard);
            producer.BeginTransaction();
            foreach (var r in seen.Take(5)) producer.Produce("out", new Message<string, string> { Key = r.Message.Key, Value = "out-" + r.Message.Value });
            producer.SendOffsetsToTransaction([new TopicPartitionOffset("in", 0, 5)], consumer.ConsumerGroupMetadata, TxnKit.Guard);
            producer.CommitTransaction(TxnKit.Guard);
            Assert.Equal(5, TxnKit.Committed(cluster, "eos", "in", 0)?.Offset);

            producer.BeginTransaction();
            foreach (var r in seen.Skip(5)) producer.Produce("out", new Message<string, string> { Key = r.Message.Key, Value = "out-" + r.Message.Value });
            producer.SendOffsetsToTransaction([new TopicPartitionOffset("in", 0, 10)], consumer.ConsumerGroupMetadata, TxnKit.Guard);
            Assert.Equal(5, TxnKit.Committed(cluster, "eos", "in", 0)?.Offset);
            producer.AbortTransaction(TxnKit.Guard);
            Assert.Equal(5, TxnKit.Committed(cluster, "eos", "in", 0)?.Offset);

            var fromBroker = consumer.Committed([new TopicPartition("in", 0)], TxnKit.Guard);
            Assert.Equal(5, fromBroker[0].Offset.Value);
            consumer.Close();
        });
        var outputs = TxnKit.ReadAll(cluster, "out", 1, IsolationLevel.ReadCommitted).Select(r => r.Message.Value).ToList();
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"out-in{i}"), outputs);
    }

    [PeerFact("librdkafka")]
    public async Task OpenTransaction_PastItsTimeout_IsAbortedAndFenced()
    {
        Peers.Require("librdkafka");
        await using var cluster = await MiniCluster.StartAsync(TxnKit.Options());
        await cluster.CreateTopicAsync("slow", 1, replicationFactor: 3);
        using var producer = TxnKit.Producer(cluster, "slow-tx", transactionTimeoutMs: 3000);
        await Task.Run(() =>
        {
            producer.InitTransactions(TxnKit.Guard);
            producer.BeginTransaction();
            producer.Produce(new TopicPartition("slow", 0), new Message<string, string> { Key = "k", Value = "never" });
            producer.Flush(TxnKit.Guard);
        });
        var started = TxnKit.Describe(cluster, "slow-tx")!.Value;
        Assert.Equal(TxnState.Ongoing, started.State);
        Assert.Equal(0, TxnKit.Offsets(cluster, "slow", 0).LastStableOffset);

        await TxnKit.WaitUntil(() => TxnKit.Describe(cluster, "slow-tx")!.Value.State == TxnState.CompleteAbort, "the coordinator to abort the expired transaction");
        var aborted = TxnKit.Describe(cluster, "slow-tx")!.Value;
        Assert.Equal(started.Epoch + 1, aborted.Epoch);
        var (hw, lso) = TxnKit.Offsets(cluster, "slow", 0);
        Assert.Equal(2, hw);
        Assert.Equal(hw, lso);
        await Task.Run(() => Assert.ThrowsAny<KafkaException>(() => producer.CommitTransaction(TxnKit.Guard)));
        Assert.Empty(TxnKit.ReadAll(cluster, "slow", 1, IsolationLevel.ReadCommitted));
        Assert.Single(TxnKit.ReadAll(cluster, "slow", 1, IsolationLevel.ReadUncommitted));
    }
}
