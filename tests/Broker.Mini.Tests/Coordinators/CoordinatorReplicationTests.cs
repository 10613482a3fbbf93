using Samsa.Broker.Mini.Cluster;
using Samsa.Protocol.Messages;

namespace Samsa.Broker.Mini.Tests.Coordinators;

/// <summary>
/// Coordinator writes are answered only once the high watermark covers them (Kafka's acks=all coordinator appends):
/// three brokers, internal topics with replication factor 3, and a follower that stops copying or is stopped.
/// </summary>
public sealed class CoordinatorReplicationTests
{
    [Fact]
    public async Task OffsetCommit_FollowerPausedThenStopped_AnsweredAfterReplication_CoordinatorNotAvailableOnTimeout()
    {
        await using var cluster = await StartAsync();
        await cluster.CreateTopicAsync("t");
        var (coordinator, follower) = await CoordinatorAndFollowerAsync(cluster, keyType: 0, "g", "__consumer_offsets");
        await using var c = TestClient.Connect(cluster, coordinator);
        var offsets = Partition(cluster, "__consumer_offsets");

        // A paused follower in the ISR holds the high watermark: the commit is appended but not answered.
        cluster.PauseReplication(follower, true);
        long end = LogEnd(cluster, offsets);
        var commit = Raw.Commit(c, "g", "t", 0, 7);
        await WaitUntilAsync(() => LogEnd(cluster, offsets) > end, "the coordinator appended the commit");
        Assert.False(commit.IsCompleted, "OffsetCommit answered before the ISR had the record");
        cluster.PauseReplication(follower, false);
        Assert.Equal(ErrorCode.None, await commit.WaitAsync(GroupKit.Guard));
        Assert.Equal(7, (await Raw.Fetch(c, "g", "t", 0)).CommittedOffset);

        // If the ISR cannot catch up within offsets.commit.timeout.ms, the commit fails as Kafka's does.
        SetBrokerConfig(cluster, "offsets.commit.timeout.ms", "200");
        cluster.PauseReplication(follower, true);
        Assert.Equal(ErrorCode.CoordinatorNotAvailable, await Raw.Commit(c, "g", "t", 0, 8).WaitAsync(GroupKit.Guard));
        cluster.PauseReplication(follower, false);

        // A stopped follower leaves the ISR, so commits complete with the two replicas left.
        SetBrokerConfig(cluster, "offsets.commit.timeout.ms", "60000");
        await cluster.StopBrokerAsync(follower);
        Assert.Equal(ErrorCode.None, await Raw.Commit(c, "g", "t", 0, 9).WaitAsync(GroupKit.Guard));
        lock (cluster.State.Sync) Assert.Equal(2, offsets.Isr.Count);
        Assert.Equal(9, (await Raw.Fetch(c, "g", "t", 0)).CommittedOffset);
    }

    [Fact]
    public async Task SyncGroup_FollowerPaused_AssignmentAnsweredOnlyOnceReplicated()
    {
        await using var cluster = await StartAsync();
        await cluster.CreateTopicAsync("t");
        var (coordinator, follower) = await CoordinatorAndFollowerAsync(cluster, keyType: 0, "sg", "__consumer_offsets");
        await using var c = TestClient.Connect(cluster, coordinator);
        var join = await Raw.JoinFully(c, "sg");
        Assert.Equal(0, join.ErrorCode);

        cluster.PauseReplication(follower, true);
        var offsets = Partition(cluster, "__consumer_offsets");
        long end = LogEnd(cluster, offsets);
        var sync = Raw.Sync(c, "sg", join.GenerationId, join.MemberId, (join.MemberId, [1, 2, 3]));
        await WaitUntilAsync(() => LogEnd(cluster, offsets) > end, "the coordinator appended the group metadata");
        Assert.False(sync.IsCompleted, "SyncGroup answered before the ISR had the assignment");
        Assert.Equal("CompletingRebalance", GroupKit.Probe(cluster, "sg").State);
        cluster.PauseReplication(follower, false);
        var response = await sync.WaitAsync(GroupKit.Guard);
        Assert.Equal(0, response.ErrorCode);
        Assert.Equal([1, 2, 3], response.Assignment);
        Assert.Equal("Stable", GroupKit.Probe(cluster, "sg").State);
    }

    [Fact]
    public async Task InitProducerId_StateFollowerPaused_CoordinatorNotAvailableAfterRequestTimeout_ThenSucceeds()
    {
        await using var cluster = await StartAsync();
        var (coordinator, follower) = await CoordinatorAndFollowerAsync(cluster, keyType: 1, "tx", "__transaction_state");
        await using var c = TestClient.Connect(cluster, coordinator);
        SetBrokerConfig(cluster, "request.timeout.ms", "200");
        cluster.PauseReplication(follower, true);
        var init = await c.SendAsync(new InitProducerIdRequest { TransactionalId = "tx", TransactionTimeoutMs = 60_000 }, 4).WaitAsync(GroupKit.Guard);
        Assert.Equal(((short)ErrorCode.CoordinatorNotAvailable, -1L), (init.ErrorCode, init.ProducerId));

        cluster.PauseReplication(follower, false);
        SetBrokerConfig(cluster, "request.timeout.ms", "60000");
        init = await c.SendAsync(new InitProducerIdRequest { TransactionalId = "tx", TransactionTimeoutMs = 60_000 }, 4).WaitAsync(GroupKit.Guard);
        Assert.Equal(0, init.ErrorCode);
        Assert.True(init.ProducerId >= 0);
    }

    private static Task<MiniCluster> StartAsync()
    {
        var options = GroupKit.Options(brokers: 3);
        options.BrokerConfigs["offsets.topic.num.partitions"] = "1";
        options.BrokerConfigs["offsets.topic.replication.factor"] = "3";
        options.BrokerConfigs["transaction.state.log.num.partitions"] = "1";
        options.BrokerConfigs["transaction.state.log.replication.factor"] = "3";
        options.BrokerConfigs["offsets.commit.timeout.ms"] = "60000";
        return MiniCluster.StartAsync(options);
    }

    /// <summary>Finds the coordinator (creating the internal topic) and picks a follower of its one partition.</summary>
    private static async Task<(int Coordinator, int Follower)> CoordinatorAndFollowerAsync(MiniCluster cluster, sbyte keyType, string key, string topic)
    {
        await using var probe = TestClient.Connect(cluster);
        FindCoordinatorResponse find;
        do find = await probe.SendAsync(new FindCoordinatorRequest { Key = key, KeyType = keyType }, 3);
        while (find.ErrorCode != 0);
        lock (cluster.State.Sync)
        {
            var p = Partition(cluster, topic);
            Assert.Equal(3, p.Isr.Count);
            Assert.Equal(p.Leader, find.NodeId);
            return (find.NodeId, p.Replicas.First(r => r != p.Leader));
        }
    }

    private static PartitionState Partition(MiniCluster cluster, string topic)
    {
        lock (cluster.State.Sync) return cluster.State.Topics[topic].Partitions[0];
    }

    private static long LogEnd(MiniCluster cluster, PartitionState p)
    {
        lock (cluster.State.Sync) return p.Log.LogEndOffset;
    }

    private static void SetBrokerConfig(MiniCluster cluster, string name, string value)
    {
        lock (cluster.State.Sync) cluster.State.DynamicDefaultBrokerConfigs[name] = value;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        using var guard = new CancellationTokenSource(GroupKit.Guard);
        while (!condition())
        {
            if (guard.IsCancellationRequested) Assert.Fail($"Timed out waiting until {what}");
            await Task.Delay(5);
        }
    }
}
