namespace Samsa.Broker.Mini.Tests;

public sealed class DescribeClusterHandlerTests
{
    [Fact]
    public async Task Handle_ReturnsLiveBrokersAndController()
    {
        await using var cluster = await MiniCluster.StartAsync(new MiniClusterOptions { Brokers = 3 });
        await cluster.StopBrokerAsync(0);
        await using var client = TestClient.Connect(cluster, 1);
        var r = await client.SendAsync(new DescribeClusterRequest(), 1);
        Assert.Equal(cluster.ClusterId, r.ClusterId);
        Assert.Equal(1, r.ControllerId);
        Assert.Equal([1, 2], r.Brokers.Select(b => b.BrokerId));
    }
}
