using Microsoft.Extensions.Logging;
using Samsa.Admin;
using Samsa.Streams.Internals;
using Samsa.Streams.Processor;
using Samsa.Streams.State;

namespace Samsa.Streams.Runtime;

/// <summary>What every thread of one <see cref="KafkaStreams"/> instance shares.</summary>
internal sealed class RuntimeContext(StreamsConfig config, TopologyMetadata topology, StateDirectory stateDirectory, Guid processId,
    AdminClient admin, ILoggerFactory loggerFactory, TimeProvider time)
{
    public StreamsConfig Config { get; } = config;
    public TopologyMetadata Topology { get; } = topology;
    public StateDirectory StateDirectory { get; } = stateDirectory;
    public Guid ProcessId { get; } = processId;
    public AdminClient Admin { get; } = admin;
    public ILoggerFactory LoggerFactory { get; } = loggerFactory;
    public TimeProvider Time { get; } = time;
    public string ApplicationId => Config.ApplicationId;
}

/// <summary>A store a task registered while initialising, with its changelog partition (null without logging).</summary>
internal sealed record RegisteredStore(IStateStore Store, TopicPartition? Changelog, IStateRestoreCallback Restore);

/// <summary>The <see cref="ITaskEnvironment"/> of one thread: its collector and a callback for store registrations.</summary>
internal sealed class TaskEnvironment(RuntimeContext context, IRecordCollector collector, Action<TaskId, RegisteredStore> registered) : ITaskEnvironment
{
    public string ApplicationId => context.ApplicationId;

    public StreamsConfig Config => context.Config;

    public TimeProvider Time => context.Time;

    public IRecordCollector Collector => collector;

    public string? TaskDirectory(TaskId id) => context.StateDirectory.TaskDirectory(id);

    public void OnStoreRegistered(TaskId id, IStateStore store, string? changelogTopic, IStateRestoreCallback restore) =>
        registered(id, new RegisteredStore(store, changelogTopic is null ? null : new TopicPartition(changelogTopic, id.Partition), restore));
}
