namespace Samsa.Broker.Mini.Tests;

public sealed class CreateTopicsHandlerTests
{
    private static CreateTopicsRequest.CreatableTopic Topic(string name, int partitions = 1, short rf = 1) =>
        new() { Name = name, NumPartitions = partitions, ReplicationFactor = rf };

    [Fact]
    public async Task Handle_MixedTopics_ReturnsPerTopicErrors()
    {
        await using var cluster = await MiniCluster.StartAsync(new MiniClusterOptions { Brokers = 2 });
        await cluster.CreateTopicAsync("exists");
        await using var client = TestClient.Connect(cluster);
        var bad = Topic("cfg");
        bad.Configs.Add(new CreateTopicsRequest.CreatableTopicConfig { Name = "retention.ms", Value = "soon" });
        var request = new CreateTopicsRequest { Topics = { Topic("ok", 3, 2), Topic("exists"), Topic("toomany", 1, 3), Topic("bad name"), bad } };
        var r = await client.SendAsync(request, 7);
        Assert.Equal(0, r.Topics[0].ErrorCode);
        Assert.Equal(3, r.Topics[0].NumPartitions);
        Assert.NotEqual(Uuid.Zero, r.Topics[0].TopicId);
        Assert.Contains(r.Topics[0].Configs!, c => c.Name == "cleanup.policy" && c.Value == "delete");
        Assert.Equal((short)ErrorCode.TopicAlreadyExists, r.Topics[1].ErrorCode);
        Assert.Equal((short)ErrorCode.InvalidReplicationFactor, r.Topics[2].ErrorCode);
        Assert.Equal((short)ErrorCode.InvalidTopicException, r.Topics[3].ErrorCode);
        Assert.Equal((short)ErrorCode.InvalidConfig, r.Topics[4].ErrorCode);
    }

    [Fact]
    public async Task Handle_ValidateOnly_DoesNotCreate()
    {
        await using var cluster = await MiniCluster.StartAsync();
        await using var client = TestClient.Connect(cluster);
        var r = await client.SendAsync(new CreateTopicsRequest { Topics = { Topic("dry") }, validateOnly = true }, 5);
        Assert.Equal(0, r.Topics[0].ErrorCode);
        Assert.False(cluster.State.Topics.ContainsKey("dry"));
    }
}
