using Microsoft.Extensions.Logging;

namespace Samsa.Broker.Mini.Coordinators;

/// <summary>Source-generated log messages of the group coordinator: event ids 1500-1599.</summary>
internal static partial class CoordinatorLog
{
    [LoggerMessage(1500, LogLevel.Information, "Group {GroupId} generation {Generation}: {Members} member(s), protocol {Protocol}, leader {Leader}")]
    public static partial void GenerationStarted(ILogger logger, string groupId, int generation, int members, string? protocol, string? leader);

    [LoggerMessage(1501, LogLevel.Information, "Group {GroupId} preparing rebalance: {Reason}")]
    public static partial void PreparingRebalance(ILogger logger, string groupId, string reason);

    [LoggerMessage(1502, LogLevel.Information, "Group {GroupId} removed member {MemberId}: {Reason}")]
    public static partial void MemberRemoved(ILogger logger, string groupId, string memberId, string reason);

    [LoggerMessage(1503, LogLevel.Information, "Group {GroupId} is now {State}")]
    public static partial void StateChanged(ILogger logger, string groupId, string state);

    [LoggerMessage(1504, LogLevel.Information, "Loaded {Groups} group(s) and {Offsets} committed offset(s) from __consumer_offsets")]
    public static partial void Loaded(ILogger logger, int groups, int offsets);

    [LoggerMessage(1505, LogLevel.Error, "Group coordinator timer failed")]
    public static partial void TimerFailed(ILogger logger, Exception exception);

    [LoggerMessage(1506, LogLevel.Information, "Expired {Count} committed offset(s)")]
    public static partial void OffsetsExpired(ILogger logger, int count);

    [LoggerMessage(1507, LogLevel.Debug, "Group {GroupId} member {MemberId} epoch {Epoch} target epoch {TargetEpoch}")]
    public static partial void ConsumerMemberEpoch(ILogger logger, string groupId, string memberId, int epoch, int targetEpoch);

    [LoggerMessage(1508, LogLevel.Information, "Group {GroupId} static member {InstanceId} replaced {OldMemberId} with {NewMemberId}")]
    public static partial void StaticMemberReplaced(ILogger logger, string groupId, string instanceId, string oldMemberId, string newMemberId);
}
