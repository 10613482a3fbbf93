using Samsa.Admin.Internal;
using Samsa.Client;
using Samsa.Protocol;
using Samsa.Protocol.Messages;

namespace Samsa.Admin;

public sealed partial class AdminClient
{
    /// <summary>
    /// The group's committed offsets (from its coordinator): for <paramref name="partitions"/>, or every partition with
    /// a committed offset when null. Partitions asked for without a commit are left out. Throws the group's error.
    /// </summary>
    public async Task<IReadOnlyDictionary<TopicPartition, OffsetAndMetadata>> ListConsumerGroupOffsetsAsync(string groupId,
        IEnumerable<TopicPartition>? partitions = null, bool requireStable = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(groupId);
        var asked = partitions?.ToList();
        var results = await _driver.RunAsync<string, IReadOnlyDictionary<TopicPartition, OffsetAndMetadata>>("OffsetFetch", [groupId], GroupRoute,
            async (connection, _, ct) =>
            {
                short version = Version(connection, ApiKey.OffsetFetch);
                if (asked is null && version < 2)
                    return new() { [groupId] = Outcome<IReadOnlyDictionary<TopicPartition, OffsetAndMetadata>>.Fail(ErrorCode.UnsupportedVersion, "Listing all of a group's offsets needs OffsetFetch v2; name the partitions.") };
                var request = new OffsetFetchRequest { RequireStable = requireStable };
                var topics = asked?.GroupBy(p => p.Topic).Select(g => (g.Key, g.Select(p => p.Partition).ToList())).ToList();
                if (version >= 8)
                {
                    request.Groups.Add(new()
                    {
                        GroupId = groupId,
                        Topics = topics?.Select(t => new OffsetFetchRequest.OffsetFetchRequestTopics { Name = t.Key, PartitionIndexes = t.Item2 }).ToList(),
                    });
                }
                else
                {
                    request.GroupId = groupId;
                    request.Topics = topics?.Select(t => new OffsetFetchRequest.OffsetFetchRequestTopic { Name = t.Key, PartitionIndexes = t.Item2 }).ToList();
                }
                var response = await connection.SendAsync(request, version, null, ct).ConfigureAwait(false);
                var offsets = new Dictionary<TopicPartition, OffsetAndMetadata>();
                short error;
                if (version >= 8)
                {
                    var group = response.Groups.FirstOrDefault(g => g.GroupId == groupId);
                    if (group is null) return new() { [groupId] = Outcome<IReadOnlyDictionary<TopicPartition, OffsetAndMetadata>>.Fail(ErrorCode.UnknownServerError, "No group in the OffsetFetch response.") };
                    error = group.ErrorCode;
                    foreach (var t in group.Topics)
                    {
                        foreach (var p in t.Partitions)
                        {
                            if (p.ErrorCode != 0) error = error != 0 ? error : p.ErrorCode;
                            else if (p.CommittedOffset >= 0) offsets[new(t.Name, p.PartitionIndex)] = new(p.CommittedOffset, p.CommittedLeaderEpoch, p.Metadata);
                        }
                    }
                }
                else
                {
                    error = response.ErrorCode;
                    foreach (var t in response.Topics)
                    {
                        foreach (var p in t.Partitions)
                        {
                            if (p.ErrorCode != 0) error = error != 0 ? error : p.ErrorCode;
                            else if (p.CommittedOffset >= 0) offsets[new(t.Name, p.PartitionIndex)] = new(p.CommittedOffset, p.CommittedLeaderEpoch, p.Metadata);
                        }
                    }
                }
                return new() { [groupId] = Outcome<IReadOnlyDictionary<TopicPartition, OffsetAndMetadata>>.From(error, null, offsets) };
            }, cancellationToken).ConfigureAwait(false);
        return results[groupId].Value;
    }

    /// <summary>
    /// Commits offsets for a group from outside it (generation -1, no member id): the coordinator accepts this only while
    /// the group has no active members (UNKNOWN_MEMBER_ID otherwise). Each partition gets its own result.
    /// </summary>
    public Task<AdminResults<TopicPartition, Done>> AlterConsumerGroupOffsetsAsync(string groupId,
        IReadOnlyDictionary<TopicPartition, OffsetAndMetadata> offsets, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(groupId);
        ArgumentNullException.ThrowIfNull(offsets);
        return _driver.RunAsync<TopicPartition, Done>("OffsetCommit", offsets.Keys, _ => GroupRoute(groupId), async (connection, batch, ct) =>
        {
            var request = new OffsetCommitRequest { GroupId = groupId, GenerationIdOrMemberEpoch = -1, MemberId = "", RetentionTimeMs = -1 };
            foreach (var topic in batch.GroupBy(p => p.Topic))
            {
                request.Topics.Add(new()
                {
                    Name = topic.Key,
                    Partitions = topic.Select(p => new OffsetCommitRequest.OffsetCommitRequestPartition
                    {
                        PartitionIndex = p.Partition,
                        CommittedOffset = offsets[p].Offset,
                        CommittedLeaderEpoch = offsets[p].LeaderEpoch,
                        CommittedMetadata = offsets[p].Metadata ?? "",
                        CommitTimestamp = -1,
                    }).ToList(),
                });
            }
            var response = await connection.SendAsync(request, ct).ConfigureAwait(false);
            return response.Topics.SelectMany(t => t.Partitions.Select(p => (Key: new TopicPartition(t.Name, p.PartitionIndex), p.ErrorCode)))
                .ToMap(r => r.Key, r => Outcome<Done>.From(r.ErrorCode, null, default));
        }, cancellationToken);
    }

    /// <summary>
    /// Deletes a group's committed offsets for partitions of topics it no longer subscribes to (OffsetDelete;
    /// GROUP_SUBSCRIBED_TO_TOPIC for topics still in use). Each partition gets its own result.
    /// </summary>
    public Task<AdminResults<TopicPartition, Done>> DeleteConsumerGroupOffsetsAsync(string groupId, IEnumerable<TopicPartition> partitions,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(groupId);
        ArgumentNullException.ThrowIfNull(partitions);
        return _driver.RunAsync<TopicPartition, Done>("OffsetDelete", partitions, _ => GroupRoute(groupId), async (connection, batch, ct) =>
        {
            var request = new OffsetDeleteRequest
            {
                GroupId = groupId,
                Topics = batch.GroupBy(p => p.Topic).Select(t => new OffsetDeleteRequest.OffsetDeleteRequestTopic
                {
                    Name = t.Key,
                    Partitions = t.Select(p => new OffsetDeleteRequest.OffsetDeleteRequestPartition { PartitionIndex = p.Partition }).ToList(),
                }).ToList(),
            };
            var response = await connection.SendAsync(request, ct).ConfigureAwait(false);
            if (response.ErrorCode != 0) return All<TopicPartition, Done>(batch, response.ErrorCode, null);
            return response.Topics.SelectMany(t => t.Partitions.Select(p => (Key: new TopicPartition(t.Name, p.PartitionIndex), p.ErrorCode)))
                .ToMap(r => r.Key, r => Outcome<Done>.From(r.ErrorCode, null, default));
        }, cancellationToken);
    }
}
