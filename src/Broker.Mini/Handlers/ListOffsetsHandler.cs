using Samsa.Broker.Mini.Cluster;
using Samsa.Protocol.Messages;

namespace Samsa.Broker.Mini.Handlers;

/// <summary>ListOffsets (2), v1+: earliest (-2), latest (-1; the last stable offset under read_committed), max timestamp (-3), earliest local (-4), by timestamp.</summary>
internal sealed class ListOffsetsHandler : RequestHandler<ListOffsetsRequest>
{
    private const long Latest = -1, Earliest = -2, MaxTimestamp = -3, EarliestLocal = -4, EarliestPendingUpload = -5;

    public override ApiKey Key => ApiKey.ListOffsets;

    public override short MinVersion => 1;

    protected override IKafkaApiMessage? Handle(RequestContext context, ListOffsetsRequest request)
    {
        var cluster = context.Cluster;
        var response = new ListOffsetsResponse();
        lock (cluster.Sync)
        {
            foreach (var t in request.Topics)
            {
                var topicResult = new ListOffsetsResponse.ListOffsetsTopicResponse { Name = t.Name };
                response.Topics.Add(topicResult);
                foreach (var p in t.Partitions) topicResult.Partitions.Add(Lookup(context, t.Name, p, request.IsolationLevel == 1));
            }
        }
        return response;
    }

    private static ListOffsetsResponse.ListOffsetsPartitionResponse Lookup(RequestContext context, string topic, ListOffsetsRequest.ListOffsetsPartition request, bool readCommitted)
    {
        var cluster = context.Cluster;
        var result = new ListOffsetsResponse.ListOffsetsPartitionResponse { PartitionIndex = request.PartitionIndex, Offset = -1, Timestamp = -1, LeaderEpoch = -1 };
        var p = cluster.FindPartition(topic, request.PartitionIndex);
        var error = p is null ? ErrorCode.UnknownTopicOrPartition : cluster.LeaderError(p, context.Broker.Id);
        if (error == ErrorCode.None) error = ClusterState.EpochError(p!, request.CurrentLeaderEpoch);
        if (error != ErrorCode.None)
        {
            result.ErrorCode = (short)error;
            return result;
        }
        var log = p!.Log;
        switch (request.Timestamp)
        {
            case Latest:
                result.Offset = readCommitted ? p.LastStableOffset : p.HighWatermark;
                result.LeaderEpoch = p.LeaderEpoch;
                break;
            case Earliest or EarliestLocal or EarliestPendingUpload:
                result.Offset = log.LogStartOffset;
                result.LeaderEpoch = log.EpochAt(log.LogStartOffset);
                break;
            case MaxTimestamp when context.Version >= 7:
                if (log.FindMaxTimestamp() is { } max)
                    (result.Offset, result.Timestamp, result.LeaderEpoch) = max;
                break;
            case < 0:
                result.ErrorCode = (short)ErrorCode.UnsupportedVersion;
                break;
            default:
                if (log.FindByTimestamp(request.Timestamp) is { } hit)
                    (result.Offset, result.Timestamp, result.LeaderEpoch) = hit;
                break;
        }
        return result;
    }
}
