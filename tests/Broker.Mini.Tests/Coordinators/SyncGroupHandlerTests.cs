namespace Samsa.Broker.Mini.Tests.Coordinators;

public sealed class SyncGroupHandlerTests
{
    [Fact]
    public async Task Sync_FollowerBeforeLeader_WaitsAndReceivesItsAssignment()
    {
        await using var cluster = await MiniCluster.StartAsync(GroupKit.Options(initialDelayMs: 300));
        await using var a = TestClient.Connect(cluster);
        await using var b = TestClient.Connect(cluster);
        var joins = await Task.WhenAll(Raw.JoinFully(a, "g"), Raw.JoinFully(b, "g")).WaitAsync(GroupKit.Guard);
        var leader = joins.Single(j => j.MemberId == j.Leader);
        var follower = joins.Single(j => j.MemberId != j.Leader);
        var (leaderClient, followerClient) = leader == joins[0] ? (a, b) : (b, a);
        var followerSync = Raw.Sync(followerClient, "g", follower.GenerationId, follower.MemberId);
        await Task.Delay(100);
        Assert.False(followerSync.IsCompleted);
        var leaderSync = await Raw.Sync(leaderClient, "g", leader.GenerationId, leader.MemberId, (leader.MemberId, [1]), (follower.MemberId, [2, 2]));
        Assert.Equal([1], leaderSync.Assignment);
        Assert.Equal([2, 2], (await followerSync.WaitAsync(GroupKit.Guard)).Assignment);
        Assert.Equal("Stable", GroupKit.Probe(cluster, "g").State);
    }

    [Fact]
    public async Task Sync_WrongGenerationOrUnknownMember_ReturnsIllegalGenerationOrUnknownMemberId()
    {
        await using var cluster = await MiniCluster.StartAsync(GroupKit.Options());
        await using var c = TestClient.Connect(cluster);
        var (member, generation) = await Raw.StableSingle(c, "g");
        Assert.Equal((short)ErrorCode.IllegalGeneration, (await Raw.Sync(c, "g", generation + 1, member)).ErrorCode);
        Assert.Equal((short)ErrorCode.UnknownMemberId, (await Raw.Sync(c, "g", generation, "ghost")).ErrorCode);
        Assert.Equal((short)ErrorCode.UnknownMemberId, (await Raw.Sync(c, "missing", 1, "ghost")).ErrorCode);
    }

    [Fact]
    public async Task Sync_WhileRebalancing_ReturnsRebalanceInProgress()
    {
        await using var cluster = await MiniCluster.StartAsync(GroupKit.Options());
        await using var a = TestClient.Connect(cluster);
        await using var b = TestClient.Connect(cluster);
        var (member, generation) = await Raw.StableSingle(a, "g");
        var first = await Raw.Join(b, "g");
        var pending = Raw.Join(b, "g", first.MemberId);
        await GroupKit.WaitForAsync(cluster, "g", s => s.State == "PreparingRebalance", "the rebalance to start");
        Assert.Equal((short)ErrorCode.RebalanceInProgress, (await Raw.Sync(a, "g", generation, member)).ErrorCode);
        Assert.Equal(ErrorCode.RebalanceInProgress, await Raw.Heartbeat(a, "g", generation, member));
        await Raw.Join(a, "g", member);
        Assert.Equal(0, (await pending.WaitAsync(GroupKit.Guard)).ErrorCode);
    }
}
