using Samsa.Protocol.Primitives;

namespace Samsa.Broker.Mini.Tests.Coordinators;

/// <summary>Raw group requests over <see cref="TestClient"/> (one connection per member, since JoinGroup and SyncGroup long-poll).</summary>
internal static class Raw
{
    public static byte[] Subscription(params string[] topics)
    {
        var s = new ConsumerProtocolSubscription { Topics = topics.ToList() };
        var buffer = new byte[2 + s.ComputeSize(0)];
        var w = new KafkaWriter(buffer);
        w.WriteInt16(0);
        s.Write(ref w, 0);
        return buffer;
    }

    public static Task<JoinGroupResponse> Join(TestClient c, string group, string memberId = "", string? instanceId = null,
        int sessionMs = 10_000, int rebalanceMs = 10_000, string type = "consumer", short version = 9, params string[] protocols) =>
        c.SendAsync(new JoinGroupRequest
        {
            GroupId = group, MemberId = memberId, GroupInstanceId = instanceId, SessionTimeoutMs = sessionMs, RebalanceTimeoutMs = rebalanceMs,
            ProtocolType = type,
            Protocols = (protocols.Length == 0 ? ["range"] : protocols).Select(p => new JoinGroupRequest.JoinGroupRequestProtocol { Name = p, Metadata = Subscription("t") }).ToList(),
        }, version);

    /// <summary>Joins with MEMBER_ID_REQUIRED handled, as a v4+ client would.</summary>
    public static async Task<JoinGroupResponse> JoinFully(TestClient c, string group, int sessionMs = 10_000, int rebalanceMs = 10_000, params string[] protocols)
    {
        var first = await Join(c, group, sessionMs: sessionMs, rebalanceMs: rebalanceMs, protocols: protocols);
        Assert.Equal((short)ErrorCode.MemberIdRequired, first.ErrorCode);
        return await Join(c, group, first.MemberId, sessionMs: sessionMs, rebalanceMs: rebalanceMs, protocols: protocols);
    }

    public static Task<SyncGroupResponse> Sync(TestClient c, string group, int generation, string memberId, params (string Member, byte[] Assignment)[] assignments) =>
        c.SendAsync(new SyncGroupRequest
        {
            GroupId = group, GenerationId = generation, MemberId = memberId,
            Assignments = assignments.Select(a => new SyncGroupRequest.SyncGroupRequestAssignment { MemberId = a.Member, Assignment = a.Assignment }).ToList(),
        }, 5);

    public static async Task<ErrorCode> Heartbeat(TestClient c, string group, int generation, string memberId, string? instanceId = null) =>
        (ErrorCode)(await c.SendAsync(new HeartbeatRequest { GroupId = group, GenerationId = generation, MemberId = memberId, GroupInstanceId = instanceId }, 4)).ErrorCode;

    public static async Task<ErrorCode> Commit(TestClient c, string group, string topic, int partition, long offset, int generation = -1, string memberId = "",
        string? metadata = "", short version = 8)
    {
        var response = await c.SendAsync(new OffsetCommitRequest
        {
            GroupId = group, GenerationIdOrMemberEpoch = generation, MemberId = memberId,
            Topics =
            {
                new OffsetCommitRequest.OffsetCommitRequestTopic
                {
                    Name = topic,
                    Partitions = { new OffsetCommitRequest.OffsetCommitRequestPartition { PartitionIndex = partition, CommittedOffset = offset, CommittedLeaderEpoch = 3, CommittedMetadata = metadata } },
                },
            },
        }, version);
        return (ErrorCode)response.Topics[0].Partitions[0].ErrorCode;
    }

    public static async Task<OffsetFetchResponse.OffsetFetchResponsePartition> Fetch(TestClient c, string group, string topic, int partition)
    {
        var response = await c.SendAsync(new OffsetFetchRequest
        {
            GroupId = group, Topics = [new OffsetFetchRequest.OffsetFetchRequestTopic { Name = topic, PartitionIndexes = { partition } }],
        }, 7);
        Assert.Equal(0, response.ErrorCode);
        return response.Topics[0].Partitions[0];
    }

    /// <summary>One member joins and syncs alone (leader), leaving the group Stable at the returned generation.</summary>
    public static async Task<(string MemberId, int Generation)> StableSingle(TestClient c, string group, int sessionMs = 10_000, int rebalanceMs = 10_000)
    {
        var join = await JoinFully(c, group, sessionMs, rebalanceMs);
        Assert.Equal(0, join.ErrorCode);
        var sync = await Sync(c, group, join.GenerationId, join.MemberId, (join.MemberId, [1, 2, 3]));
        Assert.Equal(0, sync.ErrorCode);
        return (join.MemberId, join.GenerationId);
    }
}
