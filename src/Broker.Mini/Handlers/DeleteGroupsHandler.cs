using Samsa.Protocol.Messages;

namespace Samsa.Broker.Mini.Handlers;

/// <summary>DeleteGroups (42), v0-2: deletes empty groups and their offsets (NON_EMPTY_GROUP while members remain).</summary>
internal sealed class DeleteGroupsHandler : CoordinatorWriteHandler<DeleteGroupsRequest>
{
    public override ApiKey Key => ApiKey.DeleteGroups;

    protected override void ApplyWriteError(IKafkaApiMessage response, ErrorCode error)
    {
        var r = (DeleteGroupsResponse)response;
        foreach (var g in r.Results) g.ErrorCode = Replace(g.ErrorCode, error);
    }

    protected override IKafkaApiMessage? Handle(RequestContext context, DeleteGroupsRequest request)
    {
        var response = new DeleteGroupsResponse();
        lock (context.Cluster.Sync)
        {
            var coordinator = context.Cluster.GroupCoordinator;
            foreach (var id in request.GroupsNames)
            {
                var error = coordinator.CheckCoordinator(id, context.Broker.Id);
                if (error == ErrorCode.None)
                {
                    var group = coordinator.Find(id);
                    bool empty = group?.Consumer is { } c ? c.Members.Count == 0 : group?.State == Coordinators.GroupState.Empty;
                    if (group is null || group.State == Coordinators.GroupState.Dead) error = ErrorCode.GroupIdNotFound;
                    else if (!empty) error = ErrorCode.NonEmptyGroup;
                    else coordinator.DeleteGroup(group);
                }
                response.Results.Add(new DeleteGroupsResponse.DeletableGroupResult { GroupId = id, ErrorCode = (short)error });
            }
        }
        return response;
    }
}
