namespace Samsa.Broker.Mini.Tests;

public sealed class MetadataHandlerTests
{
    [Fact]
    public async Task Handle_AllTopics_ReturnsBrokersLeadersEpochsAndIds()
    {
        await using var cluster = await MiniCluster.StartAsync(new MiniClusterOptions { Brokers = 3 });
        await cluster.CreateTopicAsync("orders", partitions: 3, replicationFactor: 3);
        await using var client = TestClient.Connect(cluster);
        var response = await client.SendAsync(new MetadataRequest { Topics = null }, 12);
        Assert.Equal(3, response.Brokers.Count);
        Assert.Equal(cluster.ClusterId, response.ClusterId);
        var topic = Assert.Single(response.Topics);
        Assert.NotEqual(Uuid.Zero, topic.TopicId);
        Assert.Equal(3, topic.Partitions.Count);
        Assert.All(topic.Partitions, p => Assert.Equal(3, p.IsrNodes.Count));
        Assert.All(topic.Partitions, p => Assert.Equal(0, p.LeaderEpoch));
    }

    [Fact]
    public async Task Handle_UnknownTopicWithAutoCreate_CreatesItAndReportsLeaderNotAvailable()
    {
        await using var cluster = await MiniCluster.StartAsync();
        await using var client = TestClient.Connect(cluster);
        var first = await client.SendAsync(new MetadataRequest { Topics = [new() { Name = "auto" }], AllowAutoTopicCreation = true }, 9);
        Assert.Equal((short)ErrorCode.LeaderNotAvailable, first.Topics[0].ErrorCode);
        var second = await client.SendAsync(new MetadataRequest { Topics = [new() { Name = "auto" }] }, 9);
        Assert.Equal(0, second.Topics[0].ErrorCode);
        Assert.Single(second.Topics[0].Partitions);
    }

    [Fact]
    public async Task Handle_AutoCreateDisabled_ReturnsUnknownTopic()
    {
        var options = new MiniClusterOptions { BrokerConfigs = { ["auto.create.topics.enable"] = "false" } };
        await using var cluster = await MiniCluster.StartAsync(options);
        await using var client = TestClient.Connect(cluster);
        var response = await client.SendAsync(new MetadataRequest { Topics = [new() { Name = "nope" }], AllowAutoTopicCreation = true }, 9);
        Assert.Equal((short)ErrorCode.UnknownTopicOrPartition, response.Topics[0].ErrorCode);
    }

    [Fact]
    public async Task Handle_V0_EmptyListMeansAllTopics()
    {
        await using var cluster = await MiniCluster.StartAsync();
        await cluster.CreateTopicAsync("a");
        await using var client = TestClient.Connect(cluster);
        var response = await client.SendAsync(new MetadataRequest(), 0);
        Assert.Equal("a", Assert.Single(response.Topics).Name);
    }

    [Fact]
    public async Task StopBroker_LeaderMoves_WithEpochBump()
    {
        await using var cluster = await MiniCluster.StartAsync(new MiniClusterOptions { Brokers = 3 });
        await cluster.CreateTopicAsync("r", partitions: 1, replicationFactor: 3);
        await using var client = TestClient.Connect(cluster, 2);
        var before = (await client.SendAsync(new MetadataRequest { Topics = null }, 12)).Topics[0].Partitions[0];
        await cluster.StopBrokerAsync(before.LeaderId);
        var after = (await client.SendAsync(new MetadataRequest { Topics = null }, 12)).Topics[0].Partitions[0];
        Assert.NotEqual(before.LeaderId, after.LeaderId);
        Assert.Equal(before.LeaderEpoch + 1, after.LeaderEpoch);
        Assert.DoesNotContain(before.LeaderId, after.IsrNodes);
        Assert.Contains(before.LeaderId, after.OfflineReplicas);
    }
}
