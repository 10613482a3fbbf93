using Microsoft.Extensions.Logging;
using Samsa.Client.Diagnostics;
using Samsa.Protocol;
using Samsa.Protocol.Messages;

namespace Samsa.Client.Cluster;

/// <summary>
/// Folds a Metadata response into the previous snapshot. As in KIP-320, a partition whose leader epoch is older than
/// the cached one is ignored (a lagging broker answered); topics not asked for keep their cached state.
/// </summary>
internal static class MetadataMerger
{
    public static ClusterMetadata Merge(ClusterMetadata previous, MetadataResponse response, bool allTopics, long timestamp, ILogger logger)
    {
        var brokers = response.Brokers.ToDictionary(b => b.NodeId, b => new BrokerInfo(b.NodeId, b.Host, b.Port, b.Rack));
        var topics = allTopics
            ? new Dictionary<string, TopicMetadata>(StringComparer.Ordinal)
            : new Dictionary<string, TopicMetadata>(previous.Topics, StringComparer.Ordinal);
        foreach (var topic in response.Topics)
        {
            if (topic.Name is not { } name) continue;
            var error = (ErrorCode)topic.ErrorCode;
            previous.Topics.TryGetValue(name, out var cached);
            if (cached is not null && cached.TopicId != topic.TopicId && topic.TopicId != Uuid.Zero && cached.TopicId != Uuid.Zero)
                cached = null; // the topic was deleted and recreated: old epochs mean nothing
            var partitions = new Dictionary<int, PartitionMetadata>();
            foreach (var p in topic.Partitions)
            {
                var fresh = new PartitionMetadata(p.PartitionIndex, p.LeaderId, p.LeaderEpoch, p.ReplicaNodes.ToArray(),
                    p.IsrNodes.ToArray(), p.OfflineReplicas.ToArray(), (ErrorCode)p.ErrorCode);
                if (cached is not null && cached.Partitions.TryGetValue(p.PartitionIndex, out var old)
                    && fresh.LeaderEpoch >= 0 && old.LeaderEpoch > fresh.LeaderEpoch)
                {
                    Log.StaleLeaderEpoch(logger, name, p.PartitionIndex, fresh.LeaderEpoch, old.LeaderEpoch);
                    partitions[p.PartitionIndex] = old;
                    continue;
                }
                partitions[p.PartitionIndex] = fresh;
            }
            if (error != ErrorCode.None && partitions.Count == 0 && cached is not null && error.IsRetriable())
            {
                // A transient topic error (LEADER_NOT_AVAILABLE during an election) keeps the partitions we knew.
                topics[name] = cached with { Error = error };
                continue;
            }
            topics[name] = new TopicMetadata(name, topic.TopicId, topic.IsInternal, partitions, error);
        }
        var merged = new ClusterMetadata(response.ClusterId, response.ControllerId, brokers, topics, timestamp);
        Log.MetadataUpdated(logger, brokers.Count, topics.Count, response.ControllerId);
        return merged;
    }

    /// <summary>Errors that mean our metadata is stale (Kafka's InvalidMetadataException family).</summary>
    public static bool CallsForRefresh(ErrorCode code) => code is ErrorCode.NotLeaderOrFollower or ErrorCode.UnknownTopicOrPartition
        or ErrorCode.LeaderNotAvailable or ErrorCode.FencedLeaderEpoch or ErrorCode.UnknownLeaderEpoch or ErrorCode.KafkaStorageError
        or ErrorCode.ReplicaNotAvailable or ErrorCode.UnknownTopicId or ErrorCode.InconsistentTopicId or ErrorCode.NetworkException
        or ErrorCode.NotController or ErrorCode.BrokerNotAvailable;
}
