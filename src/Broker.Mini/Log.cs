using Microsoft.Extensions.Logging;

namespace Samsa.Broker.Mini;

/// <summary>
/// Source-generated log messages. Event ids: 1000-1099 hosting, 1100-1199 transport, 1200-1299 handlers,
/// 1300-1399 storage, 1400-1499 cluster state and replication.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(1000, LogLevel.Information, "Broker {BrokerId} listening on {Endpoint}")]
    public static partial void BrokerListening(ILogger logger, int brokerId, string endpoint);

    [LoggerMessage(1001, LogLevel.Information, "Broker {BrokerId} stopped")]
    public static partial void BrokerStopped(ILogger logger, int brokerId);

    [LoggerMessage(1002, LogLevel.Information, "Cluster {ClusterId} started with {Brokers} broker(s), storage: {Storage}")]
    public static partial void ClusterStarted(ILogger logger, string clusterId, int brokers, string storage);

    [LoggerMessage(1003, LogLevel.Information, "Cluster shutting down")]
    public static partial void ClusterStopping(ILogger logger);

    [LoggerMessage(1100, LogLevel.Debug, "Broker {BrokerId} accepted connection {ConnectionId} from {Remote}")]
    public static partial void ConnectionAccepted(ILogger logger, int brokerId, long connectionId, string remote);

    [LoggerMessage(1101, LogLevel.Warning, "Broker {BrokerId} closing connection {ConnectionId}: malformed request ({Reason})")]
    public static partial void MalformedRequest(ILogger logger, int brokerId, long connectionId, string reason);

    [LoggerMessage(1102, LogLevel.Debug, "Broker {BrokerId} connection {ConnectionId} closed")]
    public static partial void ConnectionClosed(ILogger logger, int brokerId, long connectionId);

    [LoggerMessage(1103, LogLevel.Warning, "Broker {BrokerId} closing connection {ConnectionId}: unsupported API key {ApiKey} version {Version}")]
    public static partial void UnsupportedApi(ILogger logger, int brokerId, long connectionId, short apiKey, short version);

    [LoggerMessage(1104, LogLevel.Debug, "Broker {BrokerId} connection {ConnectionId} transport error: {Message}")]
    public static partial void TransportError(ILogger logger, int brokerId, long connectionId, string message);

    [LoggerMessage(1105, LogLevel.Information, "Broker {BrokerId} connection {ConnectionId} dropped by an interceptor")]
    public static partial void InterceptorDropped(ILogger logger, int brokerId, long connectionId);

    [LoggerMessage(1200, LogLevel.Error, "Broker {BrokerId} failed handling {ApiKey} v{Version}; closing connection {ConnectionId}")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, int brokerId, string apiKey, short version, long connectionId);

    [LoggerMessage(1201, LogLevel.Debug, "Broker {BrokerId} {ApiKey} v{Version} correlation {CorrelationId}")]
    public static partial void RequestReceived(ILogger logger, int brokerId, string apiKey, short version, int correlationId);

    [LoggerMessage(1300, LogLevel.Warning, "Recovery of {Path} truncated a torn or corrupt tail at position {Position}")]
    public static partial void TruncatedTail(ILogger logger, string path, long position);

    [LoggerMessage(1301, LogLevel.Debug, "Rolled {Partition} to a new segment at offset {BaseOffset}")]
    public static partial void SegmentRolled(ILogger logger, string partition, long baseOffset);

    [LoggerMessage(1302, LogLevel.Debug, "Retention deleted segment of {Partition} at base offset {BaseOffset}")]
    public static partial void SegmentDeleted(ILogger logger, string partition, long baseOffset);

    [LoggerMessage(1303, LogLevel.Information, "Cleaned {Partition}: {Segments} segment(s) rewritten, {Records} record(s) removed, cleanable up to offset {CleanableEnd}")]
    public static partial void LogCleaned(ILogger logger, string partition, int segments, int records, long cleanableEnd);

    [LoggerMessage(1304, LogLevel.Information, "Truncated {Partition} to offset {Offset}")]
    public static partial void LogTruncated(ILogger logger, string partition, long offset);

    [LoggerMessage(1305, LogLevel.Warning, "Rebuilt the index files of {Path} from the log: {Reason}")]
    public static partial void IndexRebuilt(ILogger logger, string path, string reason);

    [LoggerMessage(1400, LogLevel.Information, "Created topic {Topic} ({TopicId}) with {Partitions} partition(s), replication factor {ReplicationFactor}")]
    public static partial void TopicCreated(ILogger logger, string topic, string topicId, int partitions, int replicationFactor);

    [LoggerMessage(1401, LogLevel.Information, "Deleted topic {Topic}")]
    public static partial void TopicDeleted(ILogger logger, string topic);

    [LoggerMessage(1402, LogLevel.Information, "Partition {Partition} leader is now {Leader} at epoch {Epoch}")]
    public static partial void LeaderChanged(ILogger logger, string partition, int leader, int epoch);

    [LoggerMessage(1403, LogLevel.Information, "Loaded {Topics} topic(s) from {Path}")]
    public static partial void MetadataLoaded(ILogger logger, int topics, string path);

    [LoggerMessage(1404, LogLevel.Information, "Partition {Partition} ISR is now [{Isr}]")]
    public static partial void IsrChanged(ILogger logger, string partition, string isr);

    [LoggerMessage(1405, LogLevel.Warning, "Unclean leader election for {Partition}: out-of-sync replica {Leader} becomes leader")]
    public static partial void UncleanElection(ILogger logger, string partition, int leader);

    [LoggerMessage(1406, LogLevel.Error, "Replica fetcher of broker {Broker} failed")]
    public static partial void ReplicaFetcherFailed(ILogger logger, Exception exception, int broker);

    [LoggerMessage(1407, LogLevel.Warning, "Coordinator write to {Partition} was not replicated within {TimeoutMs} ms")]
    public static partial void CoordinatorWriteTimedOut(ILogger logger, string partition, int timeoutMs);

    [LoggerMessage(1408, LogLevel.Information, "{ElectionType} election moved the leader of {Partition} to {Leader} at epoch {Epoch}")]
    public static partial void LeaderElected(ILogger logger, string electionType, string partition, int leader, int epoch);
}
