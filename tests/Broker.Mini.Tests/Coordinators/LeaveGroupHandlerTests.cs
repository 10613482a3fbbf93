namespace Samsa.Broker.Mini.Tests.Coordinators;

public sealed class LeaveGroupHandlerTests
{
    [Fact]
    public async Task Leave_BatchV3_ReportsEachMemberAndEmptiesGroup()
    {
        await using var cluster = await MiniCluster.StartAsync(GroupKit.Options());
        await using var c = TestClient.Connect(cluster);
        var join = await Raw.Join(c, "g", instanceId: "i1");
        await Raw.Sync(c, "g", join.GenerationId, join.MemberId);
        var response = await c.SendAsync(new LeaveGroupRequest
        {
            GroupId = "g",
            Members =
            {
                new LeaveGroupRequest.MemberIdentity { MemberId = "wrong", GroupInstanceId = "i1" },
                new LeaveGroupRequest.MemberIdentity { MemberId = "ghost" },
                new LeaveGroupRequest.MemberIdentity { MemberId = join.MemberId, GroupInstanceId = "i1" },
            },
        }, 5);
        Assert.Equal([(short)ErrorCode.FencedInstanceId, (short)ErrorCode.UnknownMemberId, (short)ErrorCode.None], response.Members.Select(m => m.ErrorCode));
        Assert.Equal("Empty", GroupKit.Probe(cluster, "g").State);
    }

    [Fact]
    public async Task Leave_V0UnknownGroup_ReturnsUnknownMemberId()
    {
        await using var cluster = await MiniCluster.StartAsync(GroupKit.Options());
        await using var c = TestClient.Connect(cluster);
        var response = await c.SendAsync(new LeaveGroupRequest { GroupId = "none", MemberId = "m" }, 0);
        Assert.Equal((short)ErrorCode.UnknownMemberId, response.ErrorCode);
    }

    [Fact]
    public async Task Leave_OneOfTwo_RemainingMemberRejoinsAlone()
    {
        await using var cluster = await MiniCluster.StartAsync(GroupKit.Options(initialDelayMs: 300));
        await using var a = TestClient.Connect(cluster);
        await using var b = TestClient.Connect(cluster);
        var joins = await Task.WhenAll(Raw.JoinFully(a, "g"), Raw.JoinFully(b, "g")).WaitAsync(GroupKit.Guard);
        var leave = await b.SendAsync(new LeaveGroupRequest { GroupId = "g", Members = { new LeaveGroupRequest.MemberIdentity { MemberId = joins[1].MemberId } } }, 3);
        Assert.Equal(0, leave.Members[0].ErrorCode);
        var rejoin = await Raw.Join(a, "g", joins[0].MemberId).WaitAsync(GroupKit.Guard);
        Assert.Equal(joins[0].GenerationId + 1, rejoin.GenerationId);
        Assert.Equal(joins[0].MemberId, rejoin.Leader);
        Assert.Single(rejoin.Members);
    }
}
