using Samsa.Client;
using Samsa.Client.Connections;
using Samsa.Protocol;
using Samsa.Protocol.Messages;

namespace Samsa.Consumer.Internal;

/// <summary>OffsetCommit and OffsetFetch against the group coordinator, with coordinator failover and retries.</summary>
internal sealed class GroupOffsets
{
    private const short MaxOffsetFetchVersion = 7;
    private readonly KafkaCluster _cluster;
    private readonly string _groupId;
    private readonly string? _instanceId;
    private readonly ConsumerMetrics _metrics;
    private readonly TimeProvider _time;

    public GroupOffsets(KafkaCluster cluster, string groupId, string? instanceId, ConsumerMetrics metrics, TimeProvider time)
    {
        _cluster = cluster;
        _groupId = groupId;
        _instanceId = instanceId;
        _metrics = metrics;
        _time = time;
    }

    /// <summary>
    /// Commits <paramref name="offsets"/> as member <paramref name="memberId"/> of <paramref name="generation"/>
    /// (-1 and empty for a consumer outside the group protocol). Rebalance errors throw <see cref="CommitFailedException"/>.
    /// </summary>
    public async ValueTask CommitAsync(IReadOnlyCollection<TopicPartitionOffset> offsets, int generation, string memberId, CancellationToken cancellationToken)
    {
        if (offsets.Count == 0) return;
        long started = _time.GetTimestamp();
        await _cluster.RetryAsync<bool>(async ct =>
        {
            var connection = await CoordinatorAsync(ct).ConfigureAwait(false);
            var request = new OffsetCommitRequest
            {
                GroupId = _groupId,
                GenerationIdOrMemberEpoch = generation,
                MemberId = memberId,
            };
            foreach (var group in offsets.GroupBy(o => o.Topic))
            {
                var topic = new OffsetCommitRequest.OffsetCommitRequestTopic { Name = group.Key };
                foreach (var o in group)
                {
                    topic.Partitions.Add(new OffsetCommitRequest.OffsetCommitRequestPartition
                    {
                        PartitionIndex = o.Partition,
                        CommittedOffset = o.Offset,
                        CommittedLeaderEpoch = o.LeaderEpoch,
                        CommittedMetadata = "",
                    });
                }
                request.Topics.Add(topic);
            }
            short version = Math.Min(connection.SelectVersion(request), (short)9);
            if (version >= 7 && generation >= 0) request.GroupInstanceId = _instanceId;
            if (version < 6)
            {
                foreach (var p in request.Topics.SelectMany(t => t.Partitions)) p.CommittedLeaderEpoch = -1;
            }
            var response = await connection.SendAsync(request, version, null, ct).ConfigureAwait(false);
            foreach (var topic in response.Topics)
            {
                foreach (var p in topic.Partitions)
                {
                    var error = (ErrorCode)p.ErrorCode;
                    if (error == ErrorCode.None) continue;
                    Throw(error, $"OffsetCommit {topic.Name}-{p.PartitionIndex}");
                }
            }
            return true;
        }, cancellationToken).ConfigureAwait(false);
        _metrics.RecordCommit(_time.GetElapsedTime(started));
    }

    /// <summary>The committed offsets (Offset <see cref="Offsets.Unset"/> when none), waiting out unstable offsets (require_stable).</summary>
    public async ValueTask<Dictionary<TopicPartition, TopicPartitionOffset>> FetchAsync(IReadOnlyCollection<TopicPartition> partitions, CancellationToken cancellationToken)
    {
        var result = new Dictionary<TopicPartition, TopicPartitionOffset>();
        if (partitions.Count == 0) return result;
        return await _cluster.RetryAsync(async ct =>
        {
            var connection = await CoordinatorAsync(ct).ConfigureAwait(false);
            var request = new OffsetFetchRequest { GroupId = _groupId, RequireStable = true };
            request.Topics = partitions.GroupBy(p => p.Topic)
                .Select(g => new OffsetFetchRequest.OffsetFetchRequestTopic { Name = g.Key, PartitionIndexes = g.Select(p => p.Partition).ToList() })
                .ToList();
            short version = Math.Min(connection.SelectVersion(request), MaxOffsetFetchVersion);
            if (version < 7) request.RequireStable = false;
            var response = await connection.SendAsync(request, version, null, ct).ConfigureAwait(false);
            if ((ErrorCode)response.ErrorCode is var top and not ErrorCode.None) Throw(top, "OffsetFetch");
            foreach (var topic in response.Topics)
            {
                foreach (var p in topic.Partitions)
                {
                    var error = (ErrorCode)p.ErrorCode;
                    if (error != ErrorCode.None) Throw(error, $"OffsetFetch {topic.Name}-{p.PartitionIndex}");
                    long offset = p.CommittedOffset < 0 ? Offsets.Unset : p.CommittedOffset;
                    result[new TopicPartition(topic.Name, p.PartitionIndex)] = new TopicPartitionOffset(topic.Name, p.PartitionIndex, offset, p.CommittedLeaderEpoch);
                }
            }
            return result;
        }, cancellationToken).ConfigureAwait(false);
    }

    private ValueTask<KafkaConnection> CoordinatorAsync(CancellationToken ct) =>
        _cluster.GetCoordinatorConnectionAsync(CoordinatorType.Group, _groupId, ct);

    private void Throw(ErrorCode error, string what)
    {
        if (error is ErrorCode.NotCoordinator or ErrorCode.CoordinatorNotAvailable)
            _cluster.InvalidateCoordinator(CoordinatorType.Group, _groupId);
        if (error is ErrorCode.UnknownMemberId or ErrorCode.IllegalGeneration or ErrorCode.RebalanceInProgress or ErrorCode.FencedInstanceId
            or ErrorCode.StaleMemberEpoch or ErrorCode.FencedMemberEpoch)
            throw new CommitFailedException(error, $"{what}: {error.Describe()}. The group has rebalanced; the partitions may now belong to another member.");
        var exception = KafkaException.FromErrorCode(error, $"{what}: {error.Describe()}");
        throw exception;
    }
}
