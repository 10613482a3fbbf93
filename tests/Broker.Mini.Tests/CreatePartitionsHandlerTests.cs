namespace Samsa.Broker.Mini.Tests;

public sealed class CreatePartitionsHandlerTests
{
    [Fact]
    public async Task Handle_GrowAndShrink_GrowsOrRejects()
    {
        await using var cluster = await MiniCluster.StartAsync();
        await cluster.CreateTopicAsync("t", partitions: 2);
        await using var client = TestClient.Connect(cluster);
        var grow = await client.SendAsync(new CreatePartitionsRequest { Topics = { new() { Name = "t", Count = 4, Assignments = null } } }, 3);
        Assert.Equal(0, grow.Results[0].ErrorCode);
        Assert.Equal(4, cluster.State.Topics["t"].Partitions.Count);
        var shrink = await client.SendAsync(new CreatePartitionsRequest { Topics = { new() { Name = "t", Count = 3, Assignments = null } } }, 3);
        Assert.Equal((short)ErrorCode.InvalidPartitions, shrink.Results[0].ErrorCode);
    }
}
