namespace Samsa.Streams;

/// <summary>
/// The life cycle of a <see cref="KafkaStreams"/> instance, as Kafka's <c>KafkaStreams.State</c>:
/// CREATED → REBALANCING ⇄ RUNNING → PENDING_SHUTDOWN → NOT_RUNNING, or PENDING_ERROR → ERROR when a thread fails
/// and the uncaught-exception handler shuts the client down.
/// </summary>
public enum KafkaStreamsState
{
    /// <summary>Constructed, not started.</summary>
    Created,
    /// <summary>Started; internal topics, global bootstrap, group joins or task restoration are in progress.</summary>
    Rebalancing,
    /// <summary>Every stream thread has its tasks and is processing.</summary>
    Running,
    /// <summary>Closing cleanly.</summary>
    PendingShutdown,
    /// <summary>Closed.</summary>
    NotRunning,
    /// <summary>Shutting down after an error.</summary>
    PendingError,
    /// <summary>Shut down after an error.</summary>
    Error,
}

/// <summary>What to do after a stream thread failed (Kafka's <c>StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse</c>).</summary>
public enum StreamsUncaughtExceptionResponse
{
    /// <summary>Start a new thread in place of the failed one; its tasks are reassigned.</summary>
    ReplaceThread,
    /// <summary>Shut this client down (state ERROR). The default, as in Kafka.</summary>
    ShutdownClient,
    /// <summary>Shut this client down and ask every other instance of the application to shut down too.</summary>
    ShutdownApplication,
}

/// <summary>Raised by <see cref="KafkaStreams.StateChanged"/>.</summary>
/// <param name="OldState">The state before.</param>
/// <param name="NewState">The state now.</param>
public sealed record KafkaStreamsStateChange(KafkaStreamsState OldState, KafkaStreamsState NewState);
