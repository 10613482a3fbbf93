using Microsoft.Extensions.Logging;

namespace Samsa.Broker.Mini.SchemaRegistry;

/// <summary>Source-generated log messages of the mini schema registry: event ids 1900-1999.</summary>
internal static partial class RegistryLog
{
    [LoggerMessage(1900, LogLevel.Information, "Schema registry listening on {Url}")]
    public static partial void Listening(ILogger logger, string url);

    [LoggerMessage(1901, LogLevel.Information, "Schema registry loaded {Records} record(s) from {Topic}: {Subjects} subject(s), {Schemas} schema id(s)")]
    public static partial void Loaded(ILogger logger, int records, string topic, int subjects, int schemas);

    [LoggerMessage(1902, LogLevel.Debug, "Schema registry {Method} {Path} -> {Status}")]
    public static partial void Request(ILogger logger, string method, string path, int status);

    [LoggerMessage(1903, LogLevel.Error, "Schema registry handler for {Method} {Path} failed")]
    public static partial void HandlerFailed(ILogger logger, string method, string path, Exception exception);

    [LoggerMessage(1904, LogLevel.Information, "Schema registry registered schema id {Id} as {Subject} version {Version}")]
    public static partial void Registered(ILogger logger, int id, string subject, int version);

    [LoggerMessage(1905, LogLevel.Warning, "Schema registry skipped an unreadable {Topic} record at offset {Offset}: {Reason}")]
    public static partial void BadRecord(ILogger logger, string topic, long offset, string reason);
}
