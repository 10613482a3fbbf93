namespace Samsa.Broker.Mini.Tests;

public sealed class DescribeConfigsHandlerTests
{
    [Fact]
    public async Task Handle_Topic_ReportsOverridesStaticAndDefaultsWithSources()
    {
        var options = new MiniClusterOptions { BrokerConfigs = { ["log.retention.ms"] = "1000" } };
        await using var cluster = await MiniCluster.StartAsync(options);
        await cluster.CreateTopicAsync("t", configs: new Dictionary<string, string> { ["cleanup.policy"] = "compact" });
        await using var client = TestClient.Connect(cluster);
        var request = new DescribeConfigsRequest { IncludeSynonyms = true, Resources = { new() { ResourceType = 2, ResourceName = "t", ConfigurationKeys = null } } };
        var r = await client.SendAsync(request, 4);
        var configs = r.Results[0].Configs.ToDictionary(c => c.Name);
        Assert.Equal(("compact", (sbyte)1), (configs["cleanup.policy"].Value, configs["cleanup.policy"].ConfigSource));
        Assert.Equal(("1000", (sbyte)4), (configs["retention.ms"].Value, configs["retention.ms"].ConfigSource));
        Assert.Equal(("1048588", (sbyte)5), (configs["max.message.bytes"].Value, configs["max.message.bytes"].ConfigSource));
        Assert.Equal((sbyte)5, configs["retention.ms"].Synonyms[^1].Source);
    }

    [Fact]
    public async Task Handle_UnknownTopic_ReturnsError()
    {
        await using var cluster = await MiniCluster.StartAsync();
        await using var client = TestClient.Connect(cluster);
        var r = await client.SendAsync(new DescribeConfigsRequest { Resources = { new() { ResourceType = 2, ResourceName = "nope" } } }, 0);
        Assert.Equal((short)ErrorCode.UnknownTopicOrPartition, r.Results[0].ErrorCode);
    }

    [Fact]
    public async Task Handle_Broker_ReportsNodeId()
    {
        await using var cluster = await MiniCluster.StartAsync();
        await using var client = TestClient.Connect(cluster);
        var r = await client.SendAsync(new DescribeConfigsRequest { Resources = { new() { ResourceType = 4, ResourceName = "0", ConfigurationKeys = ["node.id", "num.partitions"] } } }, 3);
        Assert.Equal(["node.id", "num.partitions"], r.Results[0].Configs.Select(c => c.Name).Order(StringComparer.Ordinal));
        Assert.Equal("0", r.Results[0].Configs.Single(c => c.Name == "node.id").Value);
    }
}
