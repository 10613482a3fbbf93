using Samsa.Protocol.Messages;

namespace Samsa.Broker.Mini.Handlers;

/// <summary>
/// DescribeProducers (61): the producers with state on each partition (id, epoch, last sequence and timestamp,
/// coordinator epoch of their last marker, first offset of their ongoing transaction), from the partition leader.
/// </summary>
internal sealed class DescribeProducersHandler : RequestHandler<DescribeProducersRequest>
{
    public override ApiKey Key => ApiKey.DescribeProducers;

    protected override IKafkaApiMessage? Handle(RequestContext context, DescribeProducersRequest request)
    {
        var cluster = context.Cluster;
        var response = new DescribeProducersResponse();
        lock (cluster.Sync)
        {
            foreach (var topic in request.Topics)
            {
                var t = new DescribeProducersResponse.TopicResponse { Name = topic.Name };
                response.Topics.Add(t);
                foreach (int index in topic.PartitionIndexes)
                {
                    var result = new DescribeProducersResponse.PartitionResponse { PartitionIndex = index };
                    t.Partitions.Add(result);
                    var partition = cluster.FindPartition(topic.Name, index);
                    var error = partition is null ? ErrorCode.UnknownTopicOrPartition : cluster.LeaderError(partition, context.Broker.Id);
                    if (error != ErrorCode.None)
                    {
                        result.ErrorCode = (short)error;
                        continue;
                    }
                    foreach (var p in partition!.Producers.Snapshot())
                        result.ActiveProducers.Add(new DescribeProducersResponse.ProducerState
                        {
                            ProducerId = p.ProducerId, ProducerEpoch = p.Epoch, LastSequence = p.LastSequence, LastTimestamp = p.LastTimestamp,
                            CoordinatorEpoch = p.CoordinatorEpoch, CurrentTxnStartOffset = p.CurrentTxnStartOffset,
                        });
                }
            }
        }
        return response;
    }
}
