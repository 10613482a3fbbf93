using Samsa.Broker.Mini.Cluster;
using Samsa.Protocol.Messages;

namespace Samsa.Broker.Mini.Handlers;

/// <summary>
/// ElectLeaders (43), v0-2: preferred (v0's only kind) or unclean leader election per partition, answered by any
/// broker as Kafka's brokers forward it to the controller (see <see cref="ClusterState.ElectLeader"/> for the per-partition
/// errors). Unknown partitions get UNKNOWN_TOPIC_OR_PARTITION. With null partitions every partition is considered and,
/// as in Kafka, only those that needed an election are reported.
/// </summary>
internal sealed class ElectLeadersHandler : RequestHandler<ElectLeadersRequest>
{
    public override ApiKey Key => ApiKey.ElectLeaders;

    protected override IKafkaApiMessage? Handle(RequestContext context, ElectLeadersRequest request)
    {
        var cluster = context.Cluster;
        var response = new ElectLeadersResponse();
        var kind = context.Version >= 1 ? request.ElectionType : (sbyte)ElectionKind.Preferred;
        if (kind is not ((sbyte)ElectionKind.Preferred or (sbyte)ElectionKind.Unclean))
        {
            response.ErrorCode = (short)ErrorCode.InvalidRequest;
            return response;
        }
        lock (cluster.Sync)
        {
            bool all = request.TopicPartitions is null;
            var wanted = all
                ? cluster.Topics.Values.Select(t => (t.Name, t.Partitions.Select(p => p.Index).ToList()))
                : request.TopicPartitions!.Select(t => (t.Topic, t.Partitions));
            bool changed = false;
            foreach (var (topic, partitions) in wanted)
            {
                var result = new ElectLeadersResponse.ReplicaElectionResult { Topic = topic };
                foreach (int index in partitions)
                {
                    var p = cluster.FindPartition(topic, index);
                    var (error, message) = p is null
                        ? (ErrorCode.UnknownTopicOrPartition, $"Partition {topic}-{index} does not exist.")
                        : cluster.ElectLeader(p, (ElectionKind)kind);
                    changed |= error == ErrorCode.None;
                    if (all && error == ErrorCode.ElectionNotNeeded) continue;
                    result.PartitionResult.Add(new ElectLeadersResponse.PartitionResult { PartitionId = index, ErrorCode = (short)error, ErrorMessage = message });
                }
                if (result.PartitionResult.Count > 0) response.ReplicaElectionResults.Add(result);
            }
            if (changed)
            {
                cluster.SaveMetadata();
                cluster.SignalDataArrived();
            }
        }
        return response;
    }
}
