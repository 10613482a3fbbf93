namespace Samsa.Broker.Mini.Tests;

public sealed class OffsetForLeaderEpochHandlerTests
{
    [Fact]
    public async Task Handle_AfterLeaderChange_ReturnsEndOffsetOfOldEpoch()
    {
        await using var cluster = await MiniCluster.StartAsync(new MiniClusterOptions { Brokers = 2 });
        await cluster.CreateTopicAsync("t", 1, 2);
        int leader = cluster.State.Topics["t"].Partitions[0].Leader;
        await using (var first = TestClient.Connect(cluster, leader))
            await first.SendAsync(TestClient.Produce("t", 0, TestClient.Batch(("a", "1"), ("b", "2"))), 9);
        await cluster.StopBrokerAsync(leader);
        await using var client = TestClient.Connect(cluster, 1 - leader);
        await client.SendAsync(TestClient.Produce("t", 0, TestClient.Batch(("c", "3"))), 9);
        OffsetForLeaderEpochRequest Ask(int epoch) => new() { Topics = { new() { Topic = "t", Partitions = { new() { Partition = 0, LeaderEpoch = epoch } } } } };
        var old = (await client.SendAsync(Ask(0), 4)).Topics[0].Partitions[0];
        Assert.Equal((0, 2L), (old.LeaderEpoch, old.EndOffset));
        var current = (await client.SendAsync(Ask(1), 4)).Topics[0].Partitions[0];
        Assert.Equal((1, 3L), (current.LeaderEpoch, current.EndOffset));
    }
}
