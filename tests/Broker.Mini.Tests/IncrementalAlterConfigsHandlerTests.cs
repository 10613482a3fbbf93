namespace Samsa.Broker.Mini.Tests;

public sealed class IncrementalAlterConfigsHandlerTests
{
    [Fact]
    public async Task Handle_SetAppendDelete_AppliesEachOperation()
    {
        await using var cluster = await MiniCluster.StartAsync();
        await cluster.CreateTopicAsync("t", configs: new Dictionary<string, string> { ["retention.ms"] = "1000" });
        await using var client = TestClient.Connect(cluster);
        var request = new IncrementalAlterConfigsRequest
        {
            Resources =
            {
                new()
                {
                    ResourceType = 2, ResourceName = "t",
                    Configs = { new() { Name = "cleanup.policy", ConfigOperation = 2, Value = "compact" }, new() { Name = "retention.ms", ConfigOperation = 1 } },
                },
            },
        };
        Assert.Equal(0, (await client.SendAsync(request, 1)).Responses[0].ErrorCode);
        var topic = cluster.State.Topics["t"];
        Assert.Equal("delete,compact", topic.Overrides["cleanup.policy"]);
        Assert.False(topic.Overrides.ContainsKey("retention.ms"));
        Assert.True(topic.Config.Compact && topic.Config.Delete);
    }

    [Fact]
    public async Task Handle_AppendToNonList_ReturnsInvalidConfig()
    {
        await using var cluster = await MiniCluster.StartAsync();
        await cluster.CreateTopicAsync("t");
        await using var client = TestClient.Connect(cluster);
        var request = new IncrementalAlterConfigsRequest { Resources = { new() { ResourceType = 2, ResourceName = "t", Configs = { new() { Name = "retention.ms", ConfigOperation = 2, Value = "1" } } } } };
        Assert.Equal((short)ErrorCode.InvalidConfig, (await client.SendAsync(request, 1)).Responses[0].ErrorCode);
    }
}
