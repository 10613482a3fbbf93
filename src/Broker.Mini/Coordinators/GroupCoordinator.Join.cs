using Samsa.Protocol.Messages;

namespace Samsa.Broker.Mini.Coordinators;

internal sealed partial class GroupCoordinator
{
    /// <summary>
    /// JoinGroup: returns a completed task for immediate answers (errors, MEMBER_ID_REQUIRED, a rejoin that changes
    /// nothing) or one that completes when the join phase of the rebalance ends.
    /// </summary>
    public Task<JoinGroupResponse> Join(JoinRequestArgs a)
    {
        var config = Config;
        if (a.SessionTimeoutMs < config.MinSessionTimeoutMs || a.SessionTimeoutMs > config.MaxSessionTimeoutMs)
            return JoinError(ErrorCode.InvalidSessionTimeout, a.MemberId);
        bool unknown = a.MemberId.Length == 0;
        var group = Find(a.GroupId);
        if (group is null)
        {
            if (!unknown) return JoinError(ErrorCode.UnknownMemberId, a.MemberId);
            group = GetOrCreate(a.GroupId);
        }
        if (group.IsConsumerGroup && group.Consumer!.Members.Count > 0) return JoinError(ErrorCode.InconsistentGroupProtocol, a.MemberId);
        if (group.IsConsumerGroup) group.Consumer = null;
        if (!group.SupportsProtocols(a.ProtocolType, a.Protocols.Select(p => p.Name)))
            return JoinError(ErrorCode.InconsistentGroupProtocol, a.MemberId);
        if (unknown && group.Members.Count >= config.MaxSize && !(a.InstanceId is { } i && group.StaticMembers.ContainsKey(i)))
            return JoinError(ErrorCode.GroupMaxSizeReached, a.MemberId);
        return unknown ? JoinUnknown(group, a) : JoinKnown(group, a);
    }

    private Task<JoinGroupResponse> JoinUnknown(Group group, JoinRequestArgs a)
    {
        string newId = $"{a.InstanceId ?? a.ClientId}-{Guid.NewGuid()}";
        if (a.InstanceId is { } instanceId)
        {
            if (group.StaticMembers.TryGetValue(instanceId, out var oldId) && group.Members.TryGetValue(oldId, out var old))
                return ReplaceStaticMember(group, old, newId, a);
            return AddMemberAndRebalance(group, newId, a, $"new static member {instanceId} joined");
        }
        if (a.RequireKnownMemberId)
        {
            long deadline = NowMs + a.SessionTimeoutMs;
            group.PendingMembers[newId] = deadline;
            Schedule(a.SessionTimeoutMs, () => ExpirePendingMember(group, newId));
            return JoinError(ErrorCode.MemberIdRequired, newId);
        }
        return AddMemberAndRebalance(group, newId, a, $"new member {newId} joined");
    }

    private Task<JoinGroupResponse> JoinKnown(Group group, JoinRequestArgs a)
    {
        if (group.PendingMembers.Remove(a.MemberId)) return AddMemberAndRebalance(group, a.MemberId, a, $"pending member {a.MemberId} joined");
        var (error, member) = ValidateMember(group, a.MemberId, a.InstanceId);
        if (error != ErrorCode.None) return JoinError(error, a.MemberId);
        var m = member!;
        switch (group.State)
        {
            case GroupState.PreparingRebalance:
                UpdateMember(m, a);
                var task = AwaitJoin(m);
                MaybeCompleteJoin(group);
                return task;
            case GroupState.CompletingRebalance when m.SameProtocols(a.Protocols):
                ArmSession(group, m);
                return Task.FromResult(CurrentGeneration(group, m, includeMembers: m.MemberId == group.LeaderId));
            case GroupState.Stable when m.MemberId != group.LeaderId && m.SameProtocols(a.Protocols):
                ArmSession(group, m);
                return Task.FromResult(CurrentGeneration(group, m, includeMembers: false));
            case GroupState.CompletingRebalance or GroupState.Stable:
                UpdateMember(m, a);
                var waiting = AwaitJoin(m);
                PrepareRebalance(group, $"member {m.MemberId} rejoined ({a.Reason ?? "metadata changed"})");
                return waiting;
            default:
                return JoinError(ErrorCode.UnknownMemberId, a.MemberId);
        }
    }

    /// <summary>A static member restarted: it takes over the old member id's place (and assignment) under a new id.</summary>
    private Task<JoinGroupResponse> ReplaceStaticMember(Group group, ClassicMember m, string newId, JoinRequestArgs a)
    {
        string oldId = m.MemberId;
        m.JoinWaiter?.TrySetResult(Error<JoinGroupResponse>(ErrorCode.FencedInstanceId, oldId));
        m.JoinWaiter = null;
        m.SyncWaiter?.TrySetResult(Error<SyncGroupResponse>(ErrorCode.FencedInstanceId, oldId));
        m.SyncWaiter = null;
        group.Members.Remove(oldId);
        m.MemberId = newId;
        group.Members[newId] = m;
        group.StaticMembers[a.InstanceId!] = newId;
        if (group.PendingSync.Remove(oldId)) group.PendingSync.Add(newId);
        if (group.LeaderId == oldId) group.LeaderId = newId;
        CoordinatorLog.StaticMemberReplaced(Logger, group.Id, a.InstanceId!, oldId, newId);
        bool sameProtocols = m.SameProtocols(a.Protocols);
        UpdateMember(m, a);
        if (group.Is(GroupState.Stable) && sameProtocols)
        {
            var response = CurrentGeneration(group, m, includeMembers: newId == group.LeaderId);
            response.SkipAssignment = newId == group.LeaderId;
            return Task.FromResult(response);
        }
        var task = AwaitJoin(m);
        if (group.Is(GroupState.PreparingRebalance)) MaybeCompleteJoin(group);
        else PrepareRebalance(group, $"static member {a.InstanceId} rejoined with new metadata");
        return task;
    }

    private Task<JoinGroupResponse> AddMemberAndRebalance(Group group, string memberId, JoinRequestArgs a, string reason)
    {
        var m = new ClassicMember(memberId, a.InstanceId);
        UpdateMember(m, a);
        if (a.InstanceId is { } instanceId) group.StaticMembers[instanceId] = memberId;
        if (group.Members.Count == 0) group.ProtocolType = a.ProtocolType;
        group.Members[memberId] = m;
        var task = AwaitJoin(m);
        ArmSession(group, m);
        if (group.State is GroupState.Stable or GroupState.CompletingRebalance or GroupState.Empty) PrepareRebalance(group, reason);
        else MaybeCompleteJoin(group);
        return task;
    }

    private void UpdateMember(ClassicMember m, JoinRequestArgs a)
    {
        m.ClientId = a.ClientId;
        m.ClientHost = a.ClientHost;
        m.SessionTimeoutMs = a.SessionTimeoutMs;
        m.RebalanceTimeoutMs = a.RebalanceTimeoutMs;
        m.ProtocolType = a.ProtocolType;
        m.Protocols = a.Protocols;
    }

    private static Task<JoinGroupResponse> AwaitJoin(ClassicMember m)
    {
        // A newer JoinGroup from the same member supersedes an older one still waiting.
        m.JoinWaiter?.TrySetResult(Error<JoinGroupResponse>(ErrorCode.RebalanceInProgress, m.MemberId));
        m.JoinWaiter = new TaskCompletionSource<JoinGroupResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        return m.JoinWaiter.Task;
    }

    /// <summary>Moves the group to PreparingRebalance and arms the join deadline (or the initial delay for an empty group).</summary>
    private void PrepareRebalance(Group group, string reason)
    {
        if (group.Is(GroupState.CompletingRebalance))
        {
            foreach (var m in group.Members.Values)
            {
                m.Assignment = [];
                m.SyncWaiter?.TrySetResult(Error<SyncGroupResponse>(ErrorCode.RebalanceInProgress, m.MemberId));
                m.SyncWaiter = null;
            }
        }
        bool wasEmpty = group.Is(GroupState.Empty);
        group.State = GroupState.PreparingRebalance;
        group.PendingSync.Clear();
        int version = ++group.RebalanceVersion;
        CoordinatorLog.PreparingRebalance(Logger, group.Id, reason);
        long timeout = group.MaxRebalanceTimeoutMs;
        group.JoinDeadline = NowMs + timeout;
        int delay = Config.InitialRebalanceDelayMs;
        group.InInitialDelay = wasEmpty && delay > 0;
        group.MembersAtDelayStart = group.Members.Count;
        group.RebalanceTimer?.Dispose();
        group.RebalanceTimer = Schedule(group.InInitialDelay ? Math.Min(delay, timeout) : timeout, () => OnJoinDeadline(group, version));
        MaybeCompleteJoin(group);
    }

    private void OnJoinDeadline(Group group, int version)
    {
        if (group.RebalanceVersion != version || !group.Is(GroupState.PreparingRebalance)) return;
        if (group.InInitialDelay)
        {
            long remaining = group.JoinDeadline - NowMs;
            if (group.Members.Count > group.MembersAtDelayStart && remaining > 0)
            {
                // New members arrived during the delay: wait once more, within the rebalance timeout.
                group.MembersAtDelayStart = group.Members.Count;
                group.RebalanceTimer?.Dispose();
                group.RebalanceTimer = Schedule(Math.Min(Config.InitialRebalanceDelayMs, remaining), () => OnJoinDeadline(group, version));
                return;
            }
            group.InInitialDelay = false;
        }
        CompleteJoin(group);
    }

    private void MaybeCompleteJoin(Group group)
    {
        if (group.Is(GroupState.PreparingRebalance) && !group.InInitialDelay && group.HasAllMembersJoined) CompleteJoin(group);
    }

    /// <summary>Ends the join phase: drops members that did not rejoin, starts the next generation and answers every joiner.</summary>
    private void CompleteJoin(Group group)
    {
        group.RebalanceTimer?.Dispose();
        group.RebalanceTimer = null;
        foreach (var m in group.Members.Values.Where(m => !m.IsAwaitingJoin).ToList())
            RemoveMember(group, m, "did not rejoin before the rebalance timeout");
        group.Generation++;
        int version = ++group.RebalanceVersion;
        if (group.Members.Count == 0)
        {
            group.ProtocolName = null;
            group.LeaderId = null;
            SetState(group, GroupState.Empty);
            PersistGroup(group);
            return;
        }
        group.ProtocolName = group.SelectProtocol();
        if (group.LeaderId is null || !group.Members.ContainsKey(group.LeaderId)) group.LeaderId = group.Members.Keys.First();
        SetState(group, GroupState.CompletingRebalance);
        CoordinatorLog.GenerationStarted(Logger, group.Id, group.Generation, group.Members.Count, group.ProtocolName, group.LeaderId);
        foreach (var m in group.Members.Values)
        {
            var waiter = m.JoinWaiter!;
            m.JoinWaiter = null;
            group.PendingSync.Add(m.MemberId);
            ArmSession(group, m);
            waiter.TrySetResult(CurrentGeneration(group, m, includeMembers: m.MemberId == group.LeaderId));
        }
        // Members that never send SyncGroup within the rebalance timeout are removed (Kafka's pending-sync check).
        group.RebalanceTimer = Schedule(group.MaxRebalanceTimeoutMs, () => OnSyncDeadline(group, version));
    }

    private JoinGroupResponse CurrentGeneration(Group group, ClassicMember m, bool includeMembers)
    {
        var response = new JoinGroupResponse
        {
            GenerationId = group.Generation,
            ProtocolType = group.ProtocolType,
            ProtocolName = group.ProtocolName,
            Leader = group.LeaderId ?? "",
            MemberId = m.MemberId,
        };
        if (includeMembers)
        {
            foreach (var other in group.Members.Values)
                response.Members.Add(new JoinGroupResponse.JoinGroupResponseMember
                {
                    MemberId = other.MemberId, GroupInstanceId = other.InstanceId, Metadata = other.MetadataFor(group.ProtocolName ?? ""),
                });
        }
        return response;
    }

    private void ExpirePendingMember(Group group, string memberId)
    {
        if (!group.PendingMembers.TryGetValue(memberId, out long deadline) || deadline > NowMs) return;
        group.PendingMembers.Remove(memberId);
        MaybeCompleteJoin(group);
    }

    private void SetState(Group group, GroupState state)
    {
        group.State = state;
        if (state == GroupState.Empty) group.EmptySinceMs = NowMs;
        CoordinatorLog.StateChanged(Logger, group.Id, state.ToString());
    }

    private static Task<JoinGroupResponse> JoinError(ErrorCode code, string memberId) => Task.FromResult(Error<JoinGroupResponse>(code, memberId));
}
