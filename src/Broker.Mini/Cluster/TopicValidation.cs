using Samsa.Broker.Mini.Configs;
using Samsa.Protocol;

namespace Samsa.Broker.Mini.Cluster;

/// <summary>An error code with Kafka's message for it.</summary>
internal readonly record struct ApiError(ErrorCode Code, string? Message)
{
    public static ApiError None => new(ErrorCode.None, null);

    public bool IsError => Code != ErrorCode.None;
}

/// <summary>The checks CreateTopics and CreatePartitions share, with Kafka's error codes and messages.</summary>
internal static class TopicValidation
{
    public static ApiError? Validate(ClusterState state, string name, int partitions, int replicationFactor, IReadOnlyDictionary<string, string?> configs)
    {
        if (ClusterState.ValidateTopicName(name) is { } bad) return new ApiError(ErrorCode.InvalidTopicException, bad);
        if (state.Topics.ContainsKey(name)) return new ApiError(ErrorCode.TopicAlreadyExists, $"Topic '{name}' already exists.");
        if (partitions < 1) return new ApiError(ErrorCode.InvalidPartitions, "Number of partitions must be larger than 0.");
        if (replicationFactor < 1) return new ApiError(ErrorCode.InvalidReplicationFactor, "Replication factor must be larger than 0.");
        if (replicationFactor > state.Brokers.Length)
            return new ApiError(ErrorCode.InvalidReplicationFactor,
                $"Unable to replicate the partition {replicationFactor} time(s): The target replication factor of {replicationFactor} cannot be reached because only {state.Brokers.Length} broker(s) are registered.");
        return ValidateConfigs(configs);
    }

    public static ApiError? ValidateConfigs(IReadOnlyDictionary<string, string?> configs)
    {
        foreach (var (key, value) in configs)
        {
            if (!TopicConfigs.All.TryGetValue(key, out var def)) return new ApiError(ErrorCode.InvalidConfig, $"Unknown topic config name: {key}");
            if (value is null) return new ApiError(ErrorCode.InvalidConfig, $"Null value not supported for topic configs: {key}");
            if (def.Check(value) is { } error) return new ApiError(ErrorCode.InvalidConfig, error);
        }
        return null;
    }

    /// <summary>Checks a manual replica assignment: every partition lists the same number of distinct, known brokers.</summary>
    public static ApiError? ValidateAssignment(ClusterState state, IReadOnlyList<IReadOnlyList<int>> assignment)
    {
        if (assignment.Count == 0) return new ApiError(ErrorCode.InvalidReplicaAssignment, "Replica assignment is empty.");
        int rf = assignment[0].Count;
        foreach (var replicas in assignment)
        {
            if (replicas.Count == 0 || replicas.Count != rf)
                return new ApiError(ErrorCode.InvalidReplicaAssignment, "All partitions should have the same number of replicas.");
            if (replicas.Distinct().Count() != replicas.Count)
                return new ApiError(ErrorCode.InvalidReplicaAssignment, $"Duplicate brokers not allowed in replica assignment: {string.Join(", ", replicas)}.");
            if (replicas.Any(r => r < 0 || r >= state.Brokers.Length))
                return new ApiError(ErrorCode.InvalidReplicaAssignment, $"Replica assignment includes an unknown broker: {string.Join(", ", replicas)}.");
        }
        return null;
    }
}
