using Confluent.Kafka;
using Samsa.Broker.Mini.Coordinators;

namespace Samsa.Broker.Mini.Tests.Transactions;

/// <summary>Shared setup for transaction tests: small internal topics, Confluent producers and consumers, broker probes.</summary>
internal static class TxnKit
{
    public static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);

    public static MiniClusterOptions Options(int brokers = 3, string? dataDirectory = null) => new()
    {
        Brokers = brokers,
        DataDirectory = dataDirectory,
        BrokerConfigs =
        {
            ["offsets.topic.num.partitions"] = "5",
            ["transaction.state.log.num.partitions"] = "5",
            ["group.initial.rebalance.delay.ms"] = "0",
        },
    };

    public static IProducer<string, string> Producer(MiniCluster cluster, string transactionalId, int transactionTimeoutMs = 60000) =>
        new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = cluster.BootstrapServers,
            TransactionalId = transactionalId,
            TransactionTimeoutMs = transactionTimeoutMs,
            LingerMs = 5,
        }).Build();

    /// <summary>Reads every partition of <paramref name="topic"/> from the beginning to its end (the LSO under read_committed).</summary>
    public static List<ConsumeResult<string, string>> ReadAll(MiniCluster cluster, string topic, int partitions, IsolationLevel isolation)
    {
        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = cluster.BootstrapServers,
            GroupId = "reader-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
            EnablePartitionEof = true,
            IsolationLevel = isolation,
        }).Build();
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var results = new List<ConsumeResult<string, string>>();
        var atEnd = new HashSet<int>();
        var deadline = DateTime.UtcNow + Guard;
        while (atEnd.Count < partitions)
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"Timed out reading {topic} ({isolation}); {results.Count} record(s) so far.");
            var r = consumer.Consume(TimeSpan.FromMilliseconds(500));
            if (r is null) continue;
            if (r.IsPartitionEOF) atEnd.Add(r.Partition.Value);
            else results.Add(r);
        }
        consumer.Close();
        return results;
    }

    /// <summary>The coordinator's view of a transactional id, under the cluster lock.</summary>
    public static (TxnState State, long ProducerId, short Epoch)? Describe(MiniCluster cluster, string transactionalId)
    {
        lock (cluster.State.Sync)
        {
            var txn = cluster.State.TransactionCoordinator.Find(transactionalId);
            return txn is null ? null : (txn.State, txn.ProducerId, txn.ProducerEpoch);
        }
    }

    public static (long HighWatermark, long LastStableOffset) Offsets(MiniCluster cluster, string topic, int partition)
    {
        lock (cluster.State.Sync)
        {
            var p = cluster.State.FindPartition(topic, partition)!;
            return (p.HighWatermark, p.LastStableOffset);
        }
    }

    public static CommittedOffset? Committed(MiniCluster cluster, string group, string topic, int partition)
    {
        lock (cluster.State.Sync)
        {
            return cluster.State.GroupCoordinator.Find(group)?.Offsets.GetValueOrDefault((topic, partition));
        }
    }

    /// <summary>Polls broker state (no timing assertion) until <paramref name="condition"/> holds, or fails after the guard.</summary>
    public static async Task WaitUntil(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Guard;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"Timed out waiting for {what}.");
            await Task.Delay(100);
        }
    }
}
