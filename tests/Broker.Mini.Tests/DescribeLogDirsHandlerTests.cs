namespace Samsa.Broker.Mini.Tests;

public sealed class DescribeLogDirsHandlerTests
{
    [Fact]
    public async Task Handle_ReportsReplicaSizes()
    {
        await using var cluster = await MiniCluster.StartAsync();
        await cluster.CreateTopicAsync("t");
        await using var client = TestClient.Connect(cluster);
        await client.SendAsync(TestClient.Produce("t", 0, TestClient.Batch(("k", "v"))), 9);
        var r = await client.SendAsync(new DescribeLogDirsRequest { Topics = null }, 4);
        var partition = r.Results[0].Topics.Single(t => t.Name == "t").Partitions[0];
        Assert.True(partition.PartitionSize > 61);
    }
}
