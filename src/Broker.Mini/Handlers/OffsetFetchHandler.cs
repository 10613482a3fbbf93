using Samsa.Protocol.Messages;

namespace Samsa.Broker.Mini.Handlers;

/// <summary>
/// OffsetFetch (9), v0-9: committed offsets of one group (v0-7) or several (v8+); all of a group's offsets when the
/// topic list is null (v2+). Broker.Mini has no transactional offset commits, so nothing is ever pending and
/// <c>require_stable</c> (v7+) never yields UNSTABLE_OFFSET_COMMIT.
/// </summary>
internal sealed class OffsetFetchHandler : RequestHandler<OffsetFetchRequest>
{
    public override ApiKey Key => ApiKey.OffsetFetch;

    protected override IKafkaApiMessage? Handle(RequestContext context, OffsetFetchRequest request)
    {
        var response = new OffsetFetchResponse();
        lock (context.Cluster.Sync)
        {
            if (context.Version >= 8)
            {
                foreach (var g in request.Groups)
                {
                    var topics = g.Topics?.Select(t => (t.Name, (IReadOnlyList<int>)t.PartitionIndexes)).ToList();
                    var (error, rows) = Fetch(context, g.GroupId, g.MemberId, g.MemberEpoch, topics);
                    var group = new OffsetFetchResponse.OffsetFetchResponseGroup { GroupId = g.GroupId, ErrorCode = (short)error };
                    foreach (var byTopic in rows.GroupBy(r => r.Topic))
                        group.Topics.Add(new OffsetFetchResponse.OffsetFetchResponseTopics
                        {
                            Name = byTopic.Key,
                            Partitions = byTopic.Select(r => new OffsetFetchResponse.OffsetFetchResponsePartitions
                            {
                                PartitionIndex = r.Partition, CommittedOffset = r.Offset, CommittedLeaderEpoch = r.Epoch, Metadata = r.Metadata,
                            }).ToList(),
                        });
                    response.Groups.Add(group);
                }
                return response;
            }
            var asked = request.Topics?.Select(t => (t.Name, (IReadOnlyList<int>)t.PartitionIndexes)).ToList();
            var (topError, list) = Fetch(context, request.GroupId, null, -1, asked);
            response.ErrorCode = (short)topError;
            if (topError != ErrorCode.None && context.Version < 2 && asked is not null)
                list = asked.SelectMany(t => t.Item2.Select(p => (t.Name, p, -1L, -1, (string?)"", topError))).ToList();
            foreach (var byTopic in list.GroupBy(r => r.Topic))
                response.Topics.Add(new OffsetFetchResponse.OffsetFetchResponseTopic
                {
                    Name = byTopic.Key,
                    Partitions = byTopic.Select(r => new OffsetFetchResponse.OffsetFetchResponsePartition
                    {
                        PartitionIndex = r.Partition, CommittedOffset = r.Offset, CommittedLeaderEpoch = r.Epoch, Metadata = r.Metadata, ErrorCode = (short)r.Error,
                    }).ToList(),
                });
        }
        return response;
    }

    private static (ErrorCode, List<(string Topic, int Partition, long Offset, int Epoch, string? Metadata, ErrorCode Error)>) Fetch(
        RequestContext context, string groupId, string? memberId, int memberEpoch, List<(string, IReadOnlyList<int>)>? topics)
    {
        var coordinator = context.Cluster.GroupCoordinator;
        var error = coordinator.CheckCoordinator(groupId, context.Broker.Id);
        if (error == ErrorCode.None) error = coordinator.ValidateFetchMember(groupId, memberId, memberEpoch);
        if (error != ErrorCode.None) return (error, []);
        var rows = coordinator.FetchOffsets(groupId, topics)
            .Select(r => (r.Topic, r.Partition, r.Offset?.Offset ?? -1, r.Offset?.LeaderEpoch ?? -1, (string?)(r.Offset?.Metadata ?? ""), ErrorCode.None))
            .ToList();
        return (ErrorCode.None, rows);
    }
}
