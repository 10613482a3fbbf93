namespace Samsa.Protocol.Messages;

/// <summary>Records the spec facts of a generated message property: versions, nullability, tags and map keys.</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class KafkaFieldAttribute(string versions) : Attribute
{
    /// <summary>Versions in which the field exists, as in the spec ("0+", "3-5", "none").</summary>
    public string Versions { get; } = versions;

    /// <summary>Versions in which the field may be null.</summary>
    public string NullableVersions { get; init; } = "none";

    /// <summary>The tag of a tagged field, or -1.</summary>
    public int Tag { get; init; } = -1;

    /// <summary>Versions in which the field travels as a tagged field.</summary>
    public string TaggedVersions { get; init; } = "none";

    /// <summary>True when writing a non-default value at a version without the field is silently allowed.</summary>
    public bool Ignorable { get; init; }

    /// <summary>True when the field is the key of its collection (unique per element).</summary>
    public bool MapKey { get; init; }

    /// <summary>The kind of entity the field names (topicName, groupId, ...), when the spec says.</summary>
    public string? EntityType { get; init; }

    /// <summary>Field-level override of the message's flexible versions (header client id).</summary>
    public string? FlexibleVersions { get; init; }
}
