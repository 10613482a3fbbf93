using Microsoft.Extensions.Logging;
using Samsa.Protocol;

namespace Samsa.Admin.Internal;

/// <summary>Admin client log messages (event ids 4000-4099).</summary>
internal static partial class Log
{
    [LoggerMessage(4000, LogLevel.Debug, "Admin {Operation}: retrying {Count} item(s) after {Error} (attempt {Attempt}, backoff {BackoffMs} ms)")]
    public static partial void Retrying(ILogger logger, string operation, int count, ErrorCode error, int attempt, long backoffMs);

    [LoggerMessage(4001, LogLevel.Warning, "Admin {Operation}: {Count} item(s) timed out after {Attempts} attempt(s); last error {Error}")]
    public static partial void TimedOut(ILogger logger, string operation, int count, int attempts, ErrorCode error);

    [LoggerMessage(4002, LogLevel.Information, "Reset offsets of group {GroupId}: {Count} partition(s) committed")]
    public static partial void OffsetsReset(ILogger logger, string groupId, int count);
}
