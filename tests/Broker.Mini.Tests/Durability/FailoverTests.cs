using Confluent.Kafka;
using Samsa.Testing;

namespace Samsa.Broker.Mini.Tests.Durability;

/// <summary>The partition leader stopped and restarted under a continuous idempotent acks=all stream.</summary>
public sealed class FailoverTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);

    [PeerFact("librdkafka")]
    public async Task StopAndRestartLeader_IdempotentAcksAll_EveryAcknowledgedRecordReadOnceInOrder()
    {
        Peers.Require("librdkafka");
        const string topic = "failover";
        const int partitions = 2;
        await using var cluster = await MiniCluster.StartAsync(new MiniClusterOptions { Brokers = 3 });
        await cluster.CreateTopicAsync(topic, partitions, replicationFactor: 3, new Dictionary<string, string> { ["min.insync.replicas"] = "2" });

        using var stream = AckedStream.Start(cluster.BootstrapServers, topic, partitions, recordsPerTick: 20);
        var acked = stream.Acked;
        await AckedStream.WaitUntil(() => acked.Count >= 1000, "1000 acknowledgements before the stop", Guard);
        var before = await DescribeAsync(cluster, broker: 0, topic);
        int oldLeader = before[0].LeaderId;
        Assert.Equal(3, before[0].IsrNodes.Count);

        await cluster.StopBrokerAsync(oldLeader);
        int survivor = Enumerable.Range(0, 3).First(b => b != oldLeader);
        var during = await DescribeAsync(cluster, survivor, topic);
        Assert.NotEqual(oldLeader, during[0].LeaderId);
        Assert.True(during[0].LeaderId >= 0);
        Assert.True(during[0].LeaderEpoch > before[0].LeaderEpoch);
        Assert.DoesNotContain(oldLeader, during[0].IsrNodes);
        Assert.Contains(oldLeader, during[0].OfflineReplicas);
        int mark = acked.Count;
        await AckedStream.WaitUntil(() => acked.Count >= mark + 1000, "1000 acknowledgements with the leader down", Guard);

        await cluster.StartBrokerAsync(oldLeader);
        // The restarted replica truncates to the new leader's log, catches up, and only then rejoins the ISR.
        var after = await DescribeAsync(cluster, oldLeader, topic);
        var rejoinDeadline = DateTime.UtcNow + Guard;
        while (!after[0].IsrNodes.Contains(oldLeader) && DateTime.UtcNow < rejoinDeadline)
        {
            await Task.Delay(20);
            after = await DescribeAsync(cluster, oldLeader, topic);
        }
        Assert.Equal(during[0].LeaderId, after[0].LeaderId);
        Assert.Equal(during[0].LeaderEpoch, after[0].LeaderEpoch);
        Assert.Contains(oldLeader, after[0].IsrNodes);
        Assert.Empty(after[0].OfflineReplicas);
        await using (var client = TestClient.Connect(cluster, oldLeader))
        {
            var refused = await client.SendAsync(TestClient.Produce(topic, 0, TestClient.Batch(("stale", "stale"))), 9);
            Assert.Equal((short)Samsa.Protocol.ErrorCode.NotLeaderOrFollower, refused.Responses[0].PartitionResponses[0].ErrorCode);
        }
        mark = acked.Count;
        await AckedStream.WaitUntil(() => acked.Count >= mark + 1000, "1000 acknowledgements after the restart", Guard);

        await stream.StopAsync(Guard);
        Assert.True(stream.Errors.IsEmpty, string.Join("\n", stream.Errors.Take(20)));
        Assert.Equal(stream.Produced, acked.Count);

        var read = ReadAll(cluster.BootstrapServers, topic, partitions);
        for (int p = 0; p < partitions; p++)
        {
            var expected = acked.Where(a => a.Value.Partition == p).OrderBy(a => a.Key).ToList();
            Assert.Equal(expected.Select(a => a.Key), read[p].Select(r => r.Value));
            Assert.Equal(expected.Select(a => a.Value.Offset), read[p].Select(r => r.Offset));
        }
    }

    private static async Task<List<MetadataResponse.MetadataResponsePartition>> DescribeAsync(MiniCluster cluster, int broker, string topic)
    {
        await using var client = TestClient.Connect(cluster, broker);
        var response = await client.SendAsync(new MetadataRequest { Topics = [new() { Name = topic }] }, 12);
        return response.Topics[0].Partitions.OrderBy(p => p.PartitionIndex).ToList();
    }

    /// <summary>Every record of each partition, in offset order, as (offset, value as int).</summary>
    private static List<(long Offset, int Value)>[] ReadAll(string bootstrap, string topic, int partitions)
    {
        var result = Enumerable.Range(0, partitions).Select(_ => new List<(long, int)>()).ToArray();
        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig { BootstrapServers = bootstrap, GroupId = "failover-check", EnableAutoCommit = false }).Build();
        var ends = Enumerable.Range(0, partitions).Select(p => consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), Guard).High.Value).ToArray();
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var deadline = DateTime.UtcNow + Guard;
        while (Enumerable.Range(0, partitions).Any(p => result[p].Count < ends[p]) && DateTime.UtcNow < deadline)
        {
            var message = consumer.Consume(TimeSpan.FromMilliseconds(500));
            if (message is null || message.IsPartitionEOF) continue;
            result[message.Partition.Value].Add((message.Offset.Value, int.Parse(message.Message.Value, System.Globalization.CultureInfo.InvariantCulture)));
        }
        return result;
    }
}
