using Samsa.Broker.Mini.Cluster;
using Samsa.Protocol.Messages;

namespace Samsa.Broker.Mini.Handlers;

/// <summary>OffsetForLeaderEpoch (23), v2+: the end offset of the largest leader epoch not above the requested one.</summary>
internal sealed class OffsetForLeaderEpochHandler : RequestHandler<OffsetForLeaderEpochRequest>
{
    public override ApiKey Key => ApiKey.OffsetForLeaderEpoch;

    public override short MinVersion => 2;

    protected override IKafkaApiMessage? Handle(RequestContext context, OffsetForLeaderEpochRequest request)
    {
        var cluster = context.Cluster;
        var response = new OffsetForLeaderEpochResponse();
        lock (cluster.Sync)
        {
            foreach (var t in request.Topics)
            {
                var topicResult = new OffsetForLeaderEpochResponse.OffsetForLeaderTopicResult { Topic = t.Topic };
                response.Topics.Add(topicResult);
                foreach (var p in t.Partitions)
                {
                    var result = new OffsetForLeaderEpochResponse.EpochEndOffset { Partition = p.Partition, LeaderEpoch = -1, EndOffset = -1 };
                    topicResult.Partitions.Add(result);
                    var partition = cluster.FindPartition(t.Topic, p.Partition);
                    var error = partition is null ? ErrorCode.UnknownTopicOrPartition : cluster.LeaderError(partition, context.Broker.Id);
                    if (error == ErrorCode.None) error = ClusterState.EpochError(partition!, p.CurrentLeaderEpoch);
                    if (error == ErrorCode.None) (result.LeaderEpoch, result.EndOffset) = partition!.Log.EndOffsetForEpoch(p.LeaderEpoch);
                    result.ErrorCode = (short)error;
                }
            }
        }
        return response;
    }
}
