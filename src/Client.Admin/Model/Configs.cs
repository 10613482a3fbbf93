using System.Globalization;

namespace Samsa.Admin;

/// <summary>Kinds of config resources (Kafka's <c>ConfigResource.Type</c> codes).</summary>
public enum ConfigResourceType : sbyte
{
    /// <summary>Unknown.</summary>
    Unknown = 0,
    /// <summary>A topic.</summary>
    Topic = 2,
    /// <summary>A broker (name = broker id; empty = cluster-wide default).</summary>
    Broker = 4,
    /// <summary>A broker's log4j loggers (name = broker id).</summary>
    BrokerLogger = 8,
    /// <summary>Client metrics subscriptions.</summary>
    ClientMetrics = 16,
    /// <summary>A group.</summary>
    Group = 32,
}

/// <summary>A resource whose configs can be described or altered.</summary>
/// <param name="Type">Resource kind.</param>
/// <param name="Name">Topic name, broker id, …</param>
public readonly record struct ConfigResource(ConfigResourceType Type, string Name)
{
    /// <summary>A topic.</summary>
    public static ConfigResource Topic(string name) => new(ConfigResourceType.Topic, name);

    /// <summary>One broker (requests for it go to that broker).</summary>
    public static ConfigResource Broker(int brokerId) => new(ConfigResourceType.Broker, brokerId.ToString(CultureInfo.InvariantCulture));

    /// <summary>The cluster-wide dynamic broker default.</summary>
    public static ConfigResource BrokerDefault => new(ConfigResourceType.Broker, "");

    /// <inheritdoc />
    public override string ToString() => $"{Type}:{Name}";
}

/// <summary>Where a config value comes from (Kafka's <c>ConfigSource</c> codes).</summary>
public enum ConfigSource : sbyte
{
    /// <summary>Unknown.</summary>
    Unknown = 0,
    /// <summary>Set on the topic.</summary>
    DynamicTopicConfig = 1,
    /// <summary>Set dynamically for this broker.</summary>
    DynamicBrokerConfig = 2,
    /// <summary>Set dynamically as the cluster-wide default.</summary>
    DynamicDefaultBrokerConfig = 3,
    /// <summary>From the broker's properties file.</summary>
    StaticBrokerConfig = 4,
    /// <summary>Kafka's built-in default.</summary>
    DefaultConfig = 5,
    /// <summary>A dynamic broker logger level.</summary>
    DynamicBrokerLoggerConfig = 6,
    /// <summary>Client metrics config.</summary>
    ClientMetricsConfig = 7,
    /// <summary>Group config.</summary>
    GroupConfig = 8,
}

/// <summary>A config's declared type (DescribeConfigs v3+).</summary>
public enum ConfigType : sbyte
{
    /// <summary>Unknown or not reported.</summary>
    Unknown = 0,
    /// <summary>Boolean.</summary>
    Boolean = 1,
    /// <summary>String.</summary>
    String = 2,
    /// <summary>Int.</summary>
    Int = 3,
    /// <summary>Short.</summary>
    Short = 4,
    /// <summary>Long.</summary>
    Long = 5,
    /// <summary>Double.</summary>
    Double = 6,
    /// <summary>List.</summary>
    List = 7,
    /// <summary>Class.</summary>
    Class = 8,
    /// <summary>Password.</summary>
    Password = 9,
}

/// <summary>A value the config also has at another level (topic, broker, default), in precedence order.</summary>
public sealed record ConfigSynonym(string Name, string? Value, ConfigSource Source);

/// <summary>One config of a resource.</summary>
/// <param name="Name">Config name.</param>
/// <param name="Value">Value (null when sensitive).</param>
/// <param name="Source">Where the value comes from.</param>
/// <param name="IsReadOnly">True when it cannot be altered.</param>
/// <param name="IsDefault">True when it is Kafka's default.</param>
/// <param name="IsSensitive">True for passwords and other secrets.</param>
/// <param name="Synonyms">Other levels' values, when asked for.</param>
/// <param name="Type">Declared type (v3+).</param>
/// <param name="Documentation">Documentation, when asked for and the broker gives it.</param>
public sealed record ConfigEntry(string Name, string? Value, ConfigSource Source, bool IsReadOnly, bool IsDefault, bool IsSensitive,
    IReadOnlyList<ConfigSynonym> Synonyms, ConfigType Type, string? Documentation);

/// <summary>The kinds of incremental config change.</summary>
public enum AlterConfigOpType : sbyte
{
    /// <summary>Set the value.</summary>
    Set = 0,
    /// <summary>Revert to the default.</summary>
    Delete = 1,
    /// <summary>Add to a list config.</summary>
    Append = 2,
    /// <summary>Remove from a list config.</summary>
    Subtract = 3,
}

/// <summary>One incremental config change.</summary>
public sealed record AlterConfigOp(string Name, AlterConfigOpType Op, string? Value = null)
{
    /// <summary>Sets <paramref name="name"/> to <paramref name="value"/>.</summary>
    public static AlterConfigOp Set(string name, string value) => new(name, AlterConfigOpType.Set, value);

    /// <summary>Reverts <paramref name="name"/> to its default.</summary>
    public static AlterConfigOp Delete(string name) => new(name, AlterConfigOpType.Delete);

    /// <summary>Appends <paramref name="value"/> to list config <paramref name="name"/>.</summary>
    public static AlterConfigOp Append(string name, string value) => new(name, AlterConfigOpType.Append, value);

    /// <summary>Removes <paramref name="value"/> from list config <paramref name="name"/>.</summary>
    public static AlterConfigOp Subtract(string name, string value) => new(name, AlterConfigOpType.Subtract, value);
}
