using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Samsa.SchemaRegistry.Avro;
using Samsa.SchemaRegistry.Client;
using Samsa.SchemaRegistry.Compatibility;

namespace Samsa.Broker.Mini.SchemaRegistry;

/// <summary>One version of a subject as stored in <c>_schemas</c>.</summary>
internal sealed record StoredSchema(string Subject, int Version, int Id, string Schema, string SchemaType, IReadOnlyList<SchemaReference> References, bool Deleted)
{
    /// <summary>What makes two registrations the same schema (and so the same id): type, text and references.</summary>
    public string Identity => RegistryStore.IdentityOf(SchemaType, Schema, References);
}

/// <summary>
/// The registry's state, a projection of the <c>_schemas</c> records: every change is written to the topic first and
/// then applied by the same code that replays the topic on start, so a restart rebuilds exactly this state.
/// One lock guards it; handlers run under it without awaiting.
/// </summary>
internal sealed partial class RegistryStore
{
    public const string DefaultCompatibility = "BACKWARD";
    public const string DefaultMode = "READWRITE";
    private readonly Lock _gate = new();
    private readonly SchemasTopic _topic;
    private readonly ILogger _logger;
    private readonly Dictionary<string, SortedDictionary<int, StoredSchema>> _subjects = new(StringComparer.Ordinal);
    private readonly Dictionary<int, List<StoredSchema>> _usesById = new();
    private readonly Dictionary<string, int> _idByIdentity = new(StringComparer.Ordinal);
    private readonly Dictionary<int, AvroSchema> _parsed = new();
    private readonly Dictionary<string, string> _subjectConfig = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _subjectMode = new(StringComparer.Ordinal);
    private string? _globalConfig;
    private string? _globalMode;
    private int _nextId = 1;

    public RegistryStore(SchemasTopic topic, ILogger logger)
    {
        _topic = topic;
        _logger = logger;
    }

    /// <summary>Runs <paramref name="action"/> under the store lock.</summary>
    public T Locked<T>(Func<RegistryStore, T> action)
    {
        lock (_gate) return action(this);
    }

    /// <summary>Replays the topic into the (empty) state.</summary>
    public void Load()
    {
        lock (_gate)
        {
            var records = _topic.ReadAll();
            foreach (var (key, value, offset) in records)
            {
                try
                {
                    Apply(key, value);
                }
                catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
                {
                    RegistryLog.BadRecord(_logger, SchemasTopic.Name, offset, e.Message);
                }
            }
            RegistryLog.Loaded(_logger, records.Count, SchemasTopic.Name, _subjects.Count, _usesById.Count);
        }
    }

    public static string IdentityOf(string type, string schema, IReadOnlyList<SchemaReference> refs)
    {
        var sb = new StringBuilder(type).Append('\n').Append(schema);
        foreach (var r in refs) sb.Append('\n').Append(r.Name).Append('=').Append(r.Subject).Append('/').Append(r.Version);
        return sb.ToString();
    }

    /// <summary>Writes records to the topic, then applies them.</summary>
    private void Commit(params (byte[] Key, byte[]? Value)[] records)
    {
        _topic.Append(records);
        foreach (var (key, value) in records) Apply(key, value);
    }

    private void Apply(byte[] key, byte[]? value)
    {
        using var k = JsonDocument.Parse(key);
        var root = k.RootElement;
        var type = root.GetProperty("keytype").GetString();
        string? subject = root.TryGetProperty("subject", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
        using var v = value is null ? null : JsonDocument.Parse(value);
        switch (type)
        {
            case "SCHEMA":
                int version = root.GetProperty("version").GetInt32();
                Remove(subject!, version);
                if (v is not null) Add(SchemasTopic.ParseSchemaValue(v.RootElement));
                break;
            case "CONFIG":
                var level = v?.RootElement.GetProperty("compatibilityLevel").GetString();
                if (subject is null) _globalConfig = level;
                else if (level is null) _subjectConfig.Remove(subject);
                else _subjectConfig[subject] = level;
                break;
            case "MODE":
                var mode = v?.RootElement.GetProperty("mode").GetString();
                if (subject is null) _globalMode = mode;
                else if (mode is null) _subjectMode.Remove(subject);
                else _subjectMode[subject] = mode;
                break;
            case "DELETE_SUBJECT":
                if (v is null || subject is null || !_subjects.TryGetValue(subject, out var versions)) break;
                int upTo = v.RootElement.GetProperty("version").GetInt32();
                foreach (var entry in versions.Values.Where(e => e.Version <= upTo && !e.Deleted).ToList())
                {
                    Remove(subject, entry.Version);
                    Add(entry with { Deleted = true });
                }
                break;
            default:
                break; // NOOP and unknown key types are ignored, as Confluent's store does.
        }
    }

    private void Add(StoredSchema entry)
    {
        if (!_subjects.TryGetValue(entry.Subject, out var versions)) _subjects[entry.Subject] = versions = new SortedDictionary<int, StoredSchema>();
        versions[entry.Version] = entry;
        if (!_usesById.TryGetValue(entry.Id, out var uses)) _usesById[entry.Id] = uses = new List<StoredSchema>();
        uses.Add(entry);
        _idByIdentity[entry.Identity] = entry.Id;
        _nextId = Math.Max(_nextId, entry.Id + 1);
    }

    private void Remove(string subject, int version)
    {
        if (!_subjects.TryGetValue(subject, out var versions) || !versions.Remove(version, out var old)) return;
        if (versions.Count == 0) _subjects.Remove(subject);
        var uses = _usesById[old.Id];
        uses.RemoveAll(u => u.Subject == subject && u.Version == version);
        if (uses.Count > 0) return;
        _usesById.Remove(old.Id);
        _parsed.Remove(old.Id);
        if (_idByIdentity.TryGetValue(old.Identity, out var id) && id == old.Id) _idByIdentity.Remove(old.Identity);
    }

    /// <summary>The versions of a subject, soft-deleted ones only when asked; empty when there are none.</summary>
    private List<StoredSchema> VersionsOf(string subject, bool includeDeleted) =>
        _subjects.TryGetValue(subject, out var versions) ? versions.Values.Where(e => includeDeleted || !e.Deleted).ToList() : [];

    public string EffectiveCompatibility(string subject) =>
        _subjectConfig.TryGetValue(subject, out var level) ? level : _globalConfig ?? DefaultCompatibility;

    public string EffectiveMode(string subject) => _subjectMode.TryGetValue(subject, out var mode) ? mode : _globalMode ?? DefaultMode;

    /// <summary>Parses a stored schema (cached by id), resolving its references.</summary>
    private AvroSchema Parsed(StoredSchema s)
    {
        if (_parsed.TryGetValue(s.Id, out var parsed)) return parsed;
        parsed = AvroSchema.Parse(s.Schema, ResolveReferences(s.References, 0));
        _parsed[s.Id] = parsed;
        return parsed;
    }

    /// <summary>The named schemas a set of references brings in (recursively), for parsing the referring schema.</summary>
    private List<AvroSchema> ResolveReferences(IReadOnlyList<SchemaReference> refs, int depth)
    {
        if (depth > 32) throw RegistryError.InvalidSchema("Schema references nest deeper than 32 levels.");
        var named = new List<AvroSchema>();
        foreach (var r in refs)
        {
            var target = FindReference(r) ?? throw RegistryError.InvalidSchema($"Invalid schema: reference {r.Name} to subject '{r.Subject}' version {r.Version} not found");
            named.Add(Parsed(target));
        }
        return named;
    }

    private StoredSchema? FindReference(SchemaReference r)
    {
        var versions = VersionsOf(r.Subject, includeDeleted: true);
        return r.Version == -1 ? versions.LastOrDefault(v => !v.Deleted) : versions.FirstOrDefault(v => v.Version == r.Version);
    }
}
