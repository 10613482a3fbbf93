namespace Samsa.Client;

/// <summary>Names the Kafka-style configuration key (such as <c>bootstrap.servers</c>) a property binds to.</summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = true)]
public sealed class KafkaConfigKeyAttribute(string key) : Attribute
{
    /// <summary>The Kafka configuration key.</summary>
    public string Key { get; } = key;
}
