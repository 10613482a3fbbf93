namespace Samsa.Broker.Mini.Tests;

public sealed class AlterConfigsHandlerTests
{
    [Fact]
    public async Task Handle_Topic_ReplacesOverridesAndRejectsInvalid()
    {
        await using var cluster = await MiniCluster.StartAsync();
        await cluster.CreateTopicAsync("t", configs: new Dictionary<string, string> { ["cleanup.policy"] = "compact" });
        await using var client = TestClient.Connect(cluster);
        var set = new AlterConfigsRequest { Resources = { new() { ResourceType = 2, ResourceName = "t", Configs = { new() { Name = "retention.ms", Value = "5000" } } } } };
        Assert.Equal(0, (await client.SendAsync(set, 1)).Responses[0].ErrorCode);
        var topic = cluster.State.Topics["t"];
        Assert.False(topic.Overrides.ContainsKey("cleanup.policy"));
        Assert.Equal(5000, topic.Config.Limits.RetentionMs);
        var bad = new AlterConfigsRequest { Resources = { new() { ResourceType = 2, ResourceName = "t", Configs = { new() { Name = "min.insync.replicas", Value = "0" } } } } };
        Assert.Equal((short)ErrorCode.InvalidConfig, (await client.SendAsync(bad, 1)).Responses[0].ErrorCode);
    }
}
