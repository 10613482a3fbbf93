using Samsa.Broker.Mini.Cluster;
using Samsa.Broker.Mini.Configs;
using Samsa.Protocol.Messages;

namespace Samsa.Broker.Mini.Handlers;

/// <summary>CreateTopics (19): per-topic validation and errors, defaults (-1), manual assignments, configs, validate-only.</summary>
internal sealed class CreateTopicsHandler : RequestHandler<CreateTopicsRequest>
{
    public override ApiKey Key => ApiKey.CreateTopics;

    protected override IKafkaApiMessage? Handle(RequestContext context, CreateTopicsRequest request)
    {
        var cluster = context.Cluster;
        var response = new CreateTopicsResponse();
        var duplicates = request.Topics.GroupBy(t => t.Name).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        lock (cluster.Sync)
        {
            foreach (var t in request.Topics)
            {
                var result = new CreateTopicsResponse.CreatableTopicResult { Name = t.Name, ErrorMessage = null };
                response.Topics.Add(result);
                if (duplicates.Contains(t.Name))
                {
                    Fail(result, new ApiError(ErrorCode.InvalidRequest, $"Duplicate topic name {t.Name} in the request."));
                    continue;
                }
                var error = Create(cluster, t, request.ValidateOnly, result);
                if (error is { } e) Fail(result, e);
            }
        }
        return response;
    }

    private static ApiError? Create(ClusterState cluster, CreateTopicsRequest.CreatableTopic t, bool validateOnly, CreateTopicsResponse.CreatableTopicResult result)
    {
        bool manual = t.Assignments.Count > 0;
        if (manual && (t.NumPartitions != -1 || t.ReplicationFactor != -1))
            return new ApiError(ErrorCode.InvalidRequest, "Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.");
        int partitions = manual ? t.Assignments.Count : t.NumPartitions == -1 ? cluster.BrokerInt(BrokerConfigs.NumPartitions) : t.NumPartitions;
        int rf = manual ? t.Assignments[0].BrokerIds.Count : t.ReplicationFactor == -1 ? cluster.BrokerInt(BrokerConfigs.DefaultReplicationFactor) : t.ReplicationFactor;
        var configs = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var c in t.Configs) configs[c.Name] = c.Value;
        if (TopicValidation.Validate(cluster, t.Name, partitions, rf, configs) is { } error) return error;
        int[][] assignment;
        if (manual)
        {
            var ordered = t.Assignments.OrderBy(a => a.PartitionIndex).ToList();
            if (ordered.Select((a, i) => a.PartitionIndex != i).Any(x => x))
                return new ApiError(ErrorCode.InvalidReplicaAssignment, "Partitions should be a consecutive 0-based integer sequence.");
            if (TopicValidation.ValidateAssignment(cluster, ordered.Select(a => (IReadOnlyList<int>)a.BrokerIds).ToList()) is { } bad) return bad;
            assignment = ordered.Select(a => a.BrokerIds.ToArray()).ToArray();
        }
        else assignment = cluster.AssignReplicas(partitions, rf);

        result.NumPartitions = partitions;
        result.ReplicationFactor = (short)rf;
        TopicState topic;
        if (validateOnly)
        {
            topic = new TopicState(t.Name, Uuid.Zero);
            foreach (var (k, v) in configs) topic.Overrides[k] = v!;
        }
        else topic = cluster.CreateTopic(t.Name, assignment, configs.ToDictionary(kv => kv.Key, kv => kv.Value!));
        result.TopicId = topic.Id;
        result.Configs = TopicConfigs.All.Keys.Order(StringComparer.Ordinal).Select(name =>
        {
            var (value, source) = cluster.TopicConfigValue(topic, name);
            return new CreateTopicsResponse.CreatableTopicConfigs { Name = name, Value = value, ConfigSource = (sbyte)source, ReadOnly = false, IsSensitive = false };
        }).ToList();
        return null;
    }

    private static void Fail(CreateTopicsResponse.CreatableTopicResult result, ApiError error)
    {
        result.ErrorCode = (short)error.Code;
        result.ErrorMessage = error.Message;
        result.Configs = null;
        result.NumPartitions = -1;
        result.ReplicationFactor = -1;
        result.TopicId = Uuid.Zero;
    }
}
