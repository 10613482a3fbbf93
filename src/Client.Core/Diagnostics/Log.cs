using Microsoft.Extensions.Logging;

namespace Samsa.Client.Diagnostics;

/// <summary>
/// Source-generated log messages for Samsa.Client.Core. Event ids: 1000-1099 connections, 1100-1199 cluster and
/// metadata, 1200-1299 security.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(1000, LogLevel.Debug, "Connected to {Endpoint} (connection {ConnectionId})")]
    public static partial void Connected(ILogger logger, string endpoint, long connectionId);

    [LoggerMessage(1001, LogLevel.Information, "Connection {ConnectionId} to {Endpoint} failed; failing {Pending} pending request(s)")]
    public static partial void ConnectionFailed(ILogger logger, Exception exception, long connectionId, string endpoint, int pending);

    [LoggerMessage(1002, LogLevel.Debug, "Connection {ConnectionId} to {Endpoint} closed")]
    public static partial void ConnectionClosed(ILogger logger, long connectionId, string endpoint);

    [LoggerMessage(1003, LogLevel.Warning, "Request {ApiKey} v{Version} (correlation id {CorrelationId}) to {Endpoint} timed out after {TimeoutMs} ms; closing the connection")]
    public static partial void RequestTimedOut(ILogger logger, Protocol.ApiKey apiKey, short version, int correlationId, string endpoint, long timeoutMs);

    [LoggerMessage(1004, LogLevel.Debug, "Broker {Endpoint} throttled us for {ThrottleMs} ms")]
    public static partial void Throttled(ILogger logger, string endpoint, int throttleMs);

    [LoggerMessage(1005, LogLevel.Debug, "ApiVersions v{Version} to {Endpoint} was not supported; retrying with v{Fallback}")]
    public static partial void ApiVersionsFallback(ILogger logger, short version, string endpoint, short fallback);

    [LoggerMessage(1006, LogLevel.Warning, "Connecting to {Endpoint} failed (attempt {Attempt}); next attempt in {BackoffMs} ms")]
    public static partial void ConnectAttemptFailed(ILogger logger, Exception exception, string endpoint, int attempt, long backoffMs);

    [LoggerMessage(1007, LogLevel.Debug, "Closing connection to {Endpoint}: idle for more than {IdleMs} ms")]
    public static partial void IdleConnectionClosed(ILogger logger, string endpoint, long idleMs);

    [LoggerMessage(1100, LogLevel.Debug, "Metadata updated: {BrokerCount} broker(s), {TopicCount} topic(s), controller {ControllerId}")]
    public static partial void MetadataUpdated(ILogger logger, int brokerCount, int topicCount, int controllerId);

    [LoggerMessage(1101, LogLevel.Warning, "Metadata refresh failed: {Message}")]
    public static partial void MetadataRefreshFailed(ILogger logger, Exception exception, string message);

    [LoggerMessage(1102, LogLevel.Debug, "Retrying after {ErrorCode} (attempt {Attempt}) in {BackoffMs} ms")]
    public static partial void Retrying(ILogger logger, Protocol.ErrorCode errorCode, int attempt, long backoffMs);

    [LoggerMessage(1103, LogLevel.Debug, "Ignoring stale metadata for {Topic}-{Partition}: leader epoch {Epoch} is older than cached {CachedEpoch}")]
    public static partial void StaleLeaderEpoch(ILogger logger, string topic, int partition, int epoch, int cachedEpoch);

    [LoggerMessage(1200, LogLevel.Debug, "SASL {Mechanism} authentication to {Endpoint} succeeded")]
    public static partial void SaslAuthenticated(ILogger logger, string mechanism, string endpoint);

    [LoggerMessage(1201, LogLevel.Error, "SASL {Mechanism} authentication to {Endpoint} failed: {Message}")]
    public static partial void SaslFailed(ILogger logger, string mechanism, string endpoint, string message);
}
