using Samsa.Protocol.Messages;

namespace Samsa.Broker.Mini.Handlers;

/// <summary>
/// DescribeGroups (15), v0-5: state, protocol and members. As in Kafka, member metadata and assignments are only
/// reported while the group is Stable, and an unknown group is reported as Dead with no error.
/// </summary>
internal sealed class DescribeGroupsHandler : RequestHandler<DescribeGroupsRequest>
{
    public override ApiKey Key => ApiKey.DescribeGroups;

    protected override IKafkaApiMessage? Handle(RequestContext context, DescribeGroupsRequest request)
    {
        var response = new DescribeGroupsResponse();
        lock (context.Cluster.Sync)
        {
            var coordinator = context.Cluster.GroupCoordinator;
            foreach (var id in request.Groups)
            {
                var described = new DescribeGroupsResponse.DescribedGroup { GroupId = id, GroupState = "Dead" };
                response.Groups.Add(described);
                var error = coordinator.CheckCoordinator(id, context.Broker.Id);
                if (error != ErrorCode.None)
                {
                    described.ErrorCode = (short)error;
                    described.GroupState = "";
                    continue;
                }
                if (coordinator.Find(id) is not { } group) continue;
                described.GroupState = group.StateName;
                if (group.Consumer is { } consumer)
                {
                    described.ProtocolType = "consumer";
                    foreach (var m in consumer.Members.Values)
                        described.Members.Add(new DescribeGroupsResponse.DescribedGroupMember
                        {
                            MemberId = m.MemberId, GroupInstanceId = m.InstanceId, ClientId = m.ClientId, ClientHost = m.ClientHost,
                        });
                    continue;
                }
                described.ProtocolType = group.ProtocolType ?? "";
                bool stable = group.State == Coordinators.GroupState.Stable;
                described.ProtocolData = stable ? group.ProtocolName ?? "" : "";
                foreach (var m in group.Members.Values)
                    described.Members.Add(new DescribeGroupsResponse.DescribedGroupMember
                    {
                        MemberId = m.MemberId,
                        GroupInstanceId = m.InstanceId,
                        ClientId = m.ClientId,
                        ClientHost = m.ClientHost,
                        MemberMetadata = stable ? m.MetadataFor(group.ProtocolName ?? "") : [],
                        MemberAssignment = stable ? m.Assignment : [],
                    });
            }
        }
        return response;
    }
}
