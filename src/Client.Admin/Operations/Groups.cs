using Samsa.Admin.Internal;
using Samsa.Client;
using Samsa.Protocol;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Primitives;

namespace Samsa.Admin;

public sealed partial class AdminClient
{
    /// <summary>
    /// Lists groups on every broker (each coordinates its own share), optionally only those in
    /// <paramref name="states"/> (ListGroups v4+). Throws when a broker cannot be asked, as Kafka's listing does not
    /// return a partial list silently.
    /// </summary>
    public async Task<IReadOnlyList<ConsumerGroupListing>> ListConsumerGroupsAsync(IEnumerable<string>? states = null,
        CancellationToken cancellationToken = default)
    {
        var filter = states?.ToList() ?? [];
        var metadata = await _cluster.RefreshMetadataAsync(null, cancellationToken).ConfigureAwait(false);
        var results = await _driver.RunAsync<int, IReadOnlyList<ConsumerGroupListing>>("ListGroups", metadata.Brokers.Keys.Order(), Route.ToNode,
            async (connection, brokers, ct) =>
            {
                short version = Version(connection, ApiKey.ListGroups);
                if (filter.Count > 0 && version < 4)
                    return All<int, IReadOnlyList<ConsumerGroupListing>>(brokers, (short)ErrorCode.UnsupportedVersion, "Filtering groups by state needs ListGroups v4.");
                var response = await connection.SendAsync(new ListGroupsRequest { StatesFilter = filter }, version, null, ct).ConfigureAwait(false);
                IReadOnlyList<ConsumerGroupListing> list = response.Groups.Select(g => new ConsumerGroupListing(g.GroupId, g.ProtocolType,
                    version >= 4 ? g.GroupState : null, version >= 5 ? g.GroupType : null, brokers[0])).ToList();
                return new() { [brokers[0]] = Outcome<IReadOnlyList<ConsumerGroupListing>>.From(response.ErrorCode, null, list) };
            }, cancellationToken).ConfigureAwait(false);
        results.ThrowFirstError();
        return results.SelectMany(r => r.Value).OrderBy(g => g.GroupId, StringComparer.Ordinal).ToList();
    }

    /// <summary>Describes groups (routed to each group's coordinator): state, assignor, members and decoded assignments.</summary>
    public Task<AdminResults<string, ConsumerGroupDescription>> DescribeConsumerGroupsAsync(IEnumerable<string> groupIds,
        bool includeAuthorizedOperations = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(groupIds);
        return _driver.RunAsync<string, ConsumerGroupDescription>("DescribeGroups", groupIds, GroupRoute, async (connection, batch, ct) =>
        {
            var request = new DescribeGroupsRequest { Groups = [.. batch], IncludeAuthorizedOperations = includeAuthorizedOperations };
            var response = await connection.SendAsync(request, ct).ConfigureAwait(false);
            int coordinator = connection.BrokerId ?? -1;
            return response.Groups.ToMap(g => g.GroupId, g => Outcome<ConsumerGroupDescription>.From(g.ErrorCode, null,
                new ConsumerGroupDescription(g.GroupId, g.GroupState, g.ProtocolType, g.ProtocolData, coordinator,
                    g.Members.Select(m => new GroupMemberDescription(m.MemberId, m.GroupInstanceId, m.ClientId, m.ClientHost,
                        g.ProtocolType == "consumer" ? DecodeAssignment(m.MemberAssignment) : [],
                        g.ProtocolType == "consumer" ? DecodeSubscription(m.MemberMetadata) : [])).ToList(),
                    includeAuthorizedOperations ? Operations(g.AuthorizedOperations) : null)));
        }, cancellationToken);
    }

    /// <summary>Deletes groups (they must be empty: NON_EMPTY_GROUP otherwise) with their committed offsets.</summary>
    public Task<AdminResults<string, Done>> DeleteConsumerGroupsAsync(IEnumerable<string> groupIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(groupIds);
        return _driver.RunAsync<string, Done>("DeleteGroups", groupIds, GroupRoute, async (connection, batch, ct) =>
        {
            var response = await connection.SendAsync(new DeleteGroupsRequest { GroupsNames = [.. batch] }, ct).ConfigureAwait(false);
            return response.Results.ToMap(r => r.GroupId, r => Outcome<Done>.From(r.ErrorCode, null, default));
        }, cancellationToken);
    }

    private static Route GroupRoute(string groupId) => Route.CoordinatorOf(CoordinatorType.Group, groupId);

    /// <summary>Decodes a consumer protocol assignment (int16 version, then the body); empty when absent or unreadable.</summary>
    internal static IReadOnlyList<TopicPartition> DecodeAssignment(byte[]? bytes)
    {
        if (bytes is null || bytes.Length < 2) return [];
        try
        {
            var reader = new KafkaReader(bytes.AsSpan());
            short version = reader.ReadInt16();
            var assignment = new ConsumerProtocolAssignment();
            assignment.Read(ref reader, Math.Min(version, ConsumerProtocolAssignment.HighestSupportedVersion));
            return assignment.AssignedPartitions.SelectMany(t => t.Partitions.Select(p => new TopicPartition(t.Topic, p)))
                .Order().ToList();
        }
        catch (KafkaProtocolException)
        {
            return [];
        }
    }

    private static IReadOnlyList<string> DecodeSubscription(byte[]? bytes)
    {
        if (bytes is null || bytes.Length < 2) return [];
        try
        {
            var reader = new KafkaReader(bytes.AsSpan());
            short version = reader.ReadInt16();
            var subscription = new ConsumerProtocolSubscription();
            subscription.Read(ref reader, Math.Min(version, ConsumerProtocolSubscription.HighestSupportedVersion));
            return subscription.Topics;
        }
        catch (KafkaProtocolException)
        {
            return [];
        }
    }
}
