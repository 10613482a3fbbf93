using Samsa.Broker.Mini.Cluster;
using Samsa.Protocol.Messages;

namespace Samsa.Broker.Mini.Handlers;

/// <summary>CreatePartitions (37): grows a topic to a new count, optionally with explicit assignments; validate-only.</summary>
internal sealed class CreatePartitionsHandler : RequestHandler<CreatePartitionsRequest>
{
    public override ApiKey Key => ApiKey.CreatePartitions;

    protected override IKafkaApiMessage? Handle(RequestContext context, CreatePartitionsRequest request)
    {
        var cluster = context.Cluster;
        var response = new CreatePartitionsResponse();
        lock (cluster.Sync)
        {
            foreach (var t in request.Topics)
            {
                var result = new CreatePartitionsResponse.CreatePartitionsTopicResult { Name = t.Name };
                response.Results.Add(result);
                var error = Grow(cluster, t, request.ValidateOnly);
                if (error is { } e)
                {
                    result.ErrorCode = (short)e.Code;
                    result.ErrorMessage = e.Message;
                }
            }
        }
        return response;
    }

    private static ApiError? Grow(ClusterState cluster, CreatePartitionsRequest.CreatePartitionsTopic t, bool validateOnly)
    {
        if (!cluster.Topics.TryGetValue(t.Name, out var topic))
            return new ApiError(ErrorCode.UnknownTopicOrPartition, $"The topic '{t.Name}' does not exist.");
        int current = topic.Partitions.Count;
        if (t.Count < current)
            return new ApiError(ErrorCode.InvalidPartitions, $"Topic currently has {current} partitions, which is higher than the requested {t.Count}.");
        if (t.Count == current)
            return new ApiError(ErrorCode.InvalidPartitions, $"Topic already has {current} partitions.");
        int added = t.Count - current;
        int rf = topic.Partitions.Count > 0 ? topic.Partitions[0].Replicas.Length : 1;
        int[][] assignment;
        if (t.Assignments is { } manual)
        {
            if (manual.Count != added)
                return new ApiError(ErrorCode.InvalidReplicaAssignment, $"Increasing the number of partitions by {added} but {manual.Count} assignments provided.");
            if (TopicValidation.ValidateAssignment(cluster, manual.Select(a => (IReadOnlyList<int>)a.BrokerIds).ToList()) is { } bad) return bad;
            assignment = manual.Select(a => a.BrokerIds.ToArray()).ToArray();
        }
        else assignment = cluster.AssignReplicas(added, rf, current);
        if (!validateOnly) cluster.AddPartitions(topic, assignment);
        return null;
    }
}
