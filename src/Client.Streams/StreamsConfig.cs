using Samsa.Client;

namespace Samsa.Streams;

/// <summary>
/// Kafka Streams settings with Kafka's names and defaults. Client settings (bootstrap servers, security) are
/// passed through to the embedded consumer, producer and admin client; <c>consumer.</c>, <c>producer.</c> and
/// <c>admin.</c> prefixes target one of them.
/// </summary>
public sealed class StreamsConfig
{
    /// <summary><c>application.id</c>: names the consumer group, internal topics and the state directory. Required.</summary>
    [KafkaConfigKey("application.id")]
    public string ApplicationId { get; set; } = "";

    /// <summary><c>bootstrap.servers</c>.</summary>
    [KafkaConfigKey("bootstrap.servers")]
    public string BootstrapServers { get; set; } = "";

    /// <summary><c>num.stream.threads</c> (default 1).</summary>
    [KafkaConfigKey("num.stream.threads")]
    public int NumStreamThreads { get; set; } = 1;

    /// <summary><c>processing.guarantee</c>: <c>at_least_once</c> (default) or <c>exactly_once_v2</c>.</summary>
    [KafkaConfigKey("processing.guarantee")]
    public string ProcessingGuarantee { get; set; } = "at_least_once";

    /// <summary><c>commit.interval.ms</c>: 30000, or 100 under exactly-once (applied when left unset).</summary>
    [KafkaConfigKey("commit.interval.ms")]
    public int? CommitIntervalMs { get; set; }

    /// <summary><c>state.dir</c> (default: <c>&lt;temp&gt;/kafka-streams</c>).</summary>
    [KafkaConfigKey("state.dir")]
    public string StateDir { get; set; } = Path.Combine(Path.GetTempPath(), "kafka-streams");

    /// <summary><c>replication.factor</c> for internal topics (-1: the broker default).</summary>
    [KafkaConfigKey("replication.factor")]
    public short ReplicationFactor { get; set; } = -1;

    /// <summary><c>num.standby.replicas</c> (default 0). Standby tasks are not supported yet: other values are rejected at start.</summary>
    [KafkaConfigKey("num.standby.replicas")]
    public int NumStandbyReplicas { get; set; }

    /// <summary><c>topology.optimization</c>: <c>none</c> (default) or <c>all</c>; <c>all</c> is accepted but applies no rewrites yet (results are the same).</summary>
    [KafkaConfigKey("topology.optimization")]
    public string TopologyOptimization { get; set; } = "none";

    /// <summary><c>default.key.serde</c>, as an instance; null means a serde must be given where keys are read or written.</summary>
    public object? DefaultKeySerde { get; set; }

    /// <summary><c>default.value.serde</c>, as an instance.</summary>
    public object? DefaultValueSerde { get; set; }

    /// <summary><c>max.task.idle.ms</c> (default 0). Tasks process whatever is buffered without waiting for empty inputs; values above 0 are rejected at start.</summary>
    [KafkaConfigKey("max.task.idle.ms")]
    public long MaxTaskIdleMs { get; set; }

    /// <summary><c>poll.ms</c> (default 100).</summary>
    [KafkaConfigKey("poll.ms")]
    public int PollMs { get; set; } = 100;

    /// <summary>Every other setting, by Kafka name (client settings, prefixed overrides).</summary>
    public IDictionary<string, string> Extra { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>True when <see cref="ProcessingGuarantee"/> is <c>exactly_once_v2</c> (or the deprecated <c>exactly_once</c>/<c>exactly_once_beta</c>).</summary>
    public bool ExactlyOnce => ProcessingGuarantee is "exactly_once_v2" or "exactly_once" or "exactly_once_beta";

    /// <summary>The effective <c>commit.interval.ms</c>.</summary>
    public int EffectiveCommitIntervalMs => CommitIntervalMs ?? (ExactlyOnce ? 100 : 30_000);
}
