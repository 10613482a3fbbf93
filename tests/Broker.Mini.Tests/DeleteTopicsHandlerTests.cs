namespace Samsa.Broker.Mini.Tests;

public sealed class DeleteTopicsHandlerTests
{
    [Fact]
    public async Task Handle_ByNameAndById_DeletesAndReportsUnknown()
    {
        await using var cluster = await MiniCluster.StartAsync();
        await cluster.CreateTopicAsync("a");
        await cluster.CreateTopicAsync("b");
        var idB = cluster.State.Topics["b"].Id;
        await using var client = TestClient.Connect(cluster);
        var v5 = await client.SendAsync(new DeleteTopicsRequest { TopicNames = { "a", "missing" } }, 5);
        Assert.Equal(0, v5.Responses[0].ErrorCode);
        Assert.Equal((short)ErrorCode.UnknownTopicOrPartition, v5.Responses[1].ErrorCode);
        var v6 = await client.SendAsync(new DeleteTopicsRequest { Topics = { new() { TopicId = idB } } }, 6);
        Assert.Equal("b", v6.Responses[0].Name);
        Assert.Empty(cluster.State.Topics);
    }
}
