namespace Samsa.Broker.Mini.Tests.Coordinators;

/// <summary>KIP-848: ConsumerGroupHeartbeat and ConsumerGroupDescribe.</summary>
public sealed class ConsumerGroupHeartbeatHandlerTests
{
    private static Task<ConsumerGroupHeartbeatResponse> Beat(TestClient c, string memberId, int epoch, List<string>? topics = null,
        List<ConsumerGroupHeartbeatRequest.TopicPartitionsData>? owned = null, string? assignor = null) =>
        c.SendAsync(new ConsumerGroupHeartbeatRequest
        {
            GroupId = "cg", MemberId = memberId, MemberEpoch = epoch, RebalanceTimeoutMs = 30_000,
            SubscribedTopicNames = topics, ServerAssignor = assignor, TopicPartitions = owned,
        }, 0);

    private static List<int> Owned(ConsumerGroupHeartbeatResponse r) => r.Assignment!.TopicPartitions.SelectMany(t => t.Partitions).Order().ToList();

    private static List<ConsumerGroupHeartbeatRequest.TopicPartitionsData> AsOwned(ConsumerGroupHeartbeatResponse r) =>
        r.Assignment!.TopicPartitions.Select(t => new ConsumerGroupHeartbeatRequest.TopicPartitionsData { TopicId = t.TopicId, Partitions = t.Partitions.ToList() }).ToList();

    [Fact]
    public async Task Heartbeat_SecondMemberJoins_FirstRevokesBeforeSecondGetsPartitions()
    {
        await using var cluster = await MiniCluster.StartAsync(GroupKit.Options());
        await cluster.CreateTopicAsync("t", 4);
        await using var a = TestClient.Connect(cluster);
        await using var b = TestClient.Connect(cluster);

        var a1 = await Beat(a, "", 0, ["t"], assignor: "range");
        Assert.Equal((0, 1), (a1.ErrorCode, a1.MemberEpoch));
        Assert.Equal([0, 1, 2, 3], Owned(a1));

        var b1 = await Beat(b, "", 0, ["t"]);
        Assert.Equal(2, b1.MemberEpoch);
        Assert.Empty(Owned(b1)); // A still owns everything.

        var a2 = await Beat(a, a1.MemberId!, 1, owned: AsOwned(a1));
        Assert.Equal(1, a2.MemberEpoch); // Must revoke first; the epoch moves only after that.
        Assert.Equal(2, Owned(a2).Count);

        var a3 = await Beat(a, a1.MemberId!, 1, owned: AsOwned(a2));
        Assert.Equal(2, a3.MemberEpoch);

        var b2 = await Beat(b, b1.MemberId!, 2, owned: []);
        Assert.Equal(2, Owned(b2).Count);
        Assert.Empty(Owned(a3).Intersect(Owned(b2)));

        var describe = await a.SendAsync(new ConsumerGroupDescribeRequest { GroupIds = { "cg", "nope" } }, 0);
        var g = describe.Groups[0];
        Assert.Equal(("Stable", 2, 2, "range"), (g.GroupState, g.GroupEpoch, g.AssignmentEpoch, g.AssignorName));
        Assert.Equal(2, g.Members.Count);
        Assert.All(g.Members, m => Assert.Equal("t", m.Assignment.TopicPartitions.Single().TopicName));
        Assert.Equal((short)ErrorCode.GroupIdNotFound, describe.Groups[1].ErrorCode);
    }

    [Fact]
    public async Task Heartbeat_WrongEpochOrUnknownMember_IsFenced()
    {
        await using var cluster = await MiniCluster.StartAsync(GroupKit.Options());
        await cluster.CreateTopicAsync("t", 2);
        await using var c = TestClient.Connect(cluster);
        var joined = await Beat(c, "", 0, ["t"]);
        Assert.Equal((short)ErrorCode.FencedMemberEpoch, (await Beat(c, joined.MemberId!, joined.MemberEpoch + 5)).ErrorCode);
        Assert.Equal((short)ErrorCode.UnknownMemberId, (await Beat(c, "ghost", 3)).ErrorCode);
        Assert.Equal((short)ErrorCode.UnsupportedAssignor, (await Beat(c, "", 0, ["t"], assignor: "sticky")).ErrorCode);
        var left = await Beat(c, joined.MemberId!, -1);
        Assert.Equal((0, -1), (left.ErrorCode, left.MemberEpoch));
    }

    [Fact]
    public async Task Heartbeat_UniformAssignor_SpreadsPartitionsEvenly()
    {
        await using var cluster = await MiniCluster.StartAsync(GroupKit.Options());
        await cluster.CreateTopicAsync("t", 5);
        await using var a = TestClient.Connect(cluster);
        await using var b = TestClient.Connect(cluster);
        var a1 = await Beat(a, "", 0, ["t"]);
        var b1 = await Beat(b, "", 0, ["t"]);
        var a2 = await Beat(a, a1.MemberId!, a1.MemberEpoch, owned: AsOwned(a1));
        var a3 = await Beat(a, a1.MemberId!, a2.MemberEpoch, owned: AsOwned(a2));
        var b2 = await Beat(b, b1.MemberId!, b1.MemberEpoch, owned: AsOwned(b1));
        Assert.Equal(5, Owned(a3).Count + Owned(b2).Count);
        Assert.InRange(Owned(a3).Count, 2, 3);
    }
}
