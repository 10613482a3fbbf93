using System.Text.Json.Serialization;

namespace Samsa.SchemaRegistry.Client;

/// <summary>A reference from a schema to another registered schema (by subject and version) under an import name.</summary>
/// <param name="Name">The name used inside the referring schema (for Avro, the referenced type's full name).</param>
/// <param name="Subject">The subject of the referenced schema.</param>
/// <param name="Version">The version of the referenced schema.</param>
public sealed record SchemaReference(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("subject")] string Subject,
    [property: JsonPropertyName("version")] int Version);

/// <summary>Schema text with its type (AVRO when null) and references.</summary>
/// <param name="Schema">The schema text.</param>
/// <param name="SchemaType">AVRO (the default, sent as absent), JSON or PROTOBUF.</param>
/// <param name="References">References to other registered schemas.</param>
public sealed record SchemaString(string Schema, string? SchemaType = null, IReadOnlyList<SchemaReference>? References = null)
{
    /// <summary>The effective type: AVRO when unspecified.</summary>
    public string EffectiveType => SchemaType ?? "AVRO";

    internal string CacheKey => EffectiveType + "\n" + Schema + "\n" + string.Join(";", (References ?? []).Select(r => $"{r.Name}={r.Subject}/{r.Version}"));
}

/// <summary>A schema as registered under a subject.</summary>
/// <param name="Subject">The subject.</param>
/// <param name="Version">The version within the subject.</param>
/// <param name="Id">The global schema id.</param>
/// <param name="Schema">The schema text, type and references.</param>
public sealed record RegisteredSchema(string Subject, int Version, int Id, SchemaString Schema);

/// <summary>A (subject, version) pair, as returned for a schema id.</summary>
/// <param name="Subject">The subject.</param>
/// <param name="Version">The version.</param>
public sealed record SubjectVersion(
    [property: JsonPropertyName("subject")] string Subject,
    [property: JsonPropertyName("version")] int Version);

/// <summary>The result of a compatibility test.</summary>
/// <param name="IsCompatible">True when compatible.</param>
/// <param name="Messages">Reasons given by the registry (with <c>verbose=true</c>).</param>
public sealed record CompatibilityResult(bool IsCompatible, IReadOnlyList<string> Messages);

/// <summary>Registry modes (<c>GET/PUT /mode</c>).</summary>
public enum RegistryMode
{
    /// <summary>Normal operation.</summary>
    ReadWrite,
    /// <summary>Registration refused.</summary>
    ReadOnly,
    /// <summary>Registration with explicit ids (migration).</summary>
    Import,
}
