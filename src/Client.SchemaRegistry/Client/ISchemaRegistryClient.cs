using Samsa.SchemaRegistry.Compatibility;

namespace Samsa.SchemaRegistry.Client;

/// <summary>The Confluent Schema Registry REST API. Every call is asynchronous and cancellable.</summary>
public interface ISchemaRegistryClient
{
    /// <summary>Registers a schema under a subject (or finds it) and returns its id. Cached. <c>POST /subjects/{s}/versions</c>.</summary>
    Task<int> RegisterSchemaAsync(string subject, SchemaString schema, bool normalize = false, CancellationToken cancellationToken = default);

    /// <summary>Finds an already registered schema in a subject. Cached. <c>POST /subjects/{s}</c>.</summary>
    Task<RegisteredSchema> LookupSchemaAsync(string subject, SchemaString schema, bool normalize = false, CancellationToken cancellationToken = default);

    /// <summary>The schema with a global id. Cached. <c>GET /schemas/ids/{id}</c>.</summary>
    Task<SchemaString> GetSchemaByIdAsync(int id, CancellationToken cancellationToken = default);

    /// <summary>A version of a subject. Cached by (subject, version). <c>GET /subjects/{s}/versions/{v}</c>.</summary>
    Task<RegisteredSchema> GetSchemaAsync(string subject, int version, CancellationToken cancellationToken = default);

    /// <summary>The latest version of a subject (not cached). <c>GET /subjects/{s}/versions/latest</c>.</summary>
    Task<RegisteredSchema> GetLatestSchemaAsync(string subject, CancellationToken cancellationToken = default);

    /// <summary>All subjects. <c>GET /subjects</c>.</summary>
    Task<IReadOnlyList<string>> GetSubjectsAsync(CancellationToken cancellationToken = default);

    /// <summary>The versions of a subject. <c>GET /subjects/{s}/versions</c>.</summary>
    Task<IReadOnlyList<int>> GetVersionsAsync(string subject, CancellationToken cancellationToken = default);

    /// <summary>The (subject, version) pairs using a schema id. <c>GET /schemas/ids/{id}/versions</c>.</summary>
    Task<IReadOnlyList<SubjectVersion>> GetSubjectVersionsByIdAsync(int id, CancellationToken cancellationToken = default);

    /// <summary>Ids of schemas referring to a version. <c>GET /subjects/{s}/versions/{v}/referencedby</c>.</summary>
    Task<IReadOnlyList<int>> GetReferencedByAsync(string subject, int version, CancellationToken cancellationToken = default);

    /// <summary>Tests a schema against a version (null = latest). <c>POST /compatibility/subjects/{s}/versions/{v}?verbose=true</c>.</summary>
    Task<CompatibilityResult> TestCompatibilityAsync(string subject, SchemaString schema, int? version = null, CancellationToken cancellationToken = default);

    /// <summary>The compatibility level of a subject (falling back to global), or the global one when subject is null. <c>GET /config[/{s}]</c>.</summary>
    Task<CompatibilityLevel> GetCompatibilityAsync(string? subject = null, CancellationToken cancellationToken = default);

    /// <summary>Sets the compatibility level of a subject, or the global one. <c>PUT /config[/{s}]</c>.</summary>
    Task<CompatibilityLevel> SetCompatibilityAsync(CompatibilityLevel level, string? subject = null, CancellationToken cancellationToken = default);

    /// <summary>The mode of a subject or of the registry. <c>GET /mode[/{s}]</c>.</summary>
    Task<RegistryMode> GetModeAsync(string? subject = null, CancellationToken cancellationToken = default);

    /// <summary>Sets the mode of a subject or of the registry. <c>PUT /mode[/{s}]</c>.</summary>
    Task<RegistryMode> SetModeAsync(RegistryMode mode, string? subject = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes a subject (soft, or hard with <paramref name="permanent"/>); returns the deleted versions. <c>DELETE /subjects/{s}</c>.</summary>
    Task<IReadOnlyList<int>> DeleteSubjectAsync(string subject, bool permanent = false, CancellationToken cancellationToken = default);

    /// <summary>Deletes one version (soft, or hard with <paramref name="permanent"/>). <c>DELETE /subjects/{s}/versions/{v}</c>.</summary>
    Task<int> DeleteSchemaVersionAsync(string subject, int version, bool permanent = false, CancellationToken cancellationToken = default);
}
