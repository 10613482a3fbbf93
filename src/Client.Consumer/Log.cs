using Microsoft.Extensions.Logging;
using Samsa.Protocol;

namespace Samsa.Consumer;

/// <summary>
/// Source-generated log messages for Samsa.Client.Consumer. Event ids: 3000-3099 fetcher, 3100-3199 group membership,
/// 3200-3299 offsets and commits.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(3000, LogLevel.Warning, "Fetch planning failed")]
    public static partial void FetcherPlanFailed(ILogger logger, Exception exception);

    [LoggerMessage(3001, LogLevel.Information, "Fetch from broker {NodeId} failed; backing off")]
    public static partial void FetchFailed(ILogger logger, Exception exception, int nodeId);

    [LoggerMessage(3002, LogLevel.Debug, "Fetch from broker {NodeId} returned {Error}")]
    public static partial void FetchError(ILogger logger, int nodeId, ErrorCode error);

    [LoggerMessage(3003, LogLevel.Information, "Offset {Offset} out of range for {Partition}; auto.offset.reset={Reset}")]
    public static partial void OffsetOutOfRange(ILogger logger, string partition, long offset, string reset);

    [LoggerMessage(3004, LogLevel.Debug, "Reset {Partition} to {Where} offset {Offset}")]
    public static partial void OffsetReset(ILogger logger, string partition, string where, long offset);

    [LoggerMessage(3005, LogLevel.Information, "Offset reset lookup failed; retrying")]
    public static partial void OffsetResetFailed(ILogger logger, Exception exception);

    [LoggerMessage(3006, LogLevel.Debug, "Metadata refresh for fetching failed")]
    public static partial void MetadataRefreshFailed(ILogger logger, Exception exception);

    [LoggerMessage(3100, LogLevel.Information, "Group {GroupId}: joined generation {Generation} as {MemberId} (leader: {IsLeader}, protocol {Protocol})")]
    public static partial void Joined(ILogger logger, string groupId, int generation, string memberId, bool isLeader, string protocol);

    [LoggerMessage(3101, LogLevel.Information, "Group {GroupId}: assigned [{Assigned}], revoked [{Revoked}]")]
    public static partial void AssignmentChanged(ILogger logger, string groupId, string assigned, string revoked);

    [LoggerMessage(3102, LogLevel.Information, "Group {GroupId}: rejoining after {Error}")]
    public static partial void Rejoining(ILogger logger, string groupId, ErrorCode error);

    [LoggerMessage(3103, LogLevel.Warning, "Group {GroupId}: membership step failed; retrying")]
    public static partial void GroupStepFailed(ILogger logger, Exception exception, string groupId);

    [LoggerMessage(3104, LogLevel.Warning, "Group {GroupId}: no consume call for {ElapsedMs} ms (max.poll.interval.ms {MaxPollIntervalMs}); leaving the group")]
    public static partial void PollTimeout(ILogger logger, string groupId, long elapsedMs, int maxPollIntervalMs);

    [LoggerMessage(3105, LogLevel.Warning, "Group {GroupId}: rebalance callback threw")]
    public static partial void CallbackFailed(ILogger logger, Exception exception, string groupId);

    [LoggerMessage(3106, LogLevel.Information, "Group {GroupId}: left the group ({MemberId})")]
    public static partial void Left(ILogger logger, string groupId, string memberId);

    [LoggerMessage(3107, LogLevel.Error, "Group {GroupId}: fatal membership error; the consumer stops consuming from the group until it subscribes again")]
    public static partial void GroupFatal(ILogger logger, Exception exception, string groupId);

    [LoggerMessage(3200, LogLevel.Warning, "Auto-commit failed")]
    public static partial void AutoCommitFailed(ILogger logger, Exception exception);
}
