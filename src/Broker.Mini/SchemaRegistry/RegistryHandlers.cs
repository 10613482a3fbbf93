using System.Text.Json;
using System.Text.Json.Nodes;
using Samsa.SchemaRegistry.Client;

namespace Samsa.Broker.Mini.SchemaRegistry;

/// <summary>The REST operations: parse the request, run it on the store under its lock, shape Confluent's JSON answer.</summary>
internal sealed class RegistryHandlers(RegistryStore store)
{
    public object Register(string subject, byte[] body)
    {
        var request = ParseSchemaRequest(body);
        return new JsonObject { ["id"] = store.Locked(s => s.Register(subject, request)) };
    }

    public object Lookup(string subject, byte[] body, RequestArgs args)
    {
        var request = ParseSchemaRequest(body);
        return Describe(store.Locked(s => s.Lookup(subject, request, args.Flag("deleted"))));
    }

    public object SchemaById(int id, RequestArgs args)
    {
        var entry = store.Locked(s => s.GetById(id));
        var result = new JsonObject();
        if (entry.SchemaType != "AVRO") result["schemaType"] = entry.SchemaType;
        result["schema"] = entry.Schema;
        if (entry.References.Count > 0) result["references"] = JsonSerializer.SerializeToNode(entry.References);
        _ = args;
        return result;
    }

    public object RawSchemaById(int id) => new RawText(store.Locked(s => s.GetById(id)).Schema);

    public object SubjectsById(int id, RequestArgs args) =>
        new JsonArray([.. store.Locked(s => s.UsesOf(id, args.Flag("deleted"))).Select(e => e.Subject).Distinct().Select(x => (JsonNode)x)]);

    public object VersionsById(int id, RequestArgs args) =>
        new JsonArray([.. store.Locked(s => s.UsesOf(id, args.Flag("deleted"))).Select(e => (JsonNode)new JsonObject { ["subject"] = e.Subject, ["version"] = e.Version })]);

    public object Subjects(RequestArgs args) =>
        new JsonArray([.. store.Locked(s => s.Subjects(args.Flag("deleted"), args.Get("subjectPrefix") ?? string.Empty)).Select(x => (JsonNode)x)]);

    public object Versions(string subject, RequestArgs args) =>
        new JsonArray([.. store.Locked(s => s.Versions(subject, args.Flag("deleted"))).Select(v => (JsonNode)v)]);

    public object Version(string subject, string version, RequestArgs args) =>
        Describe(store.Locked(s => s.GetVersion(subject, version, args.Flag("deleted"))));

    public object RawVersion(string subject, string version, RequestArgs args) =>
        new RawText(store.Locked(s => s.GetVersion(subject, version, args.Flag("deleted"))).Schema);

    public object ReferencedBy(string subject, string version) => new JsonArray([.. store.Locked(s =>
    {
        var entry = s.GetVersion(subject, version, includeDeleted: false);
        return s.ReferencedBy(entry.Subject, entry.Version);
    }).Select(id => (JsonNode)id)]);

    public object DeleteSubject(string subject, RequestArgs args) =>
        new JsonArray([.. store.Locked(s => s.DeleteSubject(subject, args.Flag("permanent"))).Select(v => (JsonNode)v)]);

    public object DeleteVersion(string subject, string version, RequestArgs args) =>
        JsonValue.Create(store.Locked(s => s.DeleteVersion(subject, version, args.Flag("permanent"))));

    public object Compatibility(string subject, string? version, byte[] body, RequestArgs args)
    {
        if (version is not null && !RegistryStore.IsLatest(version)) RegistryStore.ParseVersion(version);
        var request = ParseSchemaRequest(body);
        var verdict = store.Locked(s => s.TestCompatibility(subject, version, request));
        var result = new JsonObject { ["is_compatible"] = verdict.IsCompatible };
        if (args.Flag("verbose")) result["messages"] = new JsonArray([.. verdict.Messages.Select(x => (JsonNode)x)]);
        return result;
    }

    public object Config(string method, string? subject, byte[] body, RequestArgs args)
    {
        switch (method)
        {
            case "GET":
                return new JsonObject { ["compatibilityLevel"] = store.Locked(s => s.GetConfig(subject, args.Flag("defaultToGlobal"))) };
            case "PUT":
                var level = Field(body, "compatibility") ?? Field(body, "compatibilityLevel");
                return new JsonObject { ["compatibility"] = store.Locked(s => s.SetConfig(subject, level)) };
            case "DELETE":
                return new JsonObject { ["compatibilityLevel"] = store.Locked(s => s.DeleteConfig(subject)) };
            default:
                throw new RegistryError(405, 405, "HTTP 405 Method Not Allowed");
        }
    }

    public object Mode(string method, string? subject, byte[] body, RequestArgs args)
    {
        switch (method)
        {
            case "GET":
                return new JsonObject { ["mode"] = store.Locked(s => s.GetMode(subject, args.Flag("defaultToGlobal"))) };
            case "PUT":
                var mode = Field(body, "mode");
                return new JsonObject { ["mode"] = store.Locked(s => s.SetMode(subject, mode, args.Flag("force"))) };
            case "DELETE" when subject is not null:
                return new JsonObject { ["mode"] = store.Locked(s => s.DeleteMode(subject)) };
            default:
                throw new RegistryError(405, 405, "HTTP 405 Method Not Allowed");
        }
    }

    /// <summary>A subject version in Confluent's shape: subject, version, id, [schemaType], [references], schema.</summary>
    private static JsonObject Describe(StoredSchema e)
    {
        var result = new JsonObject { ["subject"] = e.Subject, ["version"] = e.Version, ["id"] = e.Id };
        if (e.SchemaType != "AVRO") result["schemaType"] = e.SchemaType;
        if (e.References.Count > 0) result["references"] = JsonSerializer.SerializeToNode(e.References);
        result["schema"] = e.Schema;
        return result;
    }

    private static SchemaRequest ParseSchemaRequest(byte[] body)
    {
        if (body.Length == 0) throw RegistryError.InvalidSchema("Empty schema");
        using var doc = JsonDocument.Parse(body);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw RegistryError.BadRequest("The request body must be a JSON object.");
        var schema = root.TryGetProperty("schema", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString()! : string.Empty;
        var type = root.TryGetProperty("schemaType", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()!.ToUpperInvariant() : "AVRO";
        SchemaReference[] refs = [];
        if (root.TryGetProperty("references", out var r) && r.ValueKind == JsonValueKind.Array)
        {
            refs = r.Deserialize<SchemaReference[]>() ?? [];
            if (refs.Any(x => string.IsNullOrEmpty(x.Name) || string.IsNullOrEmpty(x.Subject)))
                throw RegistryError.InvalidSchema("Invalid schema: every reference needs a name, a subject and a version");
        }
        int? id = root.TryGetProperty("id", out var i) && i.ValueKind == JsonValueKind.Number ? i.GetInt32() : null;
        int? version = root.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : null;
        if (id is <= 0) id = null;
        if (version is <= 0) version = null;
        return new SchemaRequest(schema, type, refs, id, version);
    }

    private static string? Field(byte[] body, string name)
    {
        if (body.Length == 0) return null;
        using var doc = JsonDocument.Parse(body);
        return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString() : null;
    }
}
