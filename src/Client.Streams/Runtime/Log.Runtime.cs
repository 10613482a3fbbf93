using Microsoft.Extensions.Logging;
using Samsa.Streams.Processor;
using Samsa.Streams.Runtime;

namespace Samsa.Streams;

/// <summary>Source-generated log messages of the Streams runtime. Event ids 6500-6599.</summary>
internal static partial class Log
{
    [LoggerMessage(6500, LogLevel.Information, "Streams {ApplicationId} (process {ProcessId}) starting {Threads} stream thread(s), {Guarantee}")]
    public static partial void Starting(ILogger logger, string applicationId, Guid processId, int threads, string guarantee);

    [LoggerMessage(6501, LogLevel.Information, "Streams {ApplicationId} state {OldState} -> {NewState}")]
    public static partial void StateChanged(ILogger logger, string applicationId, KafkaStreamsState oldState, KafkaStreamsState newState);

    [LoggerMessage(6502, LogLevel.Information, "Created internal topic {Topic} with {Partitions} partition(s)")]
    public static partial void InternalTopicCreated(ILogger logger, string topic, int partitions);

    [LoggerMessage(6503, LogLevel.Error, "{Thread} died ({Response})")]
    public static partial void ThreadDied(ILogger logger, Exception exception, string thread, StreamsUncaughtExceptionResponse response);

    [LoggerMessage(6504, LogLevel.Error, "The uncaught-exception handler threw; shutting the client down")]
    public static partial void HandlerFailed(ILogger logger, Exception exception);

    [LoggerMessage(6505, LogLevel.Warning, "SHUTDOWN_APPLICATION shuts down this client only: other instances are not notified")]
    public static partial void ShutdownApplicationLocalOnly(ILogger logger);

    [LoggerMessage(6510, LogLevel.Debug, "{Thread} state {OldState} -> {NewState}")]
    public static partial void ThreadStateChanged(ILogger logger, string thread, StreamThreadState oldState, StreamThreadState newState);

    [LoggerMessage(6511, LogLevel.Error, "{Thread} failed")]
    public static partial void ThreadFailed(ILogger logger, Exception exception, string thread);

    [LoggerMessage(6512, LogLevel.Warning, "{Thread}: tasks migrated or producer fenced; closing tasks dirty and rejoining")]
    public static partial void TaskMigrated(ILogger logger, Exception exception, string thread);

    [LoggerMessage(6513, LogLevel.Information, "{Thread}: new tasks [{Tasks}], {Count} owned")]
    public static partial void TasksAssigned(ILogger logger, string thread, string tasks, int count);

    [LoggerMessage(6514, LogLevel.Information, "{Thread}: revoked tasks [{Tasks}]")]
    public static partial void TasksRevoked(ILogger logger, string thread, string tasks);

    [LoggerMessage(6515, LogLevel.Warning, "{Thread}: closing task {Task} failed")]
    public static partial void TaskCloseFailed(ILogger logger, Exception exception, string thread, TaskId task);

    [LoggerMessage(6516, LogLevel.Information, "{Thread}: restored {Store} of task {Task}: {Records} record(s) from offset {From} to {End}")]
    public static partial void StoreRestored(ILogger logger, string thread, string store, TaskId task, long records, long from, long end);

    [LoggerMessage(6517, LogLevel.Warning, "{Thread}: producer replaced after a failed abort")]
    public static partial void ProducerReplaced(ILogger logger, Exception exception, string thread);

    [LoggerMessage(6518, LogLevel.Warning, "{Thread}: skipped {Topic}-{Partition}@{Offset}, already queued up to {Next}")]
    public static partial void DuplicateRecordSkipped(ILogger logger, string thread, string topic, int partition, long offset, long next);

    [LoggerMessage(6520, LogLevel.Debug, "{Thread}: committed {Offsets} offset(s) of {Tasks} task(s)")]
    public static partial void Committed(ILogger logger, string thread, int offsets, int tasks);

    [LoggerMessage(6521, LogLevel.Warning, "{Thread}: commit failed")]
    public static partial void CommitFailed(ILogger logger, Exception exception, string thread);

    [LoggerMessage(6522, LogLevel.Warning, "{Thread}: purging repartition data of {Partition} failed: {Reason}")]
    public static partial void PurgeFailed(ILogger logger, Exception? exception, string thread, string partition, string reason);

    [LoggerMessage(6523, LogLevel.Warning, "{Thread}: closing the clients failed")]
    public static partial void CloseFailed(ILogger logger, Exception exception, string thread);

    [LoggerMessage(6530, LogLevel.Information, "Global stores bootstrapped from {Topics} ({Partitions} partition(s) with data)")]
    public static partial void GlobalBootstrapped(ILogger logger, string topics, int partitions);

    [LoggerMessage(6531, LogLevel.Error, "Global stream thread failed")]
    public static partial void GlobalThreadFailed(ILogger logger, Exception exception);
}
