using Samsa.Admin.Internal;
using Samsa.Client;
using Samsa.Client.Connections;
using Samsa.Protocol;
using Samsa.Protocol.Messages;

namespace Samsa.Admin;

public sealed partial class AdminClient
{
    /// <summary>The cluster id, controller and brokers (DescribeCluster when the broker has it, else Metadata).</summary>
    public Task<ClusterDescription> DescribeClusterAsync(bool includeAuthorizedOperations = false, CancellationToken cancellationToken = default) =>
        _driver.RunSingleAsync<ClusterDescription>("DescribeCluster", Route.Any, async (connection, ct) =>
        {
            if (Supports(connection, ApiKey.DescribeCluster, 0))
            {
                var response = await connection.SendAsync(new DescribeClusterRequest { IncludeClusterAuthorizedOperations = includeAuthorizedOperations }, ct).ConfigureAwait(false);
                if (response.ErrorCode != 0) return Outcome<ClusterDescription>.Fail(response.ErrorCode, response.ErrorMessage);
                var brokers = response.Brokers.Select(b => new BrokerInfo(b.BrokerId, b.Host, b.Port, b.Rack)).OrderBy(b => b.NodeId).ToList();
                return Outcome<ClusterDescription>.Ok(new ClusterDescription(response.ClusterId, brokers.FirstOrDefault(b => b.NodeId == response.ControllerId),
                    brokers, includeAuthorizedOperations ? Operations(response.ClusterAuthorizedOperations) : null));
            }
            short version = Version(connection, ApiKey.Metadata);
            var request = new MetadataRequest
            {
                Topics = [],
                AllowAutoTopicCreation = version < 4,
                IncludeClusterAuthorizedOperations = includeAuthorizedOperations && version is >= 8 and <= 10,
            };
            var metadata = await connection.SendAsync(request, version, null, ct).ConfigureAwait(false);
            var list = metadata.Brokers.Select(b => new BrokerInfo(b.NodeId, b.Host, b.Port, b.Rack)).OrderBy(b => b.NodeId).ToList();
            return Outcome<ClusterDescription>.Ok(new ClusterDescription(metadata.ClusterId, list.FirstOrDefault(b => b.NodeId == metadata.ControllerId), list,
                includeAuthorizedOperations && version is >= 8 and <= 10 ? Operations(metadata.ClusterAuthorizedOperations) : null));
        }, cancellationToken);

    /// <summary>Each broker's log directories and the replicas in them (one request per broker).</summary>
    public Task<AdminResults<int, IReadOnlyList<LogDirDescription>>> DescribeLogDirsAsync(IEnumerable<int> brokerIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(brokerIds);
        return _driver.RunAsync<int, IReadOnlyList<LogDirDescription>>("DescribeLogDirs", brokerIds, Route.ToNode, async (connection, batch, ct) =>
        {
            var response = await connection.SendAsync(new DescribeLogDirsRequest { Topics = null }, ct).ConfigureAwait(false);
            IReadOnlyList<LogDirDescription> dirs = response.Results.Select(d => new LogDirDescription(d.LogDir, d.ErrorCode == 0 ? null : AdminError.Of((ErrorCode)d.ErrorCode),
                d.TotalBytes, d.UsableBytes, d.Topics.SelectMany(t => t.Partitions.Select(p =>
                    new ReplicaLogInfo(new TopicPartition(t.Name, p.PartitionIndex), p.PartitionSize, p.OffsetLag, p.IsFutureKey))).ToList())).ToList();
            return new() { [batch[0]] = Outcome<IReadOnlyList<LogDirDescription>>.From(response.ErrorCode, null, dirs) };
        }, cancellationToken);
    }

    /// <summary>
    /// Elects leaders (preferred or unclean) for partitions via the controller; each partition gets its own result.
    /// With null partitions the controller elects for every partition and reports those it acted on.
    /// </summary>
    public async Task<AdminResults<TopicPartition, Done>> ElectLeadersAsync(ElectionType electionType, IEnumerable<TopicPartition>? partitions,
        CancellationToken cancellationToken = default)
    {
        if (partitions is null)
        {
            var all = await _driver.RunSingleAsync<AdminResults<TopicPartition, Done>>("ElectLeaders", Route.Controller, async (connection, ct) =>
            {
                var request = new ElectLeadersRequest { ElectionType = (sbyte)electionType, TimeoutMs = RequestTimeoutMs, TopicPartitions = null };
                var response = await connection.SendAsync(request, ct).ConfigureAwait(false);
                var items = response.ReplicaElectionResults.SelectMany(t => t.PartitionResult.Select(p => p.ErrorCode == 0
                    ? new ItemResult<TopicPartition, Done>(new TopicPartition(t.Topic, p.PartitionId), default(Done))
                    : new ItemResult<TopicPartition, Done>(new TopicPartition(t.Topic, p.PartitionId), AdminError.Of((ErrorCode)p.ErrorCode, p.ErrorMessage)))).ToList();
                return Outcome<AdminResults<TopicPartition, Done>>.From(response.ErrorCode, null, new AdminResults<TopicPartition, Done>(items));
            }, cancellationToken).ConfigureAwait(false);
            return all;
        }
        return await _driver.RunAsync<TopicPartition, Done>("ElectLeaders", partitions, _ => Route.Controller, async (connection, batch, ct) =>
        {
            var request = new ElectLeadersRequest
            {
                ElectionType = (sbyte)electionType,
                TimeoutMs = RequestTimeoutMs,
                TopicPartitions = batch.GroupBy(p => p.Topic).Select(t => new ElectLeadersRequest.TopicPartitionsData { Topic = t.Key, Partitions = t.Select(p => p.Partition).ToList() }).ToList(),
            };
            var response = await connection.SendAsync(request, ct).ConfigureAwait(false);
            if (response.ErrorCode != 0) return All<TopicPartition, Done>(batch, response.ErrorCode, null);
            return response.ReplicaElectionResults.SelectMany(t => t.PartitionResult.Select(p => (Key: new TopicPartition(t.Topic, p.PartitionId), p)))
                .ToMap(r => r.Key, r => Outcome<Done>.From(r.p.ErrorCode, r.p.ErrorMessage, default));
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Starts (replica list) or cancels (null) partition reassignments via the controller.</summary>
    public Task<AdminResults<TopicPartition, Done>> AlterPartitionReassignmentsAsync(IReadOnlyDictionary<TopicPartition, IReadOnlyList<int>?> reassignments,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reassignments);
        return _driver.RunAsync<TopicPartition, Done>("AlterPartitionReassignments", reassignments.Keys, _ => Route.Controller, async (connection, batch, ct) =>
        {
            var request = new AlterPartitionReassignmentsRequest
            {
                TimeoutMs = RequestTimeoutMs,
                Topics = batch.GroupBy(p => p.Topic).Select(t => new AlterPartitionReassignmentsRequest.ReassignableTopic
                {
                    Name = t.Key,
                    Partitions = t.Select(p => new AlterPartitionReassignmentsRequest.ReassignablePartition
                    {
                        PartitionIndex = p.Partition,
                        Replicas = reassignments[p]?.ToList(),
                    }).ToList(),
                }).ToList(),
            };
            var response = await connection.SendAsync(request, ct).ConfigureAwait(false);
            if (response.ErrorCode != 0) return All<TopicPartition, Done>(batch, response.ErrorCode, response.ErrorMessage);
            return response.Responses.SelectMany(t => t.Partitions.Select(p => (Key: new TopicPartition(t.Name, p.PartitionIndex), p)))
                .ToMap(r => r.Key, r => Outcome<Done>.From(r.p.ErrorCode, r.p.ErrorMessage, default));
        }, cancellationToken);
    }

    /// <summary>Ongoing reassignments (of <paramref name="partitions"/>, or all when null), from the controller.</summary>
    public Task<IReadOnlyDictionary<TopicPartition, PartitionReassignment>> ListPartitionReassignmentsAsync(IEnumerable<TopicPartition>? partitions = null,
        CancellationToken cancellationToken = default)
    {
        var asked = partitions?.ToList();
        return _driver.RunSingleAsync<IReadOnlyDictionary<TopicPartition, PartitionReassignment>>("ListPartitionReassignments", Route.Controller, async (connection, ct) =>
        {
            var request = new ListPartitionReassignmentsRequest
            {
                TimeoutMs = RequestTimeoutMs,
                Topics = asked?.GroupBy(p => p.Topic).Select(t => new ListPartitionReassignmentsRequest.ListPartitionReassignmentsTopics
                {
                    Name = t.Key,
                    PartitionIndexes = t.Select(p => p.Partition).ToList(),
                }).ToList(),
            };
            var response = await connection.SendAsync(request, ct).ConfigureAwait(false);
            IReadOnlyDictionary<TopicPartition, PartitionReassignment> map = response.Topics
                .SelectMany(t => t.Partitions.Select(p => (Key: new TopicPartition(t.Name, p.PartitionIndex), Value: new PartitionReassignment(p.Replicas, p.AddingReplicas, p.RemovingReplicas))))
                .ToMap(e => e.Key, e => e.Value);
            return Outcome<IReadOnlyDictionary<TopicPartition, PartitionReassignment>>.From(response.ErrorCode, response.ErrorMessage, map);
        }, cancellationToken);
    }

    /// <summary>Finalized and supported features (from ApiVersions v3+ of any broker).</summary>
    public Task<FeatureMetadata> DescribeFeaturesAsync(CancellationToken cancellationToken = default) =>
        _driver.RunSingleAsync<FeatureMetadata>("DescribeFeatures", Route.Any, async (connection, ct) =>
        {
            var request = new ApiVersionsRequest { ClientSoftwareName = KafkaConnection.ClientSoftwareName, ClientSoftwareVersion = KafkaConnection.ClientSoftwareVersion };
            var response = await connection.SendAsync(request, ct).ConfigureAwait(false);
            return Outcome<FeatureMetadata>.From(response.ErrorCode, null, new FeatureMetadata(
                response.FinalizedFeatures.ToDictionary(f => f.Name, f => new FeatureRange(f.MinVersionLevel, f.MaxVersionLevel), StringComparer.Ordinal),
                response.FinalizedFeaturesEpoch,
                response.SupportedFeatures.ToDictionary(f => f.Name, f => new FeatureRange(f.MinVersion, f.MaxVersion), StringComparer.Ordinal)));
        }, cancellationToken);
}
