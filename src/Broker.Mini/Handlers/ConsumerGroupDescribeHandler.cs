using Samsa.Broker.Mini.Coordinators;
using Samsa.Protocol.Messages;

namespace Samsa.Broker.Mini.Handlers;

/// <summary>ConsumerGroupDescribe (69), v0: epochs, assignor and each member's current and target assignment.</summary>
internal sealed class ConsumerGroupDescribeHandler : RequestHandler<ConsumerGroupDescribeRequest>
{
    public override ApiKey Key => ApiKey.ConsumerGroupDescribe;

    protected override IKafkaApiMessage? Handle(RequestContext context, ConsumerGroupDescribeRequest request)
    {
        var response = new ConsumerGroupDescribeResponse();
        lock (context.Cluster.Sync)
        {
            var coordinator = context.Cluster.GroupCoordinator;
            foreach (var id in request.GroupIds)
            {
                var described = new ConsumerGroupDescribeResponse.DescribedGroup { GroupId = id };
                response.Groups.Add(described);
                var error = coordinator.CheckCoordinator(id, context.Broker.Id);
                var state = coordinator.Find(id)?.Consumer;
                if (error == ErrorCode.None && state is null) error = ErrorCode.GroupIdNotFound;
                if (error != ErrorCode.None)
                {
                    described.ErrorCode = (short)error;
                    described.ErrorMessage = error == ErrorCode.GroupIdNotFound ? $"Group {id} is not a consumer group." : null;
                    continue;
                }
                described.GroupState = state!.StateName;
                described.GroupEpoch = state.GroupEpoch;
                described.AssignmentEpoch = state.AssignmentEpoch;
                described.AssignorName = state.AssignorName;
                foreach (var m in state.Members.Values)
                    described.Members.Add(new ConsumerGroupDescribeResponse.Member
                    {
                        MemberId = m.MemberId, InstanceId = m.InstanceId, RackId = m.RackId, MemberEpoch = m.MemberEpoch,
                        ClientId = m.ClientId, ClientHost = m.ClientHost, SubscribedTopicNames = m.SubscribedTopics.ToList(), SubscribedTopicRegex = m.SubscribedRegex,
                        Assignment = Describe(context, m.Assigned),
                        TargetAssignment = Describe(context, state.Target.GetValueOrDefault(m.MemberId) ?? new PartitionSet()),
                    });
            }
        }
        return response;
    }

    private static ConsumerGroupDescribeResponse.Assignment Describe(RequestContext context, PartitionSet set)
    {
        var a = new ConsumerGroupDescribeResponse.Assignment();
        foreach (var (topicId, partitions) in set)
            a.TopicPartitions.Add(new ConsumerGroupDescribeResponse.TopicPartitions
            {
                TopicId = topicId, TopicName = context.Cluster.TopicsById.GetValueOrDefault(topicId)?.Name ?? "", Partitions = partitions.ToList(),
            });
        return a;
    }
}
