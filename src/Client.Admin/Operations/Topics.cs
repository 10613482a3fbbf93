using Samsa.Admin.Internal;
using Samsa.Protocol;
using Samsa.Protocol.Messages;

namespace Samsa.Admin;

public sealed partial class AdminClient
{
    /// <summary>
    /// Creates topics (routed to the controller, one request per attempt). Each topic gets its own result: invalid or
    /// existing topics fail alone while the others are created. With <paramref name="validateOnly"/> the broker only checks.
    /// </summary>
    public Task<AdminResults<string, CreatedTopic>> CreateTopicsAsync(IEnumerable<NewTopic> topics, bool validateOnly = false,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(topics);
        var byName = topics.ToDictionary(t => t.Name, StringComparer.Ordinal);
        return _driver.RunAsync<string, CreatedTopic>("CreateTopics", byName.Keys, _ => Route.Controller, async (connection, names, ct) =>
        {
            var request = new CreateTopicsRequest { TimeoutMs = RequestTimeoutMs, ValidateOnly = validateOnly };
            foreach (var name in names)
            {
                var t = byName[name];
                var creatable = new CreateTopicsRequest.CreatableTopic { Name = name, NumPartitions = t.NumPartitions, ReplicationFactor = t.ReplicationFactor };
                if (t.ReplicaAssignments is { } assignments)
                {
                    creatable.NumPartitions = -1;
                    creatable.ReplicationFactor = -1;
                    foreach (var (partition, brokers) in assignments.OrderBy(a => a.Key))
                        creatable.Assignments.Add(new() { PartitionIndex = partition, BrokerIds = [.. brokers] });
                }
                foreach (var (key, value) in t.Configs ?? new Dictionary<string, string?>())
                    creatable.Configs.Add(new() { Name = key, Value = value });
                request.Topics.Add(creatable);
            }
            var response = await connection.SendAsync(request, ct).ConfigureAwait(false);
            return response.Topics.ToMap(r => r.Name, r => Outcome<CreatedTopic>.From(r.ErrorCode, r.ErrorMessage,
                new CreatedTopic(r.TopicId, r.NumPartitions, r.ReplicationFactor,
                    (r.Configs ?? []).Select(c => new ConfigEntry(c.Name, c.Value, (ConfigSource)c.ConfigSource, c.ReadOnly,
                        c.ConfigSource == (sbyte)ConfigSource.DefaultConfig, c.IsSensitive, [], ConfigType.Unknown, null)).ToList())));
        }, cancellationToken);
    }

    /// <summary>Deletes topics by name (routed to the controller); each topic gets its own result.</summary>
    public Task<AdminResults<string, Done>> DeleteTopicsAsync(IEnumerable<string> names, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(names);
        return _driver.RunAsync<string, Done>("DeleteTopics", names, _ => Route.Controller, async (connection, batch, ct) =>
        {
            var request = new DeleteTopicsRequest { TimeoutMs = RequestTimeoutMs };
            if (Version(connection, ApiKey.DeleteTopics) >= 6) request.Topics = batch.Select(n => new DeleteTopicsRequest.DeleteTopicState { Name = n }).ToList();
            else request.TopicNames = [.. batch];
            var response = await connection.SendAsync(request, ct).ConfigureAwait(false);
            return response.Responses.ToMap(r => r.Name ?? "", r => Outcome<Done>.From(r.ErrorCode, r.ErrorMessage, default));
        }, cancellationToken);
    }

    /// <summary>Deletes topics by topic id (DeleteTopics v6+, Kafka 2.8+); each result carries the deleted topic's name.</summary>
    public Task<AdminResults<Uuid, string>> DeleteTopicsByIdAsync(IEnumerable<Uuid> topicIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(topicIds);
        return _driver.RunAsync<Uuid, string>("DeleteTopics", topicIds, _ => Route.Controller, async (connection, batch, ct) =>
        {
            if (Version(connection, ApiKey.DeleteTopics) < 6)
                return All<Uuid, string>(batch, (short)ErrorCode.UnsupportedVersion, "Deleting topics by id needs DeleteTopics v6 (Kafka 2.8+).");
            var request = new DeleteTopicsRequest
            {
                TimeoutMs = RequestTimeoutMs,
                Topics = batch.Select(id => new DeleteTopicsRequest.DeleteTopicState { Name = null, TopicId = id }).ToList(),
            };
            var response = await connection.SendAsync(request, ct).ConfigureAwait(false);
            return response.Responses.ToMap(r => r.TopicId, r => Outcome<string>.From(r.ErrorCode, r.ErrorMessage, r.Name ?? ""));
        }, cancellationToken);
    }

    /// <summary>Lists the cluster's topics (internal topics such as <c>__consumer_offsets</c> only when <paramref name="listInternal"/>).</summary>
    public Task<IReadOnlyList<TopicListing>> ListTopicsAsync(bool listInternal = false, CancellationToken cancellationToken = default) =>
        _driver.RunSingleAsync<IReadOnlyList<TopicListing>>("ListTopics", Route.Any, async (connection, ct) =>
        {
            short version = Version(connection, ApiKey.Metadata);
            var request = new MetadataRequest { Topics = null, AllowAutoTopicCreation = version < 4 };
            var response = await connection.SendAsync(request, version, null, ct).ConfigureAwait(false);
            IReadOnlyList<TopicListing> list = response.Topics
                .Where(t => t.ErrorCode == 0 && t.Name is not null && (listInternal || !t.IsInternal))
                .Select(t => new TopicListing(t.Name!, t.TopicId, t.IsInternal)).OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
            return Outcome<IReadOnlyList<TopicListing>>.Ok(list);
        }, cancellationToken);

    /// <summary>
    /// Describes topics: partitions, leaders, replicas, ISR, topic ids and, when asked, the caller's authorized
    /// operations. A topic that does not exist fails alone with UNKNOWN_TOPIC_OR_PARTITION.
    /// </summary>
    public Task<AdminResults<string, TopicDescription>> DescribeTopicsAsync(IEnumerable<string> names, bool includeAuthorizedOperations = false,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(names);
        return _driver.RunAsync<string, TopicDescription>("DescribeTopics", names, _ => Route.Any, async (connection, batch, ct) =>
        {
            short version = Version(connection, ApiKey.Metadata);
            // Before v4 the auto-creation flag cannot be sent (brokers auto-create only when configured to).
            var request = new MetadataRequest
            {
                Topics = batch.Select(n => new MetadataRequest.MetadataRequestTopic { Name = n }).ToList(),
                AllowAutoTopicCreation = version < 4,
                IncludeTopicAuthorizedOperations = includeAuthorizedOperations && version >= 8,
            };
            var response = await connection.SendAsync(request, version, null, ct).ConfigureAwait(false);
            return response.Topics.Where(t => t.Name is not null).ToMap(t => t.Name!, t => Outcome<TopicDescription>.From(t.ErrorCode, null,
                new TopicDescription(t.Name!, t.TopicId, t.IsInternal,
                    t.Partitions.OrderBy(p => p.PartitionIndex).Select(p => new PartitionDescription(p.PartitionIndex, p.LeaderId, p.LeaderEpoch,
                        p.ReplicaNodes, p.IsrNodes, p.OfflineReplicas)).ToList(),
                    includeAuthorizedOperations && version >= 8 ? Operations(t.TopicAuthorizedOperations) : null)));
        }, cancellationToken);
    }

    /// <summary>Raises topics' partition counts (routed to the controller); each topic gets its own result.</summary>
    public Task<AdminResults<string, Done>> CreatePartitionsAsync(IReadOnlyDictionary<string, NewPartitions> increases, bool validateOnly = false,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(increases);
        return _driver.RunAsync<string, Done>("CreatePartitions", increases.Keys, _ => Route.Controller, async (connection, batch, ct) =>
        {
            var request = new CreatePartitionsRequest { TimeoutMs = RequestTimeoutMs, ValidateOnly = validateOnly };
            foreach (var name in batch)
            {
                var increase = increases[name];
                request.Topics.Add(new()
                {
                    Name = name,
                    Count = increase.TotalCount,
                    Assignments = increase.Assignments?.Select(a => new CreatePartitionsRequest.CreatePartitionsAssignment { BrokerIds = [.. a] }).ToList(),
                });
            }
            var response = await connection.SendAsync(request, ct).ConfigureAwait(false);
            return response.Results.ToMap(r => r.Name, r => Outcome<Done>.From(r.ErrorCode, r.ErrorMessage, default));
        }, cancellationToken);
    }
}
