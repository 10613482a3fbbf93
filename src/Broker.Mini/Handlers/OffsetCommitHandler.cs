using Samsa.Broker.Mini.Coordinators;
using Samsa.Protocol.Messages;

namespace Samsa.Broker.Mini.Handlers;

/// <summary>
/// OffsetCommit (8), v0-9: checks the generation (or, for consumer groups, the member epoch: STALE_MEMBER_EPOCH at
/// v9), then stores offsets, leader epochs and metadata in <c>__consumer_offsets</c>. v2-4 carry an explicit retention.
/// </summary>
internal sealed class OffsetCommitHandler : CoordinatorWriteHandler<OffsetCommitRequest>
{
    public override ApiKey Key => ApiKey.OffsetCommit;

    protected override void ApplyWriteError(IKafkaApiMessage response, ErrorCode error)
    {
        var r = (OffsetCommitResponse)response;
        foreach (var p in r.Topics.SelectMany(t => t.Partitions)) p.ErrorCode = Replace(p.ErrorCode, error);
    }

    protected override IKafkaApiMessage? Handle(RequestContext context, OffsetCommitRequest request)
    {
        var items = request.Topics.SelectMany(t => t.Partitions.Select(p => new OffsetCommitItem(
            t.Name, p.PartitionIndex, p.CommittedOffset, context.Version >= 6 ? p.CommittedLeaderEpoch : -1, p.CommittedMetadata))).ToList();
        List<ErrorCode> errors;
        lock (context.Cluster.Sync)
        {
            var coordinator = context.Cluster.GroupCoordinator;
            var error = coordinator.CheckCoordinator(request.GroupId, context.Broker.Id);
            if (error == ErrorCode.None)
            {
                int generation = context.Version >= 1 ? request.GenerationIdOrMemberEpoch : -1;
                long retention = context.Version is >= 2 and <= 4 ? request.RetentionTimeMs : -1;
                (error, errors) = coordinator.CommitOffsets(request.GroupId, generation, request.MemberId,
                    context.Version >= 7 ? request.GroupInstanceId : null, retention, items, memberEpochSemantics: context.Version >= 9);
            }
            else errors = [];
            if (error != ErrorCode.None) errors = items.Select(_ => error).ToList();
        }
        var response = new OffsetCommitResponse();
        int i = 0;
        foreach (var topic in request.Topics)
        {
            var t = new OffsetCommitResponse.OffsetCommitResponseTopic { Name = topic.Name };
            foreach (var p in topic.Partitions)
                t.Partitions.Add(new OffsetCommitResponse.OffsetCommitResponsePartition { PartitionIndex = p.PartitionIndex, ErrorCode = (short)errors[i++] });
            response.Topics.Add(t);
        }
        return response;
    }
}
