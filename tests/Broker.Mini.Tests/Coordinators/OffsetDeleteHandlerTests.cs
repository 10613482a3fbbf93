namespace Samsa.Broker.Mini.Tests.Coordinators;

public sealed class OffsetDeleteHandlerTests
{
    private static OffsetDeleteRequest Delete(string group, string topic, int partition) => new()
    {
        GroupId = group,
        Topics = { new OffsetDeleteRequest.OffsetDeleteRequestTopic { Name = topic, Partitions = { new OffsetDeleteRequest.OffsetDeleteRequestPartition { PartitionIndex = partition } } } },
    };

    [Fact]
    public async Task Delete_TopicTheGroupSubscribesTo_ReturnsGroupSubscribedToTopic()
    {
        await using var cluster = await MiniCluster.StartAsync(GroupKit.Options());
        await cluster.CreateTopicAsync("t");
        await cluster.CreateTopicAsync("old");
        await using var c = TestClient.Connect(cluster);
        var (member, generation) = await Raw.StableSingle(c, "g");
        await Raw.Commit(c, "g", "t", 0, 4, generation, member);
        await Raw.Commit(c, "g", "old", 0, 8, generation, member);
        var subscribed = await c.SendAsync(Delete("g", "t", 0), 0);
        Assert.Equal((short)ErrorCode.GroupSubscribedToTopic, subscribed.Topics[0].Partitions[0].ErrorCode);
        var unsubscribed = await c.SendAsync(Delete("g", "old", 0), 0);
        Assert.Equal(0, unsubscribed.Topics[0].Partitions[0].ErrorCode);
        Assert.Equal(-1, (await Raw.Fetch(c, "g", "old", 0)).CommittedOffset);
        Assert.Equal(4, (await Raw.Fetch(c, "g", "t", 0)).CommittedOffset);
    }

    [Fact]
    public async Task Delete_UnknownGroup_ReturnsGroupIdNotFound()
    {
        await using var cluster = await MiniCluster.StartAsync(GroupKit.Options());
        await using var c = TestClient.Connect(cluster);
        Assert.Equal((short)ErrorCode.GroupIdNotFound, (await c.SendAsync(Delete("none", "t", 0), 0)).ErrorCode);
    }
}
