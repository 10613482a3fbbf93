using System.Net;

namespace Samsa.SchemaRegistry.Client;

/// <summary>Error codes the Confluent Schema Registry returns in <c>error_code</c>.</summary>
public static class SchemaRegistryErrorCodes
{
    /// <summary>Subject not found.</summary>
    public const int SubjectNotFound = 40401;
    /// <summary>Version not found.</summary>
    public const int VersionNotFound = 40402;
    /// <summary>Schema not found.</summary>
    public const int SchemaNotFound = 40403;
    /// <summary>Subject was soft-deleted.</summary>
    public const int SubjectSoftDeleted = 40404;
    /// <summary>Subject not soft-deleted before a hard delete.</summary>
    public const int SubjectNotSoftDeleted = 40405;
    /// <summary>Schema version soft-deleted.</summary>
    public const int SchemaVersionSoftDeleted = 40406;
    /// <summary>Schema version not soft-deleted before a hard delete.</summary>
    public const int SchemaVersionNotSoftDeleted = 40407;
    /// <summary>Subject-level compatibility not configured.</summary>
    public const int SubjectLevelCompatibilityNotConfigured = 40408;
    /// <summary>Subject-level mode not configured.</summary>
    public const int SubjectLevelModeNotConfigured = 40409;
    /// <summary>Incompatible schema (HTTP 409).</summary>
    public const int IncompatibleSchema = 409;
    /// <summary>Invalid schema.</summary>
    public const int InvalidSchema = 42201;
    /// <summary>Invalid version.</summary>
    public const int InvalidVersion = 42202;
    /// <summary>Invalid compatibility level.</summary>
    public const int InvalidCompatibilityLevel = 42203;
    /// <summary>Invalid mode.</summary>
    public const int InvalidMode = 42204;
    /// <summary>Operation not permitted.</summary>
    public const int OperationNotPermitted = 42205;
    /// <summary>Reference exists: the schema is still referenced.</summary>
    public const int ReferenceExists = 42206;
    /// <summary>Error in the backend data store.</summary>
    public const int StoreError = 50001;
    /// <summary>Operation timed out.</summary>
    public const int OperationTimeout = 50002;
    /// <summary>Error while forwarding the request to the leader.</summary>
    public const int ForwardingError = 50003;
}

/// <summary>A failed registry call, with the HTTP status and the registry's <c>error_code</c>.</summary>
public sealed class SchemaRegistryException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SchemaRegistryException(string message, HttpStatusCode statusCode, int errorCode, Exception? inner = null)
        : base(message, inner)
    {
        StatusCode = statusCode;
        ErrorCode = errorCode;
    }

    /// <summary>The HTTP status (0 when no response was received).</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The registry's <c>error_code</c> (see <see cref="SchemaRegistryErrorCodes"/>), or the HTTP status when the body had none.</summary>
    public int ErrorCode { get; }

    /// <summary>True for 40401.</summary>
    public bool IsSubjectNotFound => ErrorCode == SchemaRegistryErrorCodes.SubjectNotFound;

    /// <summary>True for 40402.</summary>
    public bool IsVersionNotFound => ErrorCode == SchemaRegistryErrorCodes.VersionNotFound;

    /// <summary>True for 40403.</summary>
    public bool IsSchemaNotFound => ErrorCode == SchemaRegistryErrorCodes.SchemaNotFound;

    /// <summary>True for an incompatible schema (409).</summary>
    public bool IsIncompatible => StatusCode == HttpStatusCode.Conflict;

    /// <summary>True when retrying might succeed (5xx or no response).</summary>
    public bool IsRetriable => StatusCode == 0 || (int)StatusCode >= 500;
}
