using Samsa.Client;

namespace Samsa.Consumer;

/// <summary><c>auto.offset.reset</c>: where to start when there is no valid position.</summary>
public enum AutoOffsetReset
{
    /// <summary>Start from the newest record (the log end offset). Kafka's default.</summary>
    Latest,
    /// <summary>Start from the oldest record (the log start offset).</summary>
    Earliest,
    /// <summary>Surface OFFSET_OUT_OF_RANGE / NoOffsetForPartition to the application.</summary>
    None,
}

/// <summary><c>isolation.level</c>: which records a fetch returns.</summary>
public enum IsolationLevel : sbyte
{
    /// <summary>Every record up to the high watermark, including aborted transactional records. Kafka's default.</summary>
    ReadUncommitted = 0,
    /// <summary>Only committed records, up to the last stable offset; aborted records and control batches are skipped.</summary>
    ReadCommitted = 1,
}

/// <summary><c>group.protocol</c>: the rebalance protocol.</summary>
public enum GroupProtocol
{
    /// <summary>JoinGroup/SyncGroup/Heartbeat with client-side assignors. Kafka's default.</summary>
    Classic,
    /// <summary>KIP-848 ConsumerGroupHeartbeat with broker-side assignment.</summary>
    Consumer,
}

/// <summary>
/// Consumer settings with Kafka's names (shown on each property) and Java's defaults. Validated once when the
/// consumer is built.
/// </summary>
public sealed class ConsumerOptions : KafkaClientOptions
{
    private string _partitionAssignmentStrategy = "range,cooperative-sticky";
    private int _sessionTimeoutMs = 45_000;
    private int _heartbeatIntervalMs = 3_000;
    private ClassicOnly _classicOnlySet;

    /// <summary><c>group.id</c>: the consumer group; required for <c>Subscribe</c> and for committing offsets. Default none.</summary>
    [KafkaConfigKey("group.id")]
    public string? GroupId { get; set; }

    /// <summary><c>group.instance.id</c>: a static member id (KIP-345); restarts within the session timeout keep the assignment. Default none.</summary>
    [KafkaConfigKey("group.instance.id")]
    public string? GroupInstanceId { get; set; }

    /// <summary>
    /// <c>group.protocol</c>: <c>classic</c> (JoinGroup/SyncGroup, client-side assignors) or <c>consumer</c> (KIP-848
    /// ConsumerGroupHeartbeat, broker-side assignors; needs Kafka 4.0+). Default classic.
    /// </summary>
    [KafkaConfigKey("group.protocol")]
    public GroupProtocol GroupProtocol { get; set; } = GroupProtocol.Classic;

    /// <summary>
    /// <c>group.remote.assignor</c>: the broker-side assignor (<c>uniform</c> or <c>range</c>) for <c>group.protocol=consumer</c>;
    /// null lets the broker choose. Must not be set with the classic protocol. Default null.
    /// </summary>
    [KafkaConfigKey("group.remote.assignor")]
    public string? GroupRemoteAssignor { get; set; }

    /// <summary>
    /// <c>partition.assignment.strategy</c>: assignor names in preference order. Default <c>range,cooperative-sticky</c>.
    /// Classic protocol only: setting it with <c>group.protocol=consumer</c> is a configuration error, as in Java.
    /// </summary>
    [KafkaConfigKey("partition.assignment.strategy")]
    public string PartitionAssignmentStrategy
    {
        get => _partitionAssignmentStrategy;
        set
        {
            _partitionAssignmentStrategy = value;
            _classicOnlySet |= ClassicOnly.PartitionAssignmentStrategy;
        }
    }

    /// <summary>
    /// <c>session.timeout.ms</c>: the coordinator evicts a member that sends no heartbeat for this long. Default 45000.
    /// Classic protocol only (the broker's <c>group.consumer.session.timeout.ms</c> applies to <c>group.protocol=consumer</c>).
    /// </summary>
    [KafkaConfigKey("session.timeout.ms")]
    public int SessionTimeoutMs
    {
        get => _sessionTimeoutMs;
        set
        {
            _sessionTimeoutMs = value;
            _classicOnlySet |= ClassicOnly.SessionTimeoutMs;
        }
    }

    /// <summary>
    /// <c>heartbeat.interval.ms</c>: how often to heartbeat. Default 3000. Classic protocol only (with
    /// <c>group.protocol=consumer</c> the broker sets the interval).
    /// </summary>
    [KafkaConfigKey("heartbeat.interval.ms")]
    public int HeartbeatIntervalMs
    {
        get => _heartbeatIntervalMs;
        set
        {
            _heartbeatIntervalMs = value;
            _classicOnlySet |= ClassicOnly.HeartbeatIntervalMs;
        }
    }

    /// <summary><c>max.poll.interval.ms</c>: a member that does not consume for this long leaves the group. Default 300000.</summary>
    [KafkaConfigKey("max.poll.interval.ms")]
    public int MaxPollIntervalMs { get; set; } = 300_000;

    /// <summary><c>enable.auto.commit</c>: commit consumed positions in the background and on close. Default true.</summary>
    [KafkaConfigKey("enable.auto.commit")]
    public bool EnableAutoCommit { get; set; } = true;

    /// <summary><c>auto.commit.interval.ms</c>: how often to auto-commit. Default 5000.</summary>
    [KafkaConfigKey("auto.commit.interval.ms")]
    public int AutoCommitIntervalMs { get; set; } = 5_000;

    /// <summary><c>auto.offset.reset</c>: earliest, latest or none. Default latest.</summary>
    [KafkaConfigKey("auto.offset.reset")]
    public AutoOffsetReset AutoOffsetReset { get; set; } = AutoOffsetReset.Latest;

    /// <summary><c>fetch.min.bytes</c>: the broker waits for this much data (or <c>fetch.max.wait.ms</c>). Default 1.</summary>
    [KafkaConfigKey("fetch.min.bytes")]
    public int FetchMinBytes { get; set; } = 1;

    /// <summary><c>fetch.max.bytes</c>: the most data one fetch response may carry (soft limit). Default 52428800.</summary>
    [KafkaConfigKey("fetch.max.bytes")]
    public int FetchMaxBytes { get; set; } = 52_428_800;

    /// <summary><c>max.partition.fetch.bytes</c>: the most data per partition in one fetch (soft limit). Default 1048576.</summary>
    [KafkaConfigKey("max.partition.fetch.bytes")]
    public int MaxPartitionFetchBytes { get; set; } = 1_048_576;

    /// <summary><c>fetch.max.wait.ms</c>: how long the broker may hold a fetch waiting for <c>fetch.min.bytes</c>. Default 500.</summary>
    [KafkaConfigKey("fetch.max.wait.ms")]
    public int FetchMaxWaitMs { get; set; } = 500;

    /// <summary><c>max.poll.records</c>: the most records one batch consume returns. Default 500.</summary>
    [KafkaConfigKey("max.poll.records")]
    public int MaxPollRecords { get; set; } = 500;

    /// <summary><c>isolation.level</c>: read_uncommitted or read_committed. Default read_uncommitted.</summary>
    [KafkaConfigKey("isolation.level")]
    public IsolationLevel IsolationLevel { get; set; } = IsolationLevel.ReadUncommitted;

    /// <summary><c>check.crcs</c>: verify every batch's CRC. Default true.</summary>
    [KafkaConfigKey("check.crcs")]
    public bool CheckCrcs { get; set; } = true;

    /// <summary><c>client.rack</c>: this consumer's rack, for fetching from the closest replica (KIP-392). Default empty.</summary>
    [KafkaConfigKey("client.rack")]
    public string ClientRack { get; set; } = "";

    /// <summary>
    /// The most fetched bytes held in memory ahead of the application, across partitions (librdkafka's
    /// <c>queued.max.messages.kbytes</c> plays the same role). Default 64 MiB.
    /// </summary>
    [KafkaConfigKey("fetch.buffer.max.bytes")]
    public long FetchBufferMaxBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// Checks every setting; throws <see cref="ArgumentException"/> naming the first bad key
    /// (<see cref="ConsumerConfigException"/> for options that do not fit the chosen <c>group.protocol</c>).
    /// </summary>
    public override void Validate()
    {
        base.Validate();
        ValidateGroupProtocol();
        if (GroupId is { Length: 0 }) Invalid("group.id", "must not be empty when set");
        if (GroupInstanceId is { Length: 0 }) Invalid("group.instance.id", "must not be empty when set");
        if (SessionTimeoutMs <= 0) Invalid("session.timeout.ms", "must be positive");
        if (HeartbeatIntervalMs <= 0 || HeartbeatIntervalMs >= SessionTimeoutMs) Invalid("heartbeat.interval.ms", "must be positive and below session.timeout.ms");
        if (MaxPollIntervalMs <= 0) Invalid("max.poll.interval.ms", "must be positive");
        if (AutoCommitIntervalMs < 0) Invalid("auto.commit.interval.ms", "must not be negative");
        if (FetchMinBytes < 0) Invalid("fetch.min.bytes", "must not be negative");
        if (FetchMaxBytes <= 0) Invalid("fetch.max.bytes", "must be positive");
        if (MaxPartitionFetchBytes <= 0) Invalid("max.partition.fetch.bytes", "must be positive");
        if (FetchMaxWaitMs < 0) Invalid("fetch.max.wait.ms", "must not be negative");
        if (MaxPollRecords <= 0) Invalid("max.poll.records", "must be positive");
        if (FetchBufferMaxBytes <= 0) Invalid("fetch.buffer.max.bytes", "must be positive");
        if (AssignorNames.Count == 0) Invalid("partition.assignment.strategy", "must name at least one assignor");
    }

    /// <summary>Java's ConsumerConfig checks: classic-only options are rejected with the consumer protocol, and the reverse.</summary>
    private void ValidateGroupProtocol()
    {
        if (GroupProtocol == GroupProtocol.Classic)
        {
            if (GroupRemoteAssignor is not null)
                throw new ConsumerConfigException("group.remote.assignor", "group.remote.assignor cannot be set when group.protocol=classic.");
            return;
        }
        foreach (var (flag, key) in new[]
        {
            (ClassicOnly.PartitionAssignmentStrategy, "partition.assignment.strategy"),
            (ClassicOnly.SessionTimeoutMs, "session.timeout.ms"),
            (ClassicOnly.HeartbeatIntervalMs, "heartbeat.interval.ms"),
        })
        {
            if ((_classicOnlySet & flag) != 0)
                throw new ConsumerConfigException(key, $"{key} cannot be set when group.protocol=consumer (it applies to the classic protocol only).");
        }
        if (GroupRemoteAssignor is { } assignor && assignor.Trim().Length == 0)
            throw new ConsumerConfigException("group.remote.assignor", "group.remote.assignor must not be empty when set.");
    }

    [Flags]
    private enum ClassicOnly
    {
        PartitionAssignmentStrategy = 1,
        SessionTimeoutMs = 2,
        HeartbeatIntervalMs = 4,
    }

    private static void Invalid(string key, string problem) =>
        throw new ArgumentException($"Invalid Kafka configuration '{key}': {problem}.", key);

    internal IReadOnlyList<string> AssignorNames =>
        PartitionAssignmentStrategy.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
