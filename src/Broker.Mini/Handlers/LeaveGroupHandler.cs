using Samsa.Protocol.Messages;

namespace Samsa.Broker.Mini.Handlers;

/// <summary>LeaveGroup (13), v0-5: one member (v0-2) or a batch of members by id or group.instance.id (v3+).</summary>
internal sealed class LeaveGroupHandler : CoordinatorWriteHandler<LeaveGroupRequest>
{
    public override ApiKey Key => ApiKey.LeaveGroup;

    protected override void ApplyWriteError(IKafkaApiMessage response, ErrorCode error)
    {
        var r = (LeaveGroupResponse)response;
        r.ErrorCode = Replace(r.ErrorCode, error);
        foreach (var m in r.Members) m.ErrorCode = Replace(m.ErrorCode, error);
    }

    protected override IKafkaApiMessage? Handle(RequestContext context, LeaveGroupRequest request)
    {
        var leaving = context.Version >= 3
            ? request.Members.Select(m => (m.MemberId, m.GroupInstanceId, m.Reason)).ToList()
            : [(request.MemberId, (string?)null, (string?)null)];
        var response = new LeaveGroupResponse();
        lock (context.Cluster.Sync)
        {
            var coordinator = context.Cluster.GroupCoordinator;
            var error = coordinator.CheckCoordinator(request.GroupId, context.Broker.Id);
            if (error != ErrorCode.None)
            {
                response.ErrorCode = (short)error;
                return response;
            }
            var results = coordinator.Leave(request.GroupId, leaving);
            if (context.Version < 3)
            {
                response.ErrorCode = (short)results[0];
                return response;
            }
            for (int i = 0; i < leaving.Count; i++)
                response.Members.Add(new LeaveGroupResponse.MemberResponse
                {
                    MemberId = leaving[i].MemberId, GroupInstanceId = leaving[i].GroupInstanceId, ErrorCode = (short)results[i],
                });
        }
        return response;
    }
}
