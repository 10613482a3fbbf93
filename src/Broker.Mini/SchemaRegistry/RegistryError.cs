using System.Globalization;

namespace Samsa.Broker.Mini.SchemaRegistry;

/// <summary>
/// A Confluent Schema Registry error: the HTTP status and the <c>error_code</c> / <c>message</c> body. The factory
/// methods use Confluent's codes and wording.
/// </summary>
internal sealed class RegistryError(int status, int code, string message) : Exception(message)
{
    public int Status { get; } = status;

    public int Code { get; } = code;

    public static RegistryError SubjectNotFound(string subject) => new(404, 40401, $"Subject '{subject}' not found.");

    public static RegistryError VersionNotFound(int version) => new(404, 40402, $"Version {version} not found.");

    public static RegistryError SchemaNotFound(int? id = null) => new(404, 40403, id is { } i ? $"Schema {i} not found" : "Schema not found");

    public static RegistryError SubjectSoftDeleted(string subject) =>
        new(404, 40404, $"Subject '{subject}' was soft deleted.Set permanent=true to delete permanently");

    public static RegistryError SubjectNotSoftDeleted(string subject) =>
        new(404, 40405, $"Subject '{subject}' was not deleted first before being permanently deleted");

    public static RegistryError VersionSoftDeleted(string subject, int version) =>
        new(404, 40406, $"Subject '{subject}' Version {version} was soft deleted.Set permanent=true to delete permanently");

    public static RegistryError VersionNotSoftDeleted(string subject, int version) =>
        new(404, 40407, $"Subject '{subject}' Version {version} was not deleted first before being permanently deleted");

    public static RegistryError SubjectCompatibilityNotConfigured(string subject) =>
        new(404, 40408, $"Subject '{subject}' does not have subject-level compatibility configured");

    public static RegistryError SubjectModeNotConfigured(string subject) =>
        new(404, 40409, $"Subject '{subject}' does not have subject-level mode configured");

    public static RegistryError Incompatible(string message) => new(409, 409, message);

    public static RegistryError InvalidSchema(string message) => new(422, 42201, message);

    public static RegistryError InvalidVersion(string version) =>
        new(422, 42202, $"The specified version '{version}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\"");

    public static RegistryError InvalidCompatibilityLevel() =>
        new(422, 42203, "Invalid compatibility level. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive");

    public static RegistryError InvalidMode() => new(422, 42204, "Invalid mode. Valid values are READWRITE, READONLY, READONLY_OVERRIDE, IMPORT.");

    public static RegistryError NotPermitted(string message) => new(422, 42205, message);

    public static RegistryError ReferenceExists(string subject, int version) =>
        new(422, 42206, string.Create(CultureInfo.InvariantCulture, $"One or more references exist to the schema {{subject={subject},version={version}}}."));

    public static RegistryError BadRequest(string message) => new(400, 400, message);

    public static RegistryError Store(string message) => new(500, 50001, message);
}
