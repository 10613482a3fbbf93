namespace Samsa.Broker.Mini.Tests.Coordinators;

public sealed class HeartbeatHandlerTests
{
    [Fact]
    public async Task Heartbeat_StableMember_ReturnsNone()
    {
        await using var cluster = await MiniCluster.StartAsync(GroupKit.Options());
        await using var c = TestClient.Connect(cluster);
        var (member, generation) = await Raw.StableSingle(c, "g");
        Assert.Equal(ErrorCode.None, await Raw.Heartbeat(c, "g", generation, member));
        Assert.Equal(ErrorCode.IllegalGeneration, await Raw.Heartbeat(c, "g", generation - 1, member));
        Assert.Equal(ErrorCode.UnknownMemberId, await Raw.Heartbeat(c, "g", generation, "ghost"));
    }

    [Fact]
    public async Task Heartbeat_NoHeartbeatsWithinSession_MemberExpiresAndGroupEmpties()
    {
        var options = GroupKit.Options();
        options.BrokerConfigs["group.min.session.timeout.ms"] = "100";
        await using var cluster = await MiniCluster.StartAsync(options);
        await using var c = TestClient.Connect(cluster);
        // 2 s, not less: join and sync must complete within the session on a loaded machine.
        var (member, generation) = await Raw.StableSingle(c, "g", sessionMs: 2000);
        await GroupKit.WaitForAsync(cluster, "g", s => s.State == "Empty", "the session to expire");
        Assert.Equal(ErrorCode.UnknownMemberId, await Raw.Heartbeat(c, "g", generation, member));
    }

    [Fact]
    public async Task Heartbeat_StaticMemberWithWrongInstance_ReturnsFencedInstanceId()
    {
        await using var cluster = await MiniCluster.StartAsync(GroupKit.Options());
        await using var c = TestClient.Connect(cluster);
        var join = await Raw.Join(c, "g", instanceId: "i1");
        await Raw.Sync(c, "g", join.GenerationId, join.MemberId);
        Assert.Equal(ErrorCode.None, await Raw.Heartbeat(c, "g", join.GenerationId, join.MemberId, "i1"));
        var replaced = await Raw.Join(c, "g", instanceId: "i1");
        Assert.Equal(join.GenerationId, replaced.GenerationId);
        Assert.Equal(ErrorCode.FencedInstanceId, await Raw.Heartbeat(c, "g", join.GenerationId, join.MemberId, "i1"));
    }
}
