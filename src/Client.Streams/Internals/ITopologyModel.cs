using System.Text.RegularExpressions;
using Samsa.Streams.Processor;

namespace Samsa.Streams.Internals;

/// <summary>
/// The seam between a built topology and whatever runs it (<c>KafkaStreams</c> or <c>TopologyTestDriver</c>):
/// which topics feed which subtopology, which internal topics exist, and a factory for tasks.
/// Internal topic names here are logical; the runner prefixes them with <c>&lt;application.id&gt;-</c>.
/// </summary>
internal interface ITopologyModel
{
    /// <summary>Subtopologies in id order; a task is one subtopology on one partition number.</summary>
    IReadOnlyList<SubtopologyModel> Subtopologies { get; }

    /// <summary>Global stores (GlobalKTables), each fed by every partition of its topic.</summary>
    IReadOnlyList<GlobalStoreModel> GlobalStores { get; }

    /// <summary>Repartition topics the runner must create (logical names, ending in <c>-repartition</c>).</summary>
    IReadOnlyList<InternalTopicModel> RepartitionTopics { get; }

    /// <summary>Creates the task for <paramref name="id"/>; nothing is opened until <see cref="IStreamTask.Initialize"/>.</summary>
    IStreamTask CreateTask(TaskId id, ITaskEnvironment environment);

    /// <summary>Creates the updater that maintains every global store; null when there are none.</summary>
    IGlobalStateUpdater? CreateGlobalUpdater(ITaskEnvironment environment);
}

/// <summary>One subtopology: its input topics and its stores.</summary>
/// <param name="Id">The subtopology id (the first half of task ids).</param>
/// <param name="SourceTopics">User input topics (not prefixed).</param>
/// <param name="SourcePattern">A source subscribed by pattern, or null.</param>
/// <param name="RepartitionSourceTopics">Logical names of repartition topics this subtopology reads.</param>
/// <param name="Stores">Stores owned by this subtopology's tasks.</param>
internal sealed record SubtopologyModel(
    int Id,
    IReadOnlyList<string> SourceTopics,
    Regex? SourcePattern,
    IReadOnlyList<string> RepartitionSourceTopics,
    IReadOnlyList<StoreModel> Stores);

/// <summary>A store of a subtopology.</summary>
/// <param name="Name">The store name.</param>
/// <param name="LoggingEnabled">True when it has a changelog.</param>
/// <param name="ChangelogConfig">Topic configs for the changelog (cleanup.policy=compact unless stated).</param>
/// <param name="SourceTopicAsChangelog">
/// For a source KTable with <c>topology.optimization=all</c>, the input topic doubles as the changelog; otherwise null.
/// </param>
internal sealed record StoreModel(string Name, bool LoggingEnabled, IReadOnlyDictionary<string, string> ChangelogConfig, string? SourceTopicAsChangelog = null);

/// <summary>A global store and the topic that fills it.</summary>
internal sealed record GlobalStoreModel(string StoreName, string SourceTopic);

/// <summary>An internal topic to create.</summary>
/// <param name="Name">Logical name (without the application id prefix).</param>
/// <param name="Partitions">Partition count, or null to use the largest partition count of the upstream source topics.</param>
/// <param name="UpstreamSourceTopics">Topics whose partition count decides <paramref name="Partitions"/> when it is null.</param>
internal sealed record InternalTopicModel(string Name, int? Partitions, IReadOnlyList<string> UpstreamSourceTopics);

/// <summary>A record as read from Kafka, before deserialization.</summary>
internal sealed record ConsumedRecord(string Topic, int Partition, long Offset, long Timestamp, byte[]? Key, byte[]? Value, Headers? Headers);

/// <summary>What a task needs from its runner.</summary>
internal interface ITaskEnvironment
{
    /// <summary><c>application.id</c>.</summary>
    string ApplicationId { get; }

    /// <summary>Streams configuration as Kafka-named keys (default serdes are given separately).</summary>
    StreamsConfig Config { get; }

    /// <summary>Wall clock.</summary>
    TimeProvider Time { get; }

    /// <summary>Where output, repartition and changelog records go.</summary>
    IRecordCollector Collector { get; }

    /// <summary>The task's directory under <c>state.dir</c> (created on demand), or null when the runner keeps no state on disk.</summary>
    string? TaskDirectory(TaskId id);

    /// <summary>
    /// Called as each store registers during <see cref="IStreamTask.Initialize"/>; the runner restores it from
    /// <paramref name="changelogTopic"/> (already prefixed; null when logging is off) before the task processes records.
    /// </summary>
    void OnStoreRegistered(TaskId id, State.IStateStore store, string? changelogTopic, State.IStateRestoreCallback restore);

    /// <summary>Where tasks log (skipped records and the like); no logging unless the runner overrides it.</summary>
    Microsoft.Extensions.Logging.ILoggerFactory LoggerFactory => Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance;
}

/// <summary>Sends records produced by tasks. The runtime implements it over the (possibly transactional) producer.</summary>
internal interface IRecordCollector
{
    /// <summary>Sends a record; <paramref name="partition"/> null means the default partitioner over the key bytes.</summary>
    void Send(string topic, int? partition, byte[]? key, byte[]? value, Headers? headers, long timestamp);

    /// <summary>The partition count of <paramref name="topic"/> (for stream partitioners), or null when unknown.</summary>
    int? PartitionCount(string topic);
}

/// <summary>A task: the processor graph of one subtopology on one partition number, with its stores.</summary>
internal interface IStreamTask
{
    /// <summary>The task id.</summary>
    TaskId Id { get; }

    /// <summary>Opens stores (each one calls <see cref="ITaskEnvironment.OnStoreRegistered"/>) and initialises processors.</summary>
    void Initialize();

    /// <summary>Queues a fetched record of one of this task's input partitions.</summary>
    void AddRecord(ConsumedRecord record);

    /// <summary>Processes the queued record with the lowest timestamp across partitions (Kafka's PartitionGroup); false when none is queued.</summary>
    bool Process();

    /// <summary>Fires stream-time punctuations that are due; true when any fired.</summary>
    bool MaybePunctuateStreamTime();

    /// <summary>Fires wall-clock punctuations that are due; true when any fired.</summary>
    bool MaybePunctuateSystemTime();

    /// <summary>True when a processor asked for a commit since the last <see cref="CommittableOffsets"/> call.</summary>
    bool CommitRequested { get; }

    /// <summary>Next offsets to commit for input partitions (last processed + 1).</summary>
    IReadOnlyDictionary<TopicPartition, long> CommittableOffsets();

    /// <summary>Number of records queued but not yet processed.</summary>
    int QueuedRecords { get; }

    /// <summary>Flushes stores (which hands pending changelog records to the collector).</summary>
    void Flush();

    /// <summary>Closes processors and stores.</summary>
    void Close();
}

/// <summary>Maintains the global stores from their topics.</summary>
internal interface IGlobalStateUpdater
{
    /// <summary>Opens the global stores (registering them with the environment under task id -1_-1).</summary>
    void Initialize();

    /// <summary>Applies one record of a global topic to its store.</summary>
    void Update(ConsumedRecord record);

    /// <summary>Flushes the global stores.</summary>
    void Flush();

    /// <summary>Closes the global stores.</summary>
    void Close();
}
