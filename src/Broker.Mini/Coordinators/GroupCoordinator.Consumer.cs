using Samsa.Protocol.Messages;

namespace Samsa.Broker.Mini.Coordinators;

internal sealed partial class GroupCoordinator
{
    /// <summary>
    /// ConsumerGroupHeartbeat (KIP-848): joins (epoch 0), leaves (epoch -1, or -2 for a static member's temporary
    /// leave), updates the subscription, recomputes the target assignment when the group epoch moved, and reconciles
    /// the member: partitions to revoke are taken away first (the member keeps its epoch until it confirms by
    /// reporting its owned partitions), then it moves to the target epoch and receives the partitions no other member
    /// still holds; the rest follow on later heartbeats as other members release them.
    /// </summary>
    public ConsumerGroupHeartbeatResponse ConsumerHeartbeat(ConsumerGroupHeartbeatRequest r, string clientId, string clientHost)
    {
        var config = Config;
        var response = new ConsumerGroupHeartbeatResponse { HeartbeatIntervalMs = config.ConsumerHeartbeatIntervalMs, MemberId = r.MemberId };
        var group = Find(r.GroupId);
        if (group is not null && !group.IsConsumerGroup)
        {
            if (group.Members.Count > 0) return Fail(response, ErrorCode.GroupIdNotFound, "The group is a classic group with members.");
            group.Consumer = new ConsumerGroupState { GroupEpoch = Math.Max(group.Generation, 0), AssignmentEpoch = Math.Max(group.Generation, 0) };
        }
        if (r.ServerAssignor is { } asked && !config.ConsumerAssignors.Contains(asked))
            return Fail(response, ErrorCode.UnsupportedAssignor, $"Assignor {asked} is not supported.");
        if (r.MemberEpoch == 0 && r.SubscribedTopicNames is null && r.SubscribedTopicRegex is null)
            return Fail(response, ErrorCode.InvalidRequest, "SubscribedTopicNames must be set in the first request.");
        if (r.SubscribedTopicRegex is not null) return Fail(response, ErrorCode.InvalidRequest, "Broker.Mini does not support SubscribedTopicRegex.");

        if (r.MemberEpoch < 0)
        {
            if (group?.Consumer is not { } c0 || !c0.Members.TryGetValue(r.MemberId, out var leaving)) return Fail(response, ErrorCode.UnknownMemberId, null);
            if (r.MemberEpoch == -2 && leaving.InstanceId is not null) leaving.MemberEpoch = -2; // Static member: keeps its partitions until its session expires.
            else RemoveConsumerMember(group, leaving);
            response.MemberEpoch = r.MemberEpoch;
            return response;
        }
        group ??= GetOrCreate(r.GroupId);
        var state = group.Consumer ??= new ConsumerGroupState();
        ConsumerMember m;
        if (r.MemberEpoch == 0)
        {
            string id = r.MemberId.Length > 0 ? r.MemberId : Guid.NewGuid().ToString("N");
            var previous = r.InstanceId is { } instance ? state.Members.Values.FirstOrDefault(x => x.InstanceId == instance && x.MemberId != id) : null;
            if (previous is not null && previous.MemberEpoch != -2) return Fail(response, ErrorCode.UnreleasedInstanceId, null);
            if (previous is not null)
            {
                // A static member came back after a temporary leave: it takes over the old member's place and partitions.
                m = new ConsumerMember(id) { Assigned = previous.Assigned, PendingRevocation = previous.PendingRevocation, SubscribedTopics = previous.SubscribedTopics };
                previous.IsRemoved = true;
                previous.SessionTimer?.Dispose();
                state.Members.Remove(previous.MemberId);
                state.Members[id] = m;
                if (state.Target.Remove(previous.MemberId, out var inherited)) state.Target[id] = inherited;
                m.MemberEpoch = state.AssignmentEpoch;
            }
            else if (!state.Members.TryGetValue(id, out m!))
            {
                m = new ConsumerMember(id); // The group epoch moves below, when its subscription is recorded.
                state.Members[id] = m;
            }
            else
            {
                m.MemberEpoch = 0;
                m.Assigned = new PartitionSet();
                m.PendingRevocation = new PartitionSet();
            }
        }
        else
        {
            if (!state.Members.TryGetValue(r.MemberId, out m!)) return Fail(response, ErrorCode.UnknownMemberId, null);
            if (r.MemberEpoch != m.MemberEpoch) return Fail(response, ErrorCode.FencedMemberEpoch, null);
        }
        m.ClientId = clientId;
        m.ClientHost = clientHost;
        if (r.InstanceId is not null) m.InstanceId = r.InstanceId;
        if (r.RackId is not null) m.RackId = r.RackId;
        if (r.RebalanceTimeoutMs >= 0) m.RebalanceTimeoutMs = r.RebalanceTimeoutMs;
        if (r.ServerAssignor is not null) m.ServerAssignor = r.ServerAssignor;
        if (r.SubscribedTopicNames is { } names)
        {
            var sortedNames = names.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            if (!sortedNames.SequenceEqual(m.SubscribedTopics)) state.GroupEpoch++;
            m.SubscribedTopics = sortedNames;
        }
        ArmConsumerSession(group, m, config.ConsumerSessionTimeoutMs);

        if (state.GroupEpoch > state.AssignmentEpoch) ComputeTarget(state, config);
        if (!Reconcile(state, m, r.TopicPartitions)) return Fail(response, ErrorCode.FencedMemberEpoch, "The member did not revoke its partitions within the rebalance timeout.");
        CoordinatorLog.ConsumerMemberEpoch(Logger, group.Id, m.MemberId, m.MemberEpoch, state.AssignmentEpoch);
        response.MemberId = m.MemberId;
        response.MemberEpoch = m.MemberEpoch;
        response.Assignment = new ConsumerGroupHeartbeatResponse.AssignmentData();
        foreach (var (topic, partitions) in m.Assigned)
            response.Assignment.TopicPartitions.Add(new ConsumerGroupHeartbeatResponse.TopicPartitions { TopicId = topic, Partitions = partitions.ToList() });
        return response;
    }

    private void ComputeTarget(ConsumerGroupState state, GroupConfig config)
    {
        string assignor = state.Members.Values.Select(x => x.ServerAssignor).FirstOrDefault(a => a is not null) ?? config.ConsumerAssignors.FirstOrDefault() ?? ServerAssignors.Uniform;
        var topics = new Dictionary<string, (Uuid, int)>(StringComparer.Ordinal);
        foreach (var name in state.Members.Values.SelectMany(x => x.SubscribedTopics).Distinct())
            if (_cluster.Topics.TryGetValue(name, out var t)) topics[name] = (t.Id, t.Partitions.Count);
        var target = ServerAssignors.Assign(assignor, state.Members.Values, topics, state.Target);
        state.Target.Clear();
        foreach (var (id, set) in target) state.Target[id] = set;
        state.AssignorName = assignor;
        state.AssignmentEpoch = state.GroupEpoch;
    }

    /// <summary>Moves a member toward its target; false when it overran its revocation deadline (it is fenced).</summary>
    private bool Reconcile(ConsumerGroupState state, ConsumerMember m, List<ConsumerGroupHeartbeatRequest.TopicPartitionsData>? owned)
    {
        if (m.PendingRevocation.Count > 0)
        {
            var reported = owned is null ? null : new PartitionSet(owned.SelectMany(t => t.Partitions.Select(p => (t.TopicId, p))));
            bool revoked = reported is not null && reported.Intersect(m.PendingRevocation).Total == 0;
            if (!revoked)
            {
                if (NowMs > m.RevocationDeadline)
                {
                    state.Members.Remove(m.MemberId);
                    m.IsRemoved = true;
                    m.SessionTimer?.Dispose();
                    state.GroupEpoch++;
                    return false;
                }
                return true;
            }
            m.PendingRevocation = new PartitionSet();
        }
        var target = state.Target.GetValueOrDefault(m.MemberId) ?? new PartitionSet();
        var toRevoke = m.Assigned.Except(target);
        if (toRevoke.Count > 0)
        {
            m.Assigned = m.Assigned.Intersect(target);
            m.PendingRevocation = toRevoke;
            m.RevocationDeadline = NowMs + Math.Max(m.RebalanceTimeoutMs, 0);
            return true;
        }
        m.MemberEpoch = state.AssignmentEpoch;
        var heldByOthers = new PartitionSet(state.Members.Values.Where(x => x != m).SelectMany(x => x.Assigned.Items.Concat(x.PendingRevocation.Items)));
        m.Assigned = new PartitionSet(m.Assigned.Items.Concat(target.Except(m.Assigned).Items.Where(i => !heldByOthers.Has(i.Topic, i.Partition))));
        return true;
    }

    private void RemoveConsumerMember(Group group, ConsumerMember m)
    {
        var state = group.Consumer!;
        m.IsRemoved = true;
        m.SessionTimer?.Dispose();
        state.Members.Remove(m.MemberId);
        state.Target.Remove(m.MemberId);
        state.GroupEpoch++;
        if (state.Members.Count == 0) group.EmptySinceMs = NowMs;
        CoordinatorLog.MemberRemoved(Logger, group.Id, m.MemberId, "left or expired (consumer protocol)");
    }

    private void ArmConsumerSession(Group group, ConsumerMember m, int timeoutMs)
    {
        m.SessionDeadline = NowMs + timeoutMs;
        if (m.SessionTimer is null) m.SessionTimer = Schedule(timeoutMs, () => OnConsumerSessionTimer(group, m));
        else m.SessionTimer.Change(TimeSpan.FromMilliseconds(timeoutMs), Timeout.InfiniteTimeSpan);
    }

    private void OnConsumerSessionTimer(Group group, ConsumerMember m)
    {
        if (m.IsRemoved || group.Consumer is null) return;
        long left = m.SessionDeadline - NowMs;
        if (left > 0)
        {
            m.SessionTimer?.Change(TimeSpan.FromMilliseconds(left), Timeout.InfiniteTimeSpan);
            return;
        }
        RemoveConsumerMember(group, m);
    }

    private static ConsumerGroupHeartbeatResponse Fail(ConsumerGroupHeartbeatResponse response, ErrorCode code, string? message)
    {
        response.ErrorCode = (short)code;
        response.ErrorMessage = message;
        response.MemberEpoch = -1;
        response.Assignment = null;
        return response;
    }
}
