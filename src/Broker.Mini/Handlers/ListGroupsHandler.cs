using Samsa.Protocol.Messages;

namespace Samsa.Broker.Mini.Handlers;

/// <summary>
/// ListGroups (16), v0-5: the groups this broker coordinates, filtered by state (v4+, case-insensitive) and type
/// (v5+: <c>classic</c> or <c>consumer</c>).
/// </summary>
internal sealed class ListGroupsHandler : RequestHandler<ListGroupsRequest>
{
    public override ApiKey Key => ApiKey.ListGroups;

    protected override IKafkaApiMessage? Handle(RequestContext context, ListGroupsRequest request)
    {
        var states = context.Version >= 4 ? request.StatesFilter : [];
        var types = context.Version >= 5 ? request.TypesFilter : [];
        var response = new ListGroupsResponse();
        lock (context.Cluster.Sync)
        {
            var coordinator = context.Cluster.GroupCoordinator;
            foreach (var group in coordinator.Groups.OrderBy(g => g.Id, StringComparer.Ordinal))
            {
                if (coordinator.CheckCoordinator(group.Id, context.Broker.Id) != ErrorCode.None) continue;
                string type = group.IsConsumerGroup ? "consumer" : "classic";
                if (states.Count > 0 && !states.Contains(group.StateName, StringComparer.OrdinalIgnoreCase)) continue;
                if (types.Count > 0 && !types.Contains(type, StringComparer.OrdinalIgnoreCase)) continue;
                response.Groups.Add(new ListGroupsResponse.ListedGroup
                {
                    GroupId = group.Id,
                    ProtocolType = group.IsConsumerGroup ? "consumer" : group.ProtocolType ?? "",
                    GroupState = group.StateName,
                    GroupType = type,
                });
            }
        }
        return response;
    }
}
