using Samsa.Admin.Internal;
using Samsa.Protocol;
using Samsa.Protocol.Messages;

namespace Samsa.Admin;

public sealed partial class AdminClient
{
    /// <summary>
    /// Looks up offsets (earliest, latest, max timestamp or by timestamp) on each partition's leader, one request per
    /// broker. Leader changes are retried after a metadata refresh; each partition gets its own result.
    /// </summary>
    public Task<AdminResults<TopicPartition, ListedOffset>> ListOffsetsAsync(IReadOnlyDictionary<TopicPartition, OffsetSpec> specs,
        IsolationLevel isolationLevel = IsolationLevel.ReadUncommitted, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(specs);
        return _driver.RunAsync<TopicPartition, ListedOffset>("ListOffsets", specs.Keys, p => Route.LeaderOf(p.Topic, p.Partition), async (connection, batch, ct) =>
        {
            var request = new ListOffsetsRequest { ReplicaId = -1, IsolationLevel = (sbyte)isolationLevel, TimeoutMs = RequestTimeoutMs };
            foreach (var topic in batch.GroupBy(p => p.Topic))
            {
                request.Topics.Add(new()
                {
                    Name = topic.Key,
                    Partitions = topic.Select(p => new ListOffsetsRequest.ListOffsetsPartition
                    {
                        PartitionIndex = p.Partition,
                        Timestamp = specs[p].Timestamp,
                        CurrentLeaderEpoch = -1,
                        MaxNumOffsets = 1,
                    }).ToList(),
                });
            }
            short version = Version(connection, ApiKey.ListOffsets);
            if (batch.Any(p => specs[p].Timestamp == -3) && version < 7)
                return All<TopicPartition, ListedOffset>(batch, (short)ErrorCode.UnsupportedVersion, "Max-timestamp lookups need ListOffsets v7 (Kafka 3.0+).");
            var response = await connection.SendAsync(request, version, null, ct).ConfigureAwait(false);
            return response.Topics.SelectMany(t => t.Partitions.Select(p => (Key: new TopicPartition(t.Name, p.PartitionIndex), p)))
                .ToMap(r => r.Key, r => Outcome<ListedOffset>.From(r.p.ErrorCode, null,
                    new ListedOffset(version == 0 ? (r.p.OldStyleOffsets.Count > 0 ? r.p.OldStyleOffsets[0] : -1) : r.p.Offset, r.p.Timestamp, r.p.LeaderEpoch)));
        }, cancellationToken);
    }

    /// <summary>
    /// Deletes records before the given offsets (-1: up to the high watermark) on each partition's leader. Each result
    /// carries the partition's new low watermark.
    /// </summary>
    public Task<AdminResults<TopicPartition, long>> DeleteRecordsAsync(IReadOnlyDictionary<TopicPartition, long> beforeOffsets,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(beforeOffsets);
        return _driver.RunAsync<TopicPartition, long>("DeleteRecords", beforeOffsets.Keys, p => Route.LeaderOf(p.Topic, p.Partition), async (connection, batch, ct) =>
        {
            var request = new DeleteRecordsRequest { TimeoutMs = RequestTimeoutMs };
            foreach (var topic in batch.GroupBy(p => p.Topic))
            {
                request.Topics.Add(new()
                {
                    Name = topic.Key,
                    Partitions = topic.Select(p => new DeleteRecordsRequest.DeleteRecordsPartition { PartitionIndex = p.Partition, Offset = beforeOffsets[p] }).ToList(),
                });
            }
            var response = await connection.SendAsync(request, ct).ConfigureAwait(false);
            return response.Topics.SelectMany(t => t.Partitions.Select(p => (Key: new TopicPartition(t.Name, p.PartitionIndex), p)))
                .ToMap(r => r.Key, r => Outcome<long>.From(r.p.ErrorCode, null, r.p.LowWatermark));
        }, cancellationToken);
    }
}
