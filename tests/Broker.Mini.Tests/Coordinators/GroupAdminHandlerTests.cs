namespace Samsa.Broker.Mini.Tests.Coordinators;

/// <summary>ListGroups, DescribeGroups and DeleteGroups.</summary>
public sealed class GroupAdminHandlerTests
{
    [Fact]
    public async Task ListGroups_StateAndTypeFilters_ReturnMatchingGroups()
    {
        await using var cluster = await MiniCluster.StartAsync(GroupKit.Options());
        await cluster.CreateTopicAsync("t");
        await using var c = TestClient.Connect(cluster);
        await Raw.StableSingle(c, "stable");
        await Raw.Commit(c, "empty", "t", 0, 1);
        var all = await c.SendAsync(new ListGroupsRequest(), 5);
        Assert.Equal(["empty", "stable"], all.Groups.Select(g => g.GroupId));
        var stable = await c.SendAsync(new ListGroupsRequest { StatesFilter = { "stable" } }, 4);
        Assert.Equal("stable", Assert.Single(stable.Groups).GroupId);
        Assert.Equal("consumer", stable.Groups[0].ProtocolType);
        var consumerType = await c.SendAsync(new ListGroupsRequest { TypesFilter = { "consumer" } }, 5);
        Assert.Empty(consumerType.Groups);
    }

    [Fact]
    public async Task DescribeGroups_StableAndUnknown_ReportsMembersAndDead()
    {
        await using var cluster = await MiniCluster.StartAsync(GroupKit.Options());
        await using var c = TestClient.Connect(cluster);
        var (member, _) = await Raw.StableSingle(c, "g");
        var response = await c.SendAsync(new DescribeGroupsRequest { Groups = { "g", "unknown" } }, 5);
        var g = response.Groups[0];
        Assert.Equal(("Stable", "consumer", "range"), (g.GroupState, g.ProtocolType, g.ProtocolData));
        var m = Assert.Single(g.Members);
        Assert.Equal((member, "test"), (m.MemberId, m.ClientId));
        Assert.Equal([1, 2, 3], m.MemberAssignment);
        Assert.Equal(Raw.Subscription("t"), m.MemberMetadata);
        Assert.Equal(("Dead", (short)0), (response.Groups[1].GroupState, response.Groups[1].ErrorCode));
    }

    [Fact]
    public async Task DeleteGroups_EmptyNonEmptyAndUnknown_ReturnsPerGroupErrors()
    {
        await using var cluster = await MiniCluster.StartAsync(GroupKit.Options());
        await cluster.CreateTopicAsync("t");
        await using var c = TestClient.Connect(cluster);
        await Raw.StableSingle(c, "busy");
        await Raw.Commit(c, "idle", "t", 0, 5);
        var response = await c.SendAsync(new DeleteGroupsRequest { GroupsNames = { "busy", "idle", "none" } }, 2);
        Assert.Equal([(short)ErrorCode.NonEmptyGroup, (short)0, (short)ErrorCode.GroupIdNotFound], response.Results.Select(r => r.ErrorCode));
        Assert.Equal(-1, (await Raw.Fetch(c, "idle", "t", 0)).CommittedOffset);
    }

    [Fact]
    public async Task ExpireOffsets_EmptyGroupPastRetention_RemovesOffsetsAndGroup()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var options = GroupKit.Options();
        options.TimeProvider = clock;
        options.BrokerConfigs["offsets.retention.minutes"] = "10";
        await using var cluster = await MiniCluster.StartAsync(options);
        await cluster.CreateTopicAsync("t");
        await using var c = TestClient.Connect(cluster);
        await Raw.Commit(c, "g", "t", 0, 5);
        clock.Advance(TimeSpan.FromMinutes(9));
        lock (cluster.State.Sync) cluster.State.GroupCoordinator.ExpireOffsets();
        Assert.Equal(5, (await Raw.Fetch(c, "g", "t", 0)).CommittedOffset);
        clock.Advance(TimeSpan.FromMinutes(2));
        lock (cluster.State.Sync) cluster.State.GroupCoordinator.ExpireOffsets();
        Assert.Equal(-1, (await Raw.Fetch(c, "g", "t", 0)).CommittedOffset);
        Assert.Equal("Dead", GroupKit.Probe(cluster, "g").State);
    }

    /// <summary>A clock whose wall time the test moves; timers still run on real time.</summary>
    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
