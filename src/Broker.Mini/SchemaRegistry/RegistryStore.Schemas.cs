using System.Globalization;
using Samsa.SchemaRegistry.Avro;
using Samsa.SchemaRegistry.Client;
using Samsa.SchemaRegistry.Compatibility;

namespace Samsa.Broker.Mini.SchemaRegistry;

/// <summary>A schema in a register, lookup or compatibility request.</summary>
internal sealed record SchemaRequest(string Schema, string SchemaType, IReadOnlyList<SchemaReference> References, int? Id = null, int? Version = null);

/// <summary>A compatibility verdict with Confluent-style verbose messages.</summary>
internal sealed record CompatibilityVerdict(bool IsCompatible, IReadOnlyList<string> Messages);

internal sealed partial class RegistryStore
{
    /// <summary>Registers a schema under a subject (or returns the id it already has there). <c>POST /subjects/{s}/versions</c>.</summary>
    public int Register(string subject, SchemaRequest request)
    {
        var mode = EffectiveMode(subject);
        if (mode.StartsWith("READONLY", StringComparison.Ordinal)) throw RegistryError.NotPermitted($"Subject {subject} is in read-only mode");
        if ((request.Id is not null || request.Version is not null) && mode != "IMPORT")
            throw RegistryError.NotPermitted($"Subject {subject} is not in import mode");
        var (canonical, parsed) = Canonicalize(request);
        var identity = IdentityOf(request.SchemaType, canonical, request.References);
        var all = VersionsOf(subject, includeDeleted: true);
        if (request.Id is null && all.FirstOrDefault(e => !e.Deleted && e.Identity == identity) is { } existing) return existing.Id;
        if (mode != "IMPORT")
        {
            var verdict = Check(subject, parsed, Targets(subject, EffectiveCompatibility(subject)), EffectiveCompatibility(subject));
            if (!verdict.IsCompatible)
            {
                throw RegistryError.Incompatible(
                    $"Schema being registered is incompatible with an earlier schema for subject \"{subject}\", details: [{string.Join(", ", verdict.Messages)}]");
            }
        }
        int id;
        if (request.Id is { } asked)
        {
            if (_usesById.TryGetValue(asked, out var uses) && uses[0].Identity != identity)
                throw RegistryError.NotPermitted($"Overwrite new schema with id {asked} is not permitted.");
            id = asked;
        }
        else
        {
            id = _idByIdentity.TryGetValue(identity, out var known) ? known : _nextId;
        }
        int version = request.Version ?? (all.Count == 0 ? 1 : all[^1].Version + 1);
        if (all.Any(e => e.Version == version)) throw RegistryError.NotPermitted($"Version {version} of subject {subject} already exists.");
        _parsed.TryAdd(id, parsed);
        Commit(SchemasTopic.SchemaRecord(new StoredSchema(subject, version, id, canonical, request.SchemaType, request.References, Deleted: false)));
        RegistryLog.Registered(_logger, id, subject, version);
        return id;
    }

    /// <summary>Finds a registered schema in a subject. <c>POST /subjects/{s}</c>.</summary>
    public StoredSchema Lookup(string subject, SchemaRequest request, bool includeDeleted)
    {
        var versions = VersionsOf(subject, includeDeleted);
        if (versions.Count == 0) throw RegistryError.SubjectNotFound(subject);
        var (canonical, _) = Canonicalize(request);
        var identity = IdentityOf(request.SchemaType, canonical, request.References);
        return versions.LastOrDefault(e => e.Identity == identity) ?? throw RegistryError.SchemaNotFound();
    }

    /// <summary>Tests a schema against one version, the latest, or (version null) the versions the level names.</summary>
    public CompatibilityVerdict TestCompatibility(string subject, string? version, SchemaRequest request)
    {
        var (_, parsed) = Canonicalize(request);
        var level = EffectiveCompatibility(subject);
        if (version is null) return Check(subject, parsed, Targets(subject, level), level);
        if (IsLatest(version))
        {
            var latest = VersionsOf(subject, includeDeleted: false).LastOrDefault();
            return Check(subject, parsed, latest is null ? [] : [latest], level);
        }
        return Check(subject, parsed, [GetVersion(subject, version, includeDeleted: false)], level);
    }

    /// <summary>The registered schemas a new one is checked against under <paramref name="level"/>, oldest first.</summary>
    private List<StoredSchema> Targets(string subject, string level)
    {
        var live = VersionsOf(subject, includeDeleted: false);
        return level.EndsWith("_TRANSITIVE", StringComparison.Ordinal) ? live : live.Count == 0 ? [] : [live[^1]];
    }

    private CompatibilityVerdict Check(string subject, AvroSchema candidate, List<StoredSchema> targets, string levelName)
    {
        var level = SchemaCompatibility.ParseRegistryName(levelName) switch
        {
            CompatibilityLevel.BackwardTransitive => CompatibilityLevel.Backward,
            CompatibilityLevel.ForwardTransitive => CompatibilityLevel.Forward,
            CompatibilityLevel.FullTransitive => CompatibilityLevel.Full,
            var l => l,
        };
        var messages = new List<string>();
        foreach (var old in targets)
        {
            var problems = SchemaCompatibility.Check(level, candidate, [Parsed(old)]);
            if (problems.Count == 0) continue;
            foreach (var p in problems)
                messages.Add($"{{errorType:'{p.TypeName}', description:'{p.Message}', additionalInfo:'{p.Path}'}}");
            messages.Add(string.Create(CultureInfo.InvariantCulture, $"{{oldSchemaVersion: {old.Version}}}"));
            messages.Add($"{{oldSchema: '{old.Schema}'}}");
        }
        if (messages.Count > 0) messages.Add($"{{compatibility: '{levelName}'}}");
        _ = subject;
        return new CompatibilityVerdict(messages.Count == 0, messages);
    }

    /// <summary>Validates and parses a requested schema; returns the text to store (Avro: re-serialized JSON) and the parsed schema.</summary>
    private (string Canonical, AvroSchema Parsed) Canonicalize(SchemaRequest request)
    {
        if (request.SchemaType != "AVRO")
        {
            throw RegistryError.InvalidSchema(request.SchemaType is "JSON" or "PROTOBUF"
                ? $"Invalid schema: schema type {request.SchemaType} is not supported by the mini registry (AVRO only)"
                : $"Invalid schema: unknown schema type {request.SchemaType}");
        }
        if (string.IsNullOrWhiteSpace(request.Schema)) throw RegistryError.InvalidSchema("Empty schema");
        var named = ResolveReferences(request.References, 0);
        AvroSchema parsed;
        try
        {
            parsed = AvroSchema.Parse(request.Schema, named);
        }
        catch (Exception e) when (e is AvroSchemaException or AvroException or System.Text.Json.JsonException or ArgumentException or InvalidOperationException)
        {
            throw RegistryError.InvalidSchema($"Invalid schema {request.Schema}, details: {e.Message}");
        }
        // Without references the full JSON form is canonical (Confluent stores the parsed schema's toString); with them
        // it would inline the referenced types, so the submitted text is kept.
        return (request.References.Count == 0 ? parsed.ToString() : request.Schema.Trim(), parsed);
    }

    public static bool IsLatest(string version) => version is "latest" or "-1";

    /// <summary>A subject version by number or "latest". 40401, 40402 or 42202 when absent or malformed.</summary>
    public StoredSchema GetVersion(string subject, string version, bool includeDeleted)
    {
        var versions = VersionsOf(subject, includeDeleted);
        if (IsLatest(version))
        {
            return versions.Count > 0 ? versions[^1] : throw RegistryError.SubjectNotFound(subject);
        }
        int number = ParseVersion(version);
        if (versions.Count == 0) throw RegistryError.SubjectNotFound(subject);
        return versions.FirstOrDefault(e => e.Version == number) ?? throw RegistryError.VersionNotFound(number);
    }

    public static int ParseVersion(string version) =>
        int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 ? n : throw RegistryError.InvalidVersion(version);

    public IReadOnlyList<string> Subjects(bool includeDeleted, string prefix) =>
        _subjects.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal) && kv.Value.Values.Any(e => includeDeleted || !e.Deleted))
            .Select(kv => kv.Key).Order(StringComparer.Ordinal).ToList();

    public IReadOnlyList<int> Versions(string subject, bool includeDeleted)
    {
        var versions = VersionsOf(subject, includeDeleted);
        return versions.Count > 0 ? versions.Select(e => e.Version).ToList() : throw RegistryError.SubjectNotFound(subject);
    }

    /// <summary>A schema by id (also when only soft-deleted versions use it). 40403 when unknown.</summary>
    public StoredSchema GetById(int id) =>
        _usesById.TryGetValue(id, out var uses) ? uses[0] : throw RegistryError.SchemaNotFound(id);

    public IReadOnlyList<StoredSchema> UsesOf(int id, bool includeDeleted)
    {
        GetById(id);
        return _usesById[id].Where(e => includeDeleted || !e.Deleted).OrderBy(e => e.Subject, StringComparer.Ordinal).ThenBy(e => e.Version).ToList();
    }

    /// <summary>Ids of live schemas whose references name this subject version.</summary>
    public IReadOnlyList<int> ReferencedBy(string subject, int version) =>
        _subjects.Values.SelectMany(v => v.Values).Where(e => !e.Deleted && e.References.Any(r => r.Subject == subject && r.Version == version))
            .Select(e => e.Id).Distinct().Order().ToList();
}
