using Samsa.Protocol.Messages;

namespace Samsa.Broker.Mini.Handlers;

/// <summary>OffsetDelete (47): deletes committed offsets, except of topics the group still subscribes to (GROUP_SUBSCRIBED_TO_TOPIC).</summary>
internal sealed class OffsetDeleteHandler : CoordinatorWriteHandler<OffsetDeleteRequest>
{
    public override ApiKey Key => ApiKey.OffsetDelete;

    protected override void ApplyWriteError(IKafkaApiMessage response, ErrorCode error)
    {
        var r = (OffsetDeleteResponse)response;
        foreach (var p in r.Topics.SelectMany(t => t.Partitions)) p.ErrorCode = Replace(p.ErrorCode, error);
    }

    protected override IKafkaApiMessage? Handle(RequestContext context, OffsetDeleteRequest request)
    {
        var partitions = request.Topics.SelectMany(t => t.Partitions.Select(p => (t.Name, p.PartitionIndex))).ToList();
        var response = new OffsetDeleteResponse();
        lock (context.Cluster.Sync)
        {
            var coordinator = context.Cluster.GroupCoordinator;
            var error = coordinator.CheckCoordinator(request.GroupId, context.Broker.Id);
            List<ErrorCode> errors = [];
            if (error == ErrorCode.None) (error, errors) = coordinator.DeleteOffsets(request.GroupId, partitions);
            response.ErrorCode = (short)error;
            if (error != ErrorCode.None) return response;
            int i = 0;
            foreach (var topic in request.Topics)
            {
                var t = new OffsetDeleteResponse.OffsetDeleteResponseTopic { Name = topic.Name };
                foreach (var p in topic.Partitions)
                    t.Partitions.Add(new OffsetDeleteResponse.OffsetDeleteResponsePartition { PartitionIndex = p.PartitionIndex, ErrorCode = (short)errors[i++] });
                response.Topics.Add(t);
            }
        }
        return response;
    }
}
