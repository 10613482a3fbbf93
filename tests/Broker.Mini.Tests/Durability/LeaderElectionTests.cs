using Samsa.Broker.Mini.Cluster;

namespace Samsa.Broker.Mini.Tests.Durability;

/// <summary>ElectLeaders (preferred and unclean) per partition, and the background leader balancer. (Samsa's admin client: Client.Admin.Tests.)</summary>
public sealed class LeaderElectionTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task ElectLeadersAsync_Preferred_PerPartitionResults()
    {
        await using var cluster = await MiniCluster.StartAsync(new MiniClusterOptions { Brokers = 3 });
        await cluster.CreateTopicAsync("e", partitions: 3, replicationFactor: 3);
        var p0 = Partition(cluster, "e", 0);
        int preferred = p0.Replicas[0];
        await using var client = TestClient.Connect(cluster, p0.Replicas[2]);

        await cluster.StopBrokerAsync(preferred);
        int epochAfterFailover;
        lock (cluster.State.Sync)
        {
            Assert.NotEqual(preferred, p0.Leader);
            epochAfterFailover = p0.LeaderEpoch;
        }
        Assert.Equal([("e", 0, ErrorCode.PreferredLeaderNotAvailable)], await ElectAsync(client, 0, ("e", 0)));

        await cluster.StartBrokerAsync(preferred);
        await WaitUntilAsync(cluster, () => p0.Isr.Contains(preferred), "the preferred replica rejoined the ISR");
        Assert.Equal([("e", 0, ErrorCode.None), ("e", 1, ErrorCode.ElectionNotNeeded), ("nope", 0, ErrorCode.UnknownTopicOrPartition)],
            await ElectAsync(client, 0, ("e", 0), ("e", 1), ("nope", 0)));
        lock (cluster.State.Sync)
        {
            Assert.Equal(preferred, p0.Leader);
            Assert.Equal(epochAfterFailover + 1, p0.LeaderEpoch);
        }

        // Every partition already led by its preferred replica: nothing is reported (v0 is always preferred).
        Assert.Empty(await ElectAsync(client, 0));
        Assert.Empty(await ElectAsync(client, type: 0, version: 0));
    }

    [Fact]
    public async Task ElectLeadersAsync_Unclean_RevivesAnOfflinePartitionFromAnOutOfSyncReplica()
    {
        await using var cluster = await MiniCluster.StartAsync(new MiniClusterOptions { Brokers = 3 });
        await cluster.CreateTopicAsync("u", 1, 2);
        var p = Partition(cluster, "u", 0);
        int leader, follower;
        lock (cluster.State.Sync) (leader, follower) = (p.Leader, p.Replicas.First(r => r != p.Leader));
        int other = Enumerable.Range(0, 3).First(b => b != leader && b != follower);
        await using var client = TestClient.Connect(cluster, other);

        Assert.Equal([("u", 0, ErrorCode.ElectionNotNeeded)], await ElectAsync(client, 1, ("u", 0)));
        await cluster.StopBrokerAsync(follower);            // the ISR is now just the leader ...
        await cluster.StopBrokerAsync(leader);              // ... which goes down: the partition is offline
        lock (cluster.State.Sync) Assert.Equal(-1, p.Leader);
        Assert.Equal([("u", 0, ErrorCode.EligibleLeadersNotAvailable)], await ElectAsync(client, 1, ("u", 0)));

        await cluster.StartBrokerAsync(follower);            // out of sync, and unclean.leader.election.enable is false
        lock (cluster.State.Sync) Assert.Equal(-1, p.Leader);
        Assert.Equal([("u", 0, ErrorCode.None)], await ElectAsync(client, 1, ("u", 0)));
        lock (cluster.State.Sync)
        {
            Assert.Equal(follower, p.Leader);
            Assert.Equal([follower], p.Isr);
        }
    }

    [Fact]
    public async Task AutoLeaderRebalance_ReturnsLeadershipToThePreferredReplica()
    {
        await using var cluster = await MiniCluster.StartAsync(new MiniClusterOptions
        {
            Brokers = 3, BrokerConfigs = { ["leader.imbalance.check.interval.seconds"] = "1" },
        });
        await cluster.CreateTopicAsync("b", 3, 3);
        var partitions = Enumerable.Range(0, 3).Select(i => Partition(cluster, "b", i)).ToList();
        int preferred = partitions[0].Replicas[0];
        await cluster.StopBrokerAsync(preferred);
        lock (cluster.State.Sync) Assert.NotEqual(preferred, partitions[0].Leader);
        await cluster.StartBrokerAsync(preferred);
        await WaitUntilAsync(cluster, () => partitions.All(p => p.Leader == p.Replicas[0]), "every partition is led by its preferred replica");
    }

    private static PartitionState Partition(MiniCluster cluster, string topic, int index)
    {
        lock (cluster.State.Sync) return cluster.State.Topics[topic].Partitions[index];
    }

    /// <summary>Sends ElectLeaders (null partitions when none are given) and flattens the per-partition results.</summary>
    private static async Task<List<(string, int, ErrorCode)>> ElectAsync(TestClient client, sbyte type, params (string Topic, int Partition)[] partitions) =>
        await ElectAsync(client, type, 2, partitions);

    private static async Task<List<(string, int, ErrorCode)>> ElectAsync(TestClient client, sbyte type, short version, params (string Topic, int Partition)[] partitions)
    {
        var request = new ElectLeadersRequest
        {
            ElectionType = type,
            TopicPartitions = partitions.Length == 0 ? null : partitions.GroupBy(p => p.Topic)
                .Select(g => new ElectLeadersRequest.TopicPartitionsData { Topic = g.Key, Partitions = g.Select(p => p.Partition).ToList() }).ToList(),
        };
        var response = await client.SendAsync(request, version).WaitAsync(Guard);
        Assert.Equal(0, response.ErrorCode);
        return response.ReplicaElectionResults.SelectMany(t => t.PartitionResult.Select(p => (t.Topic, p.PartitionId, (ErrorCode)p.ErrorCode))).ToList();
    }

    private static async Task WaitUntilAsync(MiniCluster cluster, Func<bool> condition, string what)
    {
        using var guard = new CancellationTokenSource(Guard);
        while (true)
        {
            lock (cluster.State.Sync)
                if (condition()) return;
            if (guard.IsCancellationRequested) Assert.Fail($"Timed out waiting until {what}");
            await Task.Delay(10);
        }
    }
}
