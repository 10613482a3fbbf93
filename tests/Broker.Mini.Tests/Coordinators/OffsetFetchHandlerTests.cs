namespace Samsa.Broker.Mini.Tests.Coordinators;

public sealed class OffsetFetchHandlerTests
{
    [Fact]
    public async Task Fetch_V8SeveralGroupsAndAllTopics_ReturnsEachGroupsOffsets()
    {
        await using var cluster = await MiniCluster.StartAsync(GroupKit.Options());
        await cluster.CreateTopicAsync("t", 3);
        await using var c = TestClient.Connect(cluster);
        await Raw.Commit(c, "a", "t", 0, 10);
        await Raw.Commit(c, "a", "t", 2, 12);
        await Raw.Commit(c, "b", "t", 1, 21);
        var response = await c.SendAsync(new OffsetFetchRequest
        {
            Groups =
            {
                new OffsetFetchRequest.OffsetFetchRequestGroup { GroupId = "a", Topics = null },
                new OffsetFetchRequest.OffsetFetchRequestGroup { GroupId = "b", Topics = [new OffsetFetchRequest.OffsetFetchRequestTopics { Name = "t", PartitionIndexes = { 0, 1 } }] },
            },
            RequireStable = true,
        }, 8);
        var a = response.Groups.Single(g => g.GroupId == "a");
        Assert.Equal([(0, 10L), (2, 12L)], a.Topics.Single().Partitions.Select(p => (p.PartitionIndex, p.CommittedOffset)));
        var b = response.Groups.Single(g => g.GroupId == "b");
        Assert.Equal([(0, -1L), (1, 21L)], b.Topics.Single().Partitions.Select(p => (p.PartitionIndex, p.CommittedOffset)));
    }

    [Fact]
    public async Task Fetch_UnknownGroup_ReturnsMinusOneWithoutError()
    {
        await using var cluster = await MiniCluster.StartAsync(GroupKit.Options());
        await using var c = TestClient.Connect(cluster);
        var p = await Raw.Fetch(c, "nobody", "t", 0);
        Assert.Equal((-1L, (short)0), (p.CommittedOffset, p.ErrorCode));
    }
}
