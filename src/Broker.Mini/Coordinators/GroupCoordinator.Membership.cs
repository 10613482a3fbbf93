using Samsa.Broker.Mini.Cluster;
using Samsa.Protocol.Messages;

namespace Samsa.Broker.Mini.Coordinators;

internal sealed partial class GroupCoordinator
{
    /// <summary>SyncGroup: completes at once in Stable, or when the leader's assignment arrives in CompletingRebalance.</summary>
    public Task<SyncGroupResponse> Sync(string groupId, int generation, string memberId, string? instanceId, string? protocolType,
        string? protocolName, IReadOnlyDictionary<string, byte[]> assignments)
    {
        var group = Find(groupId);
        if (group is null || group.IsConsumerGroup) return SyncError(ErrorCode.UnknownMemberId);
        var (error, member) = ValidateMember(group, memberId, instanceId);
        if (error != ErrorCode.None) return SyncError(error);
        var m = member!;
        if (generation != group.Generation) return SyncError(ErrorCode.IllegalGeneration);
        if ((protocolType is not null && protocolType != group.ProtocolType) || (protocolName is not null && protocolName != group.ProtocolName))
            return SyncError(ErrorCode.InconsistentGroupProtocol);
        switch (group.State)
        {
            case GroupState.PreparingRebalance:
                return SyncError(ErrorCode.RebalanceInProgress);
            case GroupState.CompletingRebalance:
                group.PendingSync.Remove(m.MemberId);
                ArmSession(group, m);
                m.SyncWaiter?.TrySetResult(Error<SyncGroupResponse>(ErrorCode.RebalanceInProgress, m.MemberId));
                m.SyncWaiter = new TaskCompletionSource<SyncGroupResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
                var task = m.SyncWaiter.Task;
                if (m.MemberId == group.LeaderId && group.StoringGeneration != group.Generation)
                {
                    // Kafka's storeGroup: the group stays CompletingRebalance until the assignment is replicated.
                    foreach (var each in group.Members.Values) each.Assignment = assignments.GetValueOrDefault(each.MemberId) ?? [];
                    group.StoringGeneration = group.Generation;
                    _ = CompleteSyncAfterWriteAsync(group, group.Generation, PersistGroup(group));
                }
                return task;
            case GroupState.Stable:
                group.PendingSync.Remove(m.MemberId);
                ArmSession(group, m);
                return Task.FromResult(SyncResult(group, m));
            default:
                return SyncError(ErrorCode.UnknownMemberId);
        }
    }

    /// <summary>Heartbeat: keeps the session alive and tells the member whether a rebalance is under way.</summary>
    public ErrorCode Heartbeat(string groupId, int generation, string memberId, string? instanceId)
    {
        var group = Find(groupId);
        if (group is null || group.IsConsumerGroup) return ErrorCode.UnknownMemberId;
        var (error, m) = ValidateMember(group, memberId, instanceId);
        if (error != ErrorCode.None) return error;
        if (group.Is(GroupState.Empty)) return ErrorCode.UnknownMemberId;
        if (generation != group.Generation) return ErrorCode.IllegalGeneration;
        ArmSession(group, m!);
        return group.Is(GroupState.PreparingRebalance) ? ErrorCode.RebalanceInProgress : ErrorCode.None;
    }

    /// <summary>LeaveGroup for each (member id, instance id): the error per member.</summary>
    public List<ErrorCode> Leave(string groupId, IReadOnlyList<(string MemberId, string? InstanceId, string? Reason)> leaving)
    {
        var results = new List<ErrorCode>();
        var group = Find(groupId);
        foreach (var (memberId, instanceId, reason) in leaving)
        {
            if (group is null || group.IsConsumerGroup)
            {
                results.Add(ErrorCode.UnknownMemberId);
                continue;
            }
            string why = $"member left the group ({reason ?? "no reason given"})";
            if (instanceId is not null)
            {
                if (!group.StaticMembers.TryGetValue(instanceId, out var current)) results.Add(ErrorCode.UnknownMemberId);
                else if (memberId.Length > 0 && memberId != current) results.Add(ErrorCode.FencedInstanceId);
                else
                {
                    RemoveMemberAndUpdateGroup(group, group.Members[current], why);
                    results.Add(ErrorCode.None);
                }
                continue;
            }
            if (group.PendingMembers.Remove(memberId))
            {
                MaybeCompleteJoin(group);
                results.Add(ErrorCode.None);
            }
            else if (group.Members.TryGetValue(memberId, out var m))
            {
                RemoveMemberAndUpdateGroup(group, m, why);
                results.Add(ErrorCode.None);
            }
            else results.Add(ErrorCode.UnknownMemberId);
        }
        return results;
    }

    /// <summary>Kafka's member checks: FENCED_INSTANCE_ID for a static id now owned by another member, else UNKNOWN_MEMBER_ID.</summary>
    private static (ErrorCode, ClassicMember?) ValidateMember(Group group, string memberId, string? instanceId)
    {
        if (instanceId is not null && group.StaticMembers.TryGetValue(instanceId, out var current) && current != memberId)
            return (ErrorCode.FencedInstanceId, null);
        if (!group.Members.TryGetValue(memberId, out var m)) return (ErrorCode.UnknownMemberId, null);
        if (m.InstanceId is not null && instanceId is not null && m.InstanceId != instanceId) return (ErrorCode.FencedInstanceId, null);
        return (ErrorCode.None, m);
    }

    /// <summary>Pushes a member's session deadline back by its session timeout.</summary>
    private void ArmSession(Group group, ClassicMember m)
    {
        m.SessionDeadline = NowMs + m.SessionTimeoutMs;
        if (m.SessionTimer is null) m.SessionTimer = Schedule(m.SessionTimeoutMs, () => OnSessionTimer(group, m));
        else m.SessionTimer.Change(TimeSpan.FromMilliseconds(m.SessionTimeoutMs), Timeout.InfiniteTimeSpan);
    }

    private void OnSessionTimer(Group group, ClassicMember m)
    {
        if (m.IsRemoved || Find(group.Id) != group) return;
        long left = m.SessionDeadline - NowMs;
        if (left > 0 || m.IsAwaitingJoin || m.SyncWaiter is not null)
        {
            // Members parked in a JoinGroup or SyncGroup long-poll are alive (Kafka's shouldKeepAlive).
            m.SessionTimer?.Change(TimeSpan.FromMilliseconds(left > 0 ? left : m.SessionTimeoutMs), Timeout.InfiniteTimeSpan);
            return;
        }
        RemoveMemberAndUpdateGroup(group, m, "session timeout expired");
    }

    private void OnSyncDeadline(Group group, int version)
    {
        if (group.RebalanceVersion != version || group.PendingSync.Count == 0) return;
        if (group.State is not (GroupState.CompletingRebalance or GroupState.Stable)) return;
        foreach (var id in group.PendingSync.ToList())
            if (group.Members.TryGetValue(id, out var m)) RemoveMember(group, m, "did not sync before the rebalance timeout");
        group.PendingSync.Clear();
        PrepareRebalance(group, "members failed to sync");
    }

    private void RemoveMemberAndUpdateGroup(Group group, ClassicMember m, string reason)
    {
        RemoveMember(group, m, reason);
        if (group.State is GroupState.Stable or GroupState.CompletingRebalance) PrepareRebalance(group, reason);
        else MaybeCompleteJoin(group);
    }

    private void RemoveMember(Group group, ClassicMember m, string reason)
    {
        m.IsRemoved = true;
        m.SessionTimer?.Dispose();
        group.Members.Remove(m.MemberId);
        group.PendingSync.Remove(m.MemberId);
        if (m.InstanceId is { } instanceId && group.StaticMembers.GetValueOrDefault(instanceId) == m.MemberId) group.StaticMembers.Remove(instanceId);
        m.JoinWaiter?.TrySetResult(Error<JoinGroupResponse>(ErrorCode.UnknownMemberId, m.MemberId));
        m.JoinWaiter = null;
        m.SyncWaiter?.TrySetResult(Error<SyncGroupResponse>(ErrorCode.UnknownMemberId, m.MemberId));
        m.SyncWaiter = null;
        CoordinatorLog.MemberRemoved(Logger, group.Id, m.MemberId, reason);
    }

    private static SyncGroupResponse SyncResult(Group group, ClassicMember m) =>
        new() { ProtocolType = group.ProtocolType, ProtocolName = group.ProtocolName, Assignment = m.Assignment };

    /// <summary>
    /// Answers every member waiting in SyncGroup once the leader's assignment is replicated: the group becomes Stable,
    /// or on a failed write every waiter gets the coordinator error and the group rebalances (Kafka's doSyncGroup callback).
    /// </summary>
    private async Task CompleteSyncAfterWriteAsync(Group group, int generation, CoordinatorWrite? write)
    {
        var error = write is { } w
            ? await _cluster.AwaitCoordinatorWritesAsync([w], _cluster.GroupWriteTimeoutMs, CancellationToken.None).ConfigureAwait(false)
            : ErrorCode.None;
        lock (_cluster.Sync)
        {
            if (group.StoringGeneration == generation) group.StoringGeneration = -1;
            if (group.Generation != generation || group.State != GroupState.CompletingRebalance) return;   // a rebalance answered them
            if (error == ErrorCode.None) SetState(group, GroupState.Stable);
            foreach (var each in group.Members.Values)
            {
                if (error != ErrorCode.None) each.Assignment = [];
                each.SyncWaiter?.TrySetResult(error == ErrorCode.None ? SyncResult(group, each) : Error<SyncGroupResponse>(error, each.MemberId));
                each.SyncWaiter = null;
            }
            if (error != ErrorCode.None) PrepareRebalance(group, "error storing the group assignment");
        }
    }

    private static Task<SyncGroupResponse> SyncError(ErrorCode code) => Task.FromResult(Error<SyncGroupResponse>(code, ""));

    private static T Error<T>(ErrorCode code, string memberId) where T : class
    {
        object response = typeof(T) == typeof(JoinGroupResponse)
            ? new JoinGroupResponse { ErrorCode = (short)code, GenerationId = -1, MemberId = memberId, ProtocolName = null }
            : new SyncGroupResponse { ErrorCode = (short)code };
        return (T)response;
    }
}
