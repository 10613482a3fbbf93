using Samsa.Broker.Mini.Cluster;
using Samsa.Protocol.Messages;

namespace Samsa.Broker.Mini.Tests.Durability;

/// <summary>Real replication: per-replica logs, acks=all waiting for the ISR, the high watermark, ISR changes, elections.</summary>
public sealed class ReplicationTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    private static async Task<MiniCluster> StartAsync(int brokers, long lagMs = 30_000) =>
        await MiniCluster.StartAsync(new MiniClusterOptions
        {
            Brokers = brokers,
            BrokerConfigs = { ["replica.lag.time.max.ms"] = lagMs.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        });

    private static PartitionState Partition(MiniCluster cluster, string topic) => cluster.State.Topics[topic].Partitions[0];

    private static int Follower(MiniCluster cluster, string topic)
    {
        lock (cluster.State.Sync)
        {
            var p = Partition(cluster, topic);
            return p.Replicas.First(r => r != p.Leader);
        }
    }

    private static async Task WaitUntilAsync(MiniCluster cluster, Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Guard;
        while (true)
        {
            lock (cluster.State.Sync)
                if (condition()) return;
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting until {what}");
            await Task.Delay(10);
        }
    }

    private static async Task<MetadataResponse.MetadataResponsePartition> MetadataAsync(MiniCluster cluster, string topic, int brokerId = 0)
    {
        await using var client = TestClient.Connect(cluster, brokerId);
        var response = await client.SendAsync(new MetadataRequest { Topics = [new MetadataRequest.MetadataRequestTopic { Name = topic }] }, 12);
        return response.Topics.Single().Partitions.Single();
    }

    private static List<string> Values(Replica replica) =>
        replica.Log.BatchesFrom(replica.Log.LogStartOffset).SelectMany(b => TestClient.Records(b)).Select(r => r.Value).ToList();

    [Fact]
    public async Task AcksAll_FollowerPaused_CompletesOnlyAfterFollowerCatchesUp()
    {
        await using var cluster = await StartAsync(2);
        await cluster.CreateTopicAsync("aa", 1, 2);
        int leader = Partition(cluster, "aa").Leader, follower = Follower(cluster, "aa");
        cluster.PauseReplication(follower, true);
        await using var producer = TestClient.Connect(cluster, leader);
        var produce = producer.SendAsync(TestClient.Produce("aa", 0, TestClient.Batch(("k", "v0"))), 9);

        await WaitUntilAsync(cluster, () => Partition(cluster, "aa").Log.LogEndOffset == 1, "the leader appended");
        await using (var consumer = TestClient.Connect(cluster, leader))
        {
            var fetch = await consumer.SendAsync(TestClient.Fetch("aa", 0, 0), 12);
            var data = fetch.Responses[0].Partitions[0];
            Assert.Equal(0, data.HighWatermark);
            Assert.Empty(TestClient.Records(data.Records));
        }
        Assert.False(produce.IsCompleted, "acks=all answered before the follower had the batch");

        cluster.PauseReplication(follower, false);
        var response = await produce.WaitAsync(Guard);
        Assert.Equal(0, response.Responses[0].PartitionResponses[0].ErrorCode);
        await using (var consumer = TestClient.Connect(cluster, leader))
        {
            var data = (await consumer.SendAsync(TestClient.Fetch("aa", 0, 0), 12)).Responses[0].Partitions[0];
            Assert.Equal(1, data.HighWatermark);
            Assert.Equal(["v0"], TestClient.Records(data.Records).Select(r => r.Value));
        }
        lock (cluster.State.Sync) Assert.Equal(["v0"], Values(Partition(cluster, "aa").ReplicaStates[follower]));
    }

    [Fact]
    public async Task AcksAll_FollowerLagsPastLagTime_LeavesIsrThenRejoinsWhenCaughtUp()
    {
        await using var cluster = await StartAsync(3, lagMs: 300);
        await cluster.CreateTopicAsync("shrink", 1, 3, new Dictionary<string, string> { ["min.insync.replicas"] = "2" });
        int leader = Partition(cluster, "shrink").Leader, follower = Follower(cluster, "shrink");
        cluster.PauseReplication(follower, true);
        await using var producer = TestClient.Connect(cluster, leader);

        var response = await producer.SendAsync(TestClient.Produce("shrink", 0, TestClient.Batch(("k", "v0"))), 9).WaitAsync(Guard);

        Assert.Equal(0, response.Responses[0].PartitionResponses[0].ErrorCode);
        var shrunk = await MetadataAsync(cluster, "shrink", leader);
        Assert.DoesNotContain(follower, shrunk.IsrNodes);
        Assert.Equal(2, shrunk.IsrNodes.Count);
        lock (cluster.State.Sync) Assert.Equal(0, Partition(cluster, "shrink").ReplicaStates[follower].LogEndOffset);

        cluster.PauseReplication(follower, false);
        await WaitUntilAsync(cluster, () => Partition(cluster, "shrink").Isr.Contains(follower), "the follower rejoined the ISR");
        var expanded = await MetadataAsync(cluster, "shrink", leader);
        Assert.Contains(follower, expanded.IsrNodes);
        lock (cluster.State.Sync) Assert.Equal(["v0"], Values(Partition(cluster, "shrink").ReplicaStates[follower]));
    }

    [Fact]
    public async Task AcksAll_IsrShrinksBelowMinIsrWhileWaiting_NotEnoughReplicasAfterAppendThenNotEnoughReplicas()
    {
        await using var cluster = await StartAsync(2, lagMs: 300);
        await cluster.CreateTopicAsync("minisr", 1, 2, new Dictionary<string, string> { ["min.insync.replicas"] = "2" });
        int leader = Partition(cluster, "minisr").Leader, follower = Follower(cluster, "minisr");
        cluster.PauseReplication(follower, true);
        await using var producer = TestClient.Connect(cluster, leader);

        var first = await producer.SendAsync(TestClient.Produce("minisr", 0, TestClient.Batch(("k", "v0"))), 9).WaitAsync(Guard);
        var second = await producer.SendAsync(TestClient.Produce("minisr", 0, TestClient.Batch(("k", "v1"))), 9).WaitAsync(Guard);
        var acksOne = await producer.SendAsync(TestClient.Produce("minisr", 0, TestClient.Batch(("k", "v2")), acks: 1), 9).WaitAsync(Guard);

        Assert.Equal((short)ErrorCode.NotEnoughReplicasAfterAppend, first.Responses[0].PartitionResponses[0].ErrorCode);
        Assert.Equal((short)ErrorCode.NotEnoughReplicas, second.Responses[0].PartitionResponses[0].ErrorCode);
        Assert.Equal(0, acksOne.Responses[0].PartitionResponses[0].ErrorCode);
        Assert.Equal(1, acksOne.Responses[0].PartitionResponses[0].BaseOffset);
    }

    [Fact]
    public async Task AcksAll_FollowerPausedWithinLagTime_RequestTimedOut()
    {
        await using var cluster = await StartAsync(2);
        await cluster.CreateTopicAsync("slow", 1, 2);
        int leader = Partition(cluster, "slow").Leader, follower = Follower(cluster, "slow");
        cluster.PauseReplication(follower, true);
        await using var producer = TestClient.Connect(cluster, leader);
        var request = TestClient.Produce("slow", 0, TestClient.Batch(("k", "v0")));
        request.TimeoutMs = 200;

        var response = await producer.SendAsync(request, 9).WaitAsync(Guard);

        Assert.Equal((short)ErrorCode.RequestTimedOut, response.Responses[0].PartitionResponses[0].ErrorCode);
        lock (cluster.State.Sync) Assert.Equal(0, Partition(cluster, "slow").HighWatermark);
    }

    /// <summary>An out-of-sync follower and a leader that stops: offline unless unclean election is on.</summary>
    private static async Task<(MiniCluster Cluster, int OldLeader, int Follower)> DivergedAsync(string topic, bool unclean)
    {
        var cluster = await StartAsync(2, lagMs: 200);
        await cluster.CreateTopicAsync(topic, 1, 2, new Dictionary<string, string> { ["unclean.leader.election.enable"] = unclean ? "true" : "false" });
        int leader = Partition(cluster, topic).Leader, follower = Follower(cluster, topic);
        await using (var producer = TestClient.Connect(cluster, leader))
        {
            await producer.SendAsync(TestClient.Produce(topic, 0, TestClient.Batch(("k", "a0"))), 9).WaitAsync(Guard);
            cluster.PauseReplication(follower, true);
            await producer.SendAsync(TestClient.Produce(topic, 0, TestClient.Batch(("k", "a1"), ("k", "a2")), acks: 1), 9).WaitAsync(Guard);
        }
        await WaitUntilAsync(cluster, () => !Partition(cluster, topic).Isr.Contains(follower), "the paused follower left the ISR");
        cluster.PauseReplication(follower, false);
        await cluster.StopBrokerAsync(leader);
        return (cluster, leader, follower);
    }

    [Fact]
    public async Task StopLeader_OnlyOutOfSyncReplicaLeftAndUncleanDisabled_PartitionOfflineUntilLeaderReturns()
    {
        var (cluster, oldLeader, _) = await DivergedAsync("clean", unclean: false);
        await using var _ = cluster;

        var offline = await MetadataAsync(cluster, "clean", 1 - oldLeader);
        Assert.Equal(-1, offline.LeaderId);
        Assert.Equal((short)ErrorCode.LeaderNotAvailable, offline.ErrorCode);

        await cluster.StartBrokerAsync(oldLeader);
        lock (cluster.State.Sync)
        {
            var p = Partition(cluster, "clean");
            Assert.Equal(oldLeader, p.Leader);
            Assert.Equal(["a0", "a1", "a2"], Values(p.LeaderReplica));
        }
    }

    [Fact]
    public async Task StopLeader_UncleanEnabled_OutOfSyncReplicaLeadsAndReturningLeaderTruncatesDivergentTail()
    {
        var (cluster, oldLeader, follower) = await DivergedAsync("unclean", unclean: true);
        await using var _ = cluster;
        int epoch;
        lock (cluster.State.Sync)
        {
            var p = Partition(cluster, "unclean");
            Assert.Equal(follower, p.Leader);
            Assert.Equal([follower], p.Isr);
            Assert.Equal(1, p.HighWatermark);
            epoch = p.LeaderEpoch;
        }
        await using (var producer = TestClient.Connect(cluster, follower))
        {
            var r = await producer.SendAsync(TestClient.Produce("unclean", 0, TestClient.Batch(("k", "b1"))), 9).WaitAsync(Guard);
            Assert.Equal(0, r.Responses[0].PartitionResponses[0].ErrorCode);
            Assert.Equal(1, r.Responses[0].PartitionResponses[0].BaseOffset);
        }

        await cluster.StartBrokerAsync(oldLeader);

        await WaitUntilAsync(cluster, () => Partition(cluster, "unclean").Isr.Contains(oldLeader), "the old leader rejoined the ISR");
        lock (cluster.State.Sync)
        {
            var p = Partition(cluster, "unclean");
            Assert.Equal(follower, p.Leader);
            Assert.Equal(epoch, p.LeaderEpoch);
            Assert.Equal(["a0", "b1"], Values(p.ReplicaStates[oldLeader]));
            Assert.Equal(["a0", "b1"], Values(p.ReplicaStates[follower]));
            Assert.Equal(2, p.HighWatermark);
        }
    }

    [Fact]
    public async Task Restart_DataDirectoryWithLaggingFollower_SavedLeaderKeepsItsLogAndFollowerCatchesUp()
    {
        string dir = Path.Combine(Path.GetTempPath(), "samsa-repl-" + Guid.NewGuid().ToString("N"));
        try
        {
            int leader, follower;
            await using (var cluster = await MiniCluster.StartAsync(new MiniClusterOptions { Brokers = 2, DataDirectory = dir }))
            {
                await cluster.CreateTopicAsync("r", 1, 2);
                leader = Partition(cluster, "r").Leader;
                follower = Follower(cluster, "r");
                await using var producer = TestClient.Connect(cluster, leader);
                await producer.SendAsync(TestClient.Produce("r", 0, TestClient.Batch(("k", "v0"))), 9).WaitAsync(Guard);
                cluster.PauseReplication(follower, true);
                await producer.SendAsync(TestClient.Produce("r", 0, TestClient.Batch(("k", "v1")), acks: 1), 9).WaitAsync(Guard);
                lock (cluster.State.Sync) Assert.Equal(1, Partition(cluster, "r").ReplicaStates[follower].LogEndOffset);
            }
            Assert.True(Directory.Exists(Path.Combine(dir, $"broker-{follower}", "r-0")));

            await using (var cluster = await MiniCluster.StartAsync(new MiniClusterOptions { Brokers = 2, DataDirectory = dir }))
            {
                await WaitUntilAsync(cluster, () => Partition(cluster, "r").HighWatermark == 2, "the follower caught up after the restart");
                lock (cluster.State.Sync)
                {
                    var p = Partition(cluster, "r");
                    Assert.Equal(leader, p.Leader);
                    Assert.Equal(["v0", "v1"], Values(p.ReplicaStates[leader]));
                    Assert.Equal(["v0", "v1"], Values(p.ReplicaStates[follower]));
                }
            }
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }
}
