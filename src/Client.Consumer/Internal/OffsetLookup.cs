using Samsa.Client;
using Samsa.Protocol;
using Samsa.Protocol.Messages;

namespace Samsa.Consumer.Internal;

/// <summary>The answer of ListOffsets for one partition.</summary>
/// <param name="Offset">The offset found, or -1 when no record has a timestamp that late.</param>
/// <param name="Timestamp">The record's timestamp, or -1.</param>
/// <param name="LeaderEpoch">The leader epoch of that offset, or -1.</param>
internal readonly record struct ListedOffset(long Offset, long Timestamp, int LeaderEpoch);

/// <summary>ListOffsets, routed to each partition's leader, retried on retriable errors.</summary>
internal static class OffsetLookup
{
    public static async ValueTask<Dictionary<TopicPartition, ListedOffset>> ListAsync(KafkaCluster cluster,
        IReadOnlyDictionary<TopicPartition, long> timestamps, IsolationLevel isolation, CancellationToken cancellationToken)
    {
        var result = new Dictionary<TopicPartition, ListedOffset>();
        if (timestamps.Count == 0) return result;
        await cluster.RetryAsync<bool>(async ct =>
        {
            var byLeader = new Dictionary<int, List<TopicPartition>>();
            foreach (var tp in timestamps.Keys)
            {
                if (result.ContainsKey(tp)) continue;
                var leader = await cluster.GetLeaderAsync(tp.Topic, tp.Partition, ct).ConfigureAwait(false);
                if (!byLeader.TryGetValue(leader.LeaderId, out var list)) byLeader[leader.LeaderId] = list = [];
                list.Add(tp);
            }
            var tasks = byLeader.Select(pair => ListFromAsync(cluster, pair.Key, pair.Value, timestamps, isolation, result, ct)).ToList();
            KafkaException? retriable = null;
            foreach (var task in tasks)
            {
                var failure = await task.ConfigureAwait(false);
                retriable ??= failure;
            }
            if (retriable is not null) throw retriable;
            return true;
        }, cancellationToken).ConfigureAwait(false);
        return result;
    }

    private static async Task<KafkaException?> ListFromAsync(KafkaCluster cluster, int nodeId, List<TopicPartition> partitions,
        IReadOnlyDictionary<TopicPartition, long> timestamps, IsolationLevel isolation, Dictionary<TopicPartition, ListedOffset> result,
        CancellationToken cancellationToken)
    {
        try
        {
            var connection = await cluster.GetConnectionAsync(nodeId, cancellationToken).ConfigureAwait(false);
            short version = connection.SelectVersion(new ListOffsetsRequest());
            // librdkafka's mock broker (2.0.x) advertises v4-5 but answers them without the partition leader epoch,
            // which misaligns every partition after the first; brokers that stop at v5 get v3 (no epoch fencing).
            if (version is 4 or 5) version = 3;
            var request = new ListOffsetsRequest { ReplicaId = -1, IsolationLevel = version >= 2 ? (sbyte)isolation : (sbyte)0 };
            foreach (var group in partitions.GroupBy(p => p.Topic))
            {
                var topic = new ListOffsetsRequest.ListOffsetsTopic { Name = group.Key };
                foreach (var tp in group)
                {
                    topic.Partitions.Add(new ListOffsetsRequest.ListOffsetsPartition
                    {
                        PartitionIndex = tp.Partition,
                        Timestamp = timestamps[tp],
                        CurrentLeaderEpoch = version >= 4 ? cluster.Metadata.Partition(tp.Topic, tp.Partition)?.LeaderEpoch ?? -1 : -1,
                    });
                }
                request.Topics.Add(topic);
            }
            var response = await connection.SendAsync(request, version, null, cancellationToken).ConfigureAwait(false);
            KafkaException? retriable = null;
            foreach (var topic in response.Topics)
            {
                foreach (var p in topic.Partitions)
                {
                    var error = (ErrorCode)p.ErrorCode;
                    var tp = new TopicPartition(topic.Name, p.PartitionIndex);
                    if (error == ErrorCode.None)
                    {
                        long offset = version == 0 ? (p.OldStyleOffsets.Count > 0 ? p.OldStyleOffsets[0] : -1) : p.Offset;
                        lock (result) result[tp] = new ListedOffset(offset, p.Timestamp, p.LeaderEpoch);
                        continue;
                    }
                    var exception = KafkaException.FromErrorCode(error, $"ListOffsets for {tp}: {error.Describe()}");
                    if (!exception.IsRetriable) throw exception;
                    retriable = exception;
                }
            }
            return retriable;
        }
        catch (KafkaException e) when (e.IsRetriable)
        {
            return e;
        }
    }
}
