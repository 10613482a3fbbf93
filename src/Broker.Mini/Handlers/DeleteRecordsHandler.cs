using Samsa.Protocol.Messages;

namespace Samsa.Broker.Mini.Handlers;

/// <summary>DeleteRecords (21): advances the log start offset (-1 means the high watermark); never past the high watermark.</summary>
internal sealed class DeleteRecordsHandler : RequestHandler<DeleteRecordsRequest>
{
    public override ApiKey Key => ApiKey.DeleteRecords;

    protected override IKafkaApiMessage? Handle(RequestContext context, DeleteRecordsRequest request)
    {
        var cluster = context.Cluster;
        var response = new DeleteRecordsResponse();
        lock (cluster.Sync)
        {
            foreach (var t in request.Topics)
            {
                var topicResult = new DeleteRecordsResponse.DeleteRecordsTopicResult { Name = t.Name };
                response.Topics.Add(topicResult);
                foreach (var p in t.Partitions)
                {
                    var result = new DeleteRecordsResponse.DeleteRecordsPartitionResult { PartitionIndex = p.PartitionIndex, LowWatermark = -1 };
                    topicResult.Partitions.Add(result);
                    var partition = cluster.FindPartition(t.Name, p.PartitionIndex);
                    var error = partition is null ? ErrorCode.UnknownTopicOrPartition : cluster.LeaderError(partition, context.Broker.Id);
                    if (error == ErrorCode.None)
                    {
                        long target = p.Offset == -1 ? partition!.HighWatermark : p.Offset;
                        if (target < 0 || target > partition!.HighWatermark) error = ErrorCode.OffsetOutOfRange;
                        else
                        {
                            partition.Log.AdvanceLogStart(target);
                            result.LowWatermark = partition.Log.LogStartOffset;
                        }
                    }
                    result.ErrorCode = (short)error;
                }
            }
            cluster.SignalDataArrived();
        }
        return response;
    }
}
