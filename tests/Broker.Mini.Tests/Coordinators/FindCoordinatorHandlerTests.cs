namespace Samsa.Broker.Mini.Tests.Coordinators;

public sealed class FindCoordinatorHandlerTests
{
    [Fact]
    public async Task Find_GroupKeys_LeaderOfHashedOffsetsPartitionSpreadAcrossBrokers()
    {
        await using var cluster = await MiniCluster.StartAsync(GroupKit.Options(brokers: 3));
        await using var c = TestClient.Connect(cluster);
        var keys = Enumerable.Range(0, 30).Select(i => $"group-{i}").ToList();
        var response = await c.SendAsync(new FindCoordinatorRequest { CoordinatorKeys = keys }, 4);
        Assert.All(response.Coordinators, k => Assert.Equal(0, k.ErrorCode));
        Assert.Equal(3, response.Coordinators.Select(k => k.NodeId).Distinct().Count());
        lock (cluster.State.Sync)
        {
            var topic = cluster.State.Topics["__consumer_offsets"];
            Assert.Equal(5, topic.Partitions.Count);
            foreach (var k in response.Coordinators)
                Assert.Equal(topic.Partitions[Broker.Mini.Coordinators.GroupCoordinator.PartitionFor(k.Key, 5)].Leader, k.NodeId);
        }
        var v0 = await c.SendAsync(new FindCoordinatorRequest { Key = "group-1" }, 0);
        Assert.Equal((0, response.Coordinators[1].NodeId), (v0.ErrorCode, v0.NodeId));
    }

    [Fact]
    public void PartitionFor_MatchesJavaStringHash()
    {
        // "polygenelubricants".hashCode() is Integer.MIN_VALUE, which Kafka's Utils.abs maps to 0; "a" hashes to 97.
        Assert.Equal(97 % 50, Broker.Mini.Coordinators.GroupCoordinator.PartitionFor("a", 50));
        Assert.Equal(0, Broker.Mini.Coordinators.GroupCoordinator.PartitionFor("polygenelubricants", 50));
    }

    [Fact]
    public async Task Find_TransactionKey_ReturnsCoordinatorNotAvailable()
    {
        await using var cluster = await MiniCluster.StartAsync(GroupKit.Options());
        await using var c = TestClient.Connect(cluster);
        var response = await c.SendAsync(new FindCoordinatorRequest { KeyType = 1, CoordinatorKeys = { "txn" } }, 4);
        Assert.Equal((short)ErrorCode.CoordinatorNotAvailable, Assert.Single(response.Coordinators).ErrorCode);
    }

    [Fact]
    public async Task Find_CoordinatorBrokerStops_FailsOverToAnotherBroker()
    {
        await using var cluster = await MiniCluster.StartAsync(GroupKit.Options(brokers: 3));
        await using var c = TestClient.Connect(cluster);
        var before = await c.SendAsync(new FindCoordinatorRequest { Key = "g" }, 3);
        int survivor = (before.NodeId + 1) % 3;
        await using var s = TestClient.Connect(cluster, survivor);
        await cluster.StopBrokerAsync(before.NodeId);
        var after = await s.SendAsync(new FindCoordinatorRequest { Key = "g" }, 3);
        Assert.Equal(0, after.ErrorCode);
        Assert.NotEqual(before.NodeId, after.NodeId);
    }
}
