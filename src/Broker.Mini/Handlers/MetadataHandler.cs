using Samsa.Broker.Mini.Cluster;
using Samsa.Broker.Mini.Configs;
using Samsa.Protocol;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Primitives;

namespace Samsa.Broker.Mini.Handlers;

/// <summary>Metadata (3): brokers, controller, topics with ids, leaders, epochs, replicas and ISR; auto-creates topics.</summary>
internal sealed class MetadataHandler : RequestHandler<MetadataRequest>
{
    public override ApiKey Key => ApiKey.Metadata;

    protected override IKafkaApiMessage? Handle(RequestContext context, MetadataRequest request)
    {
        var cluster = context.Cluster;
        var response = new MetadataResponse();
        lock (cluster.Sync)
        {
            response.ClusterId = cluster.ClusterId;
            response.ControllerId = cluster.ControllerId;
            foreach (var b in cluster.Brokers.Where(b => b.IsAlive))
                response.Brokers.Add(new MetadataResponse.MetadataResponseBroker { NodeId = b.Id, Host = b.Host, Port = b.Port, Rack = b.Rack });

            bool all = request.Topics is null || (context.Version == 0 && request.Topics.Count == 0);
            if (all)
            {
                foreach (var topic in cluster.Topics.Values.OrderBy(t => t.Name, StringComparer.Ordinal))
                    response.Topics.Add(Describe(cluster, topic, request));
                return response;
            }
            bool autoCreate = (context.Version < 4 || request.AllowAutoTopicCreation) && cluster.BrokerBool(BrokerConfigs.AutoCreateTopicsEnable);
            foreach (var wanted in request.Topics!)
            {
                if (wanted.Name is null)
                {
                    response.Topics.Add(cluster.TopicsById.TryGetValue(wanted.TopicId, out var byId)
                        ? Describe(cluster, byId, request)
                        : new MetadataResponse.MetadataResponseTopic { Name = null, TopicId = wanted.TopicId, ErrorCode = (short)ErrorCode.UnknownTopicId });
                    continue;
                }
                if (cluster.Topics.TryGetValue(wanted.Name, out var topic))
                {
                    response.Topics.Add(Describe(cluster, topic, request));
                    continue;
                }
                response.Topics.Add(Missing(cluster, wanted.Name, autoCreate));
            }
        }
        return response;
    }

    private static MetadataResponse.MetadataResponseTopic Missing(ClusterState cluster, string name, bool autoCreate)
    {
        var result = new MetadataResponse.MetadataResponseTopic { Name = name, ErrorCode = (short)ErrorCode.UnknownTopicOrPartition };
        if (ClusterState.ValidateTopicName(name) is not null)
        {
            result.ErrorCode = (short)ErrorCode.InvalidTopicException;
            return result;
        }
        if (!autoCreate) return result;
        int partitions = cluster.BrokerInt(BrokerConfigs.NumPartitions);
        int rf = Math.Min(cluster.BrokerInt(BrokerConfigs.DefaultReplicationFactor), cluster.Brokers.Length);
        var topic = cluster.CreateTopic(name, cluster.AssignReplicas(partitions, rf), new Dictionary<string, string>());
        // Like Kafka, the request that triggers creation learns only that the leader is not available yet.
        result.ErrorCode = (short)ErrorCode.LeaderNotAvailable;
        result.TopicId = topic.Id;
        return result;
    }

    private static MetadataResponse.MetadataResponseTopic Describe(ClusterState cluster, TopicState topic, MetadataRequest request)
    {
        var result = new MetadataResponse.MetadataResponseTopic
        {
            Name = topic.Name,
            TopicId = topic.Id,
            IsInternal = topic.IsInternal,
            TopicAuthorizedOperations = request.IncludeTopicAuthorizedOperations ? AllTopicOperations : int.MinValue,
        };
        foreach (var p in topic.Partitions)
        {
            result.Partitions.Add(new MetadataResponse.MetadataResponsePartition
            {
                ErrorCode = (short)(p.Leader < 0 ? ErrorCode.LeaderNotAvailable : ErrorCode.None),
                PartitionIndex = p.Index,
                LeaderId = p.Leader,
                LeaderEpoch = p.LeaderEpoch,
                ReplicaNodes = p.Replicas.ToList(),
                IsrNodes = p.Isr.ToList(),
                OfflineReplicas = p.Replicas.Where(r => !cluster.Brokers[r].IsAlive).ToList(),
            });
        }
        return result;
    }

    /// <summary>READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS (no authorizer: all allowed).</summary>
    private const int AllTopicOperations = (1 << 3) | (1 << 4) | (1 << 5) | (1 << 6) | (1 << 7) | (1 << 8) | (1 << 10) | (1 << 11);

    internal static Uuid IdOf(TopicState topic) => topic.Id;
}
