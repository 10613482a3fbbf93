using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Samsa.Broker.Mini.SchemaRegistry;

/// <summary>
/// Maps Confluent Schema Registry REST paths to the handlers and renders results and errors
/// (<c>{"error_code":…,"message":…}</c>) as <c>application/vnd.schemaregistry.v1+json</c>.
/// </summary>
internal sealed class RegistryRouter(RegistryStore store, ILogger logger)
{
    public const string ContentType = "application/vnd.schemaregistry.v1+json";
    private readonly RegistryHandlers _handlers = new(store);

    public HttpResponseData Handle(HttpRequestData request)
    {
        HttpResponseData response;
        try
        {
            var segments = request.Path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
            var result = Route(request, segments, new RequestArgs(request));
            response = new HttpResponseData(200, result is RawText raw ? raw.Text : ((JsonNode?)result)?.ToJsonString() ?? "null", ContentType);
        }
        catch (RegistryError e)
        {
            response = Error(e.Status, e.Code, e.Message);
        }
        catch (JsonException e)
        {
            response = Error(400, 400, $"Unparseable request body: {e.Message}");
        }
        RegistryLog.Request(logger, request.Method, request.Path, response.Status);
        return response;
    }

    private static HttpResponseData Error(int status, int code, string message) =>
        new(status, new JsonObject { ["error_code"] = code, ["message"] = message }.ToJsonString(), ContentType);

    private object? Route(HttpRequestData r, string[] s, RequestArgs args)
    {
        var h = _handlers;
        string m = r.Method;
        switch (s)
        {
            case []:
                return Only(m, "GET", () => new JsonObject());
            case ["schemas", "types"]:
                return Only(m, "GET", () => new JsonArray("AVRO"));
            case ["schemas", "ids", var id]:
                return Only(m, "GET", () => h.SchemaById(Id(id), args));
            case ["schemas", "ids", var id, "schema"]:
                return Only(m, "GET", () => h.RawSchemaById(Id(id)));
            case ["schemas", "ids", var id, "subjects"]:
                return Only(m, "GET", () => h.SubjectsById(Id(id), args));
            case ["schemas", "ids", var id, "versions"]:
                return Only(m, "GET", () => h.VersionsById(Id(id), args));
            case ["subjects"]:
                return Only(m, "GET", () => h.Subjects(args));
            case ["subjects", var subject]:
                return m switch
                {
                    "POST" => h.Lookup(subject, r.Body, args),
                    "DELETE" => h.DeleteSubject(subject, args),
                    _ => throw MethodNotAllowed(),
                };
            case ["subjects", var subject, "versions"]:
                return m switch
                {
                    "GET" => h.Versions(subject, args),
                    "POST" => h.Register(subject, r.Body),
                    _ => throw MethodNotAllowed(),
                };
            case ["subjects", var subject, "versions", var version]:
                return m switch
                {
                    "GET" => h.Version(subject, version, args),
                    "DELETE" => h.DeleteVersion(subject, version, args),
                    _ => throw MethodNotAllowed(),
                };
            case ["subjects", var subject, "versions", var version, "schema"]:
                return Only(m, "GET", () => h.RawVersion(subject, version, args));
            case ["subjects", var subject, "versions", var version, "referencedby"]:
                return Only(m, "GET", () => h.ReferencedBy(subject, version));
            case ["compatibility", "subjects", var subject, "versions", var version]:
                return Only(m, "POST", () => h.Compatibility(subject, version, r.Body, args));
            case ["compatibility", "subjects", var subject, "versions"]:
                return Only(m, "POST", () => h.Compatibility(subject, null, r.Body, args));
            case ["config"]:
                return h.Config(m, null, r.Body, args);
            case ["config", var subject]:
                return h.Config(m, subject, r.Body, args);
            case ["mode"]:
                return h.Mode(m, null, r.Body, args);
            case ["mode", var subject]:
                return h.Mode(m, subject, r.Body, args);
            default:
                throw new RegistryError(404, 404, "HTTP 404 Not Found");
        }
    }

    private static object? Only(string method, string allowed, Func<object?> handler) => method == allowed ? handler() : throw MethodNotAllowed();

    private static RegistryError MethodNotAllowed() => new(405, 405, "HTTP 405 Method Not Allowed");

    private static int Id(string text) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id)
            ? id : throw new RegistryError(404, 404, "HTTP 404 Not Found");
}

/// <summary>A response body that is not JSON-encoded again (the <c>/schema</c> endpoints return the schema itself).</summary>
internal sealed record RawText(string Text);

/// <summary>Query parameters of a request.</summary>
internal sealed class RequestArgs(HttpRequestData request)
{
    public bool Flag(string name) => request.Query.TryGetValue(name, out var v) && v.Equals("true", StringComparison.OrdinalIgnoreCase);

    public string? Get(string name) => request.Query.TryGetValue(name, out var v) ? v : null;
}
