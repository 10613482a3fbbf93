namespace Samsa.Broker.Mini.Tests.Coordinators;

public sealed class JoinGroupHandlerTests
{
    [Fact]
    public async Task Join_V4WithoutMemberId_ReturnsMemberIdRequiredWithId()
    {
        await using var cluster = await MiniCluster.StartAsync(GroupKit.Options());
        await using var c = TestClient.Connect(cluster);
        var response = await Raw.Join(c, "g", version: 4);
        Assert.Equal((short)ErrorCode.MemberIdRequired, response.ErrorCode);
        Assert.StartsWith("test-", response.MemberId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Join_V3WithoutMemberId_JoinsDirectlyAsLeader()
    {
        await using var cluster = await MiniCluster.StartAsync(GroupKit.Options());
        await using var c = TestClient.Connect(cluster);
        var response = await Raw.Join(c, "g", version: 3);
        Assert.Equal(0, response.ErrorCode);
        Assert.Equal(1, response.GenerationId);
        Assert.Equal(response.MemberId, response.Leader);
        Assert.Single(response.Members);
    }

    [Fact]
    public async Task Join_SessionTimeoutOutsideBounds_ReturnsInvalidSessionTimeout()
    {
        await using var cluster = await MiniCluster.StartAsync(GroupKit.Options());
        await using var c = TestClient.Connect(cluster);
        Assert.Equal((short)ErrorCode.InvalidSessionTimeout, (await Raw.Join(c, "g", sessionMs: 5_999)).ErrorCode);
        Assert.Equal((short)ErrorCode.InvalidSessionTimeout, (await Raw.Join(c, "g", sessionMs: 1_800_001)).ErrorCode);
    }

    [Fact]
    public async Task Join_ThreeMembers_ProtocolEveryoneSupportsWinsByPreferenceVote()
    {
        await using var cluster = await MiniCluster.StartAsync(GroupKit.Options(initialDelayMs: 500));
        await using var a = TestClient.Connect(cluster);
        await using var b = TestClient.Connect(cluster);
        await using var d = TestClient.Connect(cluster);
        var ja = Raw.JoinFully(a, "vote", protocols: ["x", "y", "z"]);
        var jb = Raw.JoinFully(b, "vote", protocols: ["y", "x"]);
        var jd = Raw.JoinFully(d, "vote", protocols: ["y", "x", "z"]);
        var all = await Task.WhenAll(ja, jb, jd).WaitAsync(GroupKit.Guard);
        Assert.All(all, r => Assert.Equal("y", r.ProtocolName));
        Assert.Single(all, r => r.Members.Count == 3);
        Assert.All(all, r => Assert.Equal(all[0].GenerationId, r.GenerationId));
    }

    [Fact]
    public async Task Join_NoCommonProtocolOrOtherType_ReturnsInconsistentGroupProtocol()
    {
        await using var cluster = await MiniCluster.StartAsync(GroupKit.Options());
        await using var a = TestClient.Connect(cluster);
        await using var b = TestClient.Connect(cluster);
        await Raw.StableSingle(a, "g");
        Assert.Equal((short)ErrorCode.InconsistentGroupProtocol, (await Raw.Join(b, "g", protocols: ["other"])).ErrorCode);
        Assert.Equal((short)ErrorCode.InconsistentGroupProtocol, (await Raw.Join(b, "g", type: "connect")).ErrorCode);
    }

    [Fact]
    public async Task Join_UnknownMemberIdOnExistingGroup_ReturnsUnknownMemberId()
    {
        await using var cluster = await MiniCluster.StartAsync(GroupKit.Options());
        await using var c = TestClient.Connect(cluster);
        Assert.Equal((short)ErrorCode.UnknownMemberId, (await Raw.Join(c, "nope", memberId: "ghost")).ErrorCode);
    }

    [Fact]
    public async Task Join_StaticInstanceClaimedByOtherMemberId_ReturnsFencedInstanceId()
    {
        await using var cluster = await MiniCluster.StartAsync(GroupKit.Options());
        await using var a = TestClient.Connect(cluster);
        var first = await Raw.Join(a, "s", instanceId: "i1");
        Assert.Equal(0, first.ErrorCode);
        var replaced = await Raw.Join(a, "s", instanceId: "i1");
        Assert.Equal(0, replaced.ErrorCode);
        Assert.NotEqual(first.MemberId, replaced.MemberId);
        Assert.Equal((short)ErrorCode.FencedInstanceId, (await Raw.Join(a, "s", memberId: first.MemberId, instanceId: "i1")).ErrorCode);
    }

    [Fact]
    public async Task Join_MemberDoesNotRejoin_RemovedWhenRebalanceTimeoutPasses()
    {
        await using var cluster = await MiniCluster.StartAsync(GroupKit.Options());
        await using var a = TestClient.Connect(cluster);
        await using var b = TestClient.Connect(cluster);
        var (memberA, _) = await Raw.StableSingle(a, "slow", sessionMs: 30_000, rebalanceMs: 300);
        // B joins with a short rebalance timeout; A never rejoins, so the join completes without it once the timeout passes.
        var joinB = await Raw.JoinFully(b, "slow", sessionMs: 30_000, rebalanceMs: 300).WaitAsync(GroupKit.Guard);
        Assert.Equal(0, joinB.ErrorCode);
        Assert.Equal(joinB.MemberId, joinB.Leader);
        Assert.DoesNotContain(joinB.Members, m => m.MemberId == memberA);
        Assert.Equal(ErrorCode.UnknownMemberId, await Raw.Heartbeat(a, "slow", 1, memberA));
    }
}
