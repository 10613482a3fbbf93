using Microsoft.Extensions.Logging;
using Samsa.Streams.Processor;

namespace Samsa.Streams.Internals.Engine;

/// <summary>Log messages of the task engine (event ids 7100-7199).</summary>
internal static partial class EngineLog
{
    public static void SkippedRecord(ITaskEnvironment environment, TaskId task, ConsumedRecord record, Exception error) =>
        SkippedRecord(environment.LoggerFactory.CreateLogger("Samsa.Streams.StreamTask"), task.ToString(), record.Topic, record.Partition, record.Offset, error);

    [LoggerMessage(EventId = 7100, Level = LogLevel.Warning,
        Message = "Task {Task}: skipping record {Topic}-{Partition}@{Offset} that failed to deserialize (log-and-continue).")]
    private static partial void SkippedRecord(ILogger logger, string task, string topic, int partition, long offset, Exception error);

    public static void SkippedGlobalRecord(ITaskEnvironment environment, ConsumedRecord record, Exception error) =>
        SkippedRecord(environment.LoggerFactory.CreateLogger("Samsa.Streams.GlobalStateUpdater"), "global", record.Topic, record.Partition, record.Offset, error);
}
