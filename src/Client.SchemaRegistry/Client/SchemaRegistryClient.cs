using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Samsa.SchemaRegistry.Compatibility;

namespace Samsa.SchemaRegistry.Client;

/// <summary>
/// Confluent Schema Registry client over <see cref="HttpClient"/>. Schemas by id, ids by (subject, schema) and
/// versions by (subject, version) are cached; concurrent requests for the same key share one HTTP call.
/// Thread-safe; dispose to release the HTTP client it created.
/// </summary>
public sealed partial class SchemaRegistryClient : ISchemaRegistryClient, IDisposable
{
    private readonly ConcurrentDictionary<int, Lazy<Task<SchemaString>>> _byId = new();
    private readonly ConcurrentDictionary<(string, string, bool), Lazy<Task<int>>> _idBySchema = new();
    private readonly ConcurrentDictionary<(string, string, bool), Lazy<Task<RegisteredSchema>>> _lookups = new();
    private readonly ConcurrentDictionary<(string, int), Lazy<Task<RegisteredSchema>>> _byVersion = new();

    /// <inheritdoc />
    public Task<int> RegisterSchemaAsync(string subject, SchemaString schema, bool normalize = false, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        ArgumentNullException.ThrowIfNull(schema);
        return Cached(_idBySchema, (subject, schema.CacheKey, normalize), async () =>
        {
            using var doc = await SendAsync(HttpMethod.Post, $"subjects/{Esc(subject)}/versions{(normalize ? "?normalize=true" : string.Empty)}", SchemaBody(schema)).ConfigureAwait(false);
            var id = doc.RootElement.GetProperty("id").GetInt32();
            Remember(_byId, id, schema);
            return id;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<RegisteredSchema> LookupSchemaAsync(string subject, SchemaString schema, bool normalize = false, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        ArgumentNullException.ThrowIfNull(schema);
        return Cached(_lookups, (subject, schema.CacheKey, normalize), async () =>
        {
            using var doc = await SendAsync(HttpMethod.Post, $"subjects/{Esc(subject)}{(normalize ? "?normalize=true" : string.Empty)}", SchemaBody(schema)).ConfigureAwait(false);
            var registered = ParseRegistered(doc.RootElement, subject);
            Remember(_byId, registered.Id, registered.Schema);
            return registered;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<SchemaString> GetSchemaByIdAsync(int id, CancellationToken cancellationToken = default)
        => Cached(_byId, id, async () =>
        {
            using var doc = await SendAsync(HttpMethod.Get, $"schemas/ids/{id}", null).ConfigureAwait(false);
            return ParseSchemaString(doc.RootElement);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<RegisteredSchema> GetSchemaAsync(string subject, int version, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        return Cached(_byVersion, (subject, version), () => FetchVersionAsync(subject, version.ToString(System.Globalization.CultureInfo.InvariantCulture)), cancellationToken);
    }

    /// <inheritdoc />
    public Task<RegisteredSchema> GetLatestSchemaAsync(string subject, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        return FetchVersionAsync(subject, "latest", cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> GetSubjectsAsync(CancellationToken cancellationToken = default)
    {
        using var doc = await SendAsync(HttpMethod.Get, "subjects", null, cancellationToken).ConfigureAwait(false);
        return doc.RootElement.EnumerateArray().Select(e => e.GetString()!).ToArray();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<int>> GetVersionsAsync(string subject, CancellationToken cancellationToken = default)
    {
        using var doc = await SendAsync(HttpMethod.Get, $"subjects/{Esc(subject)}/versions", null, cancellationToken).ConfigureAwait(false);
        return Ints(doc.RootElement);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<SubjectVersion>> GetSubjectVersionsByIdAsync(int id, CancellationToken cancellationToken = default)
    {
        using var doc = await SendAsync(HttpMethod.Get, $"schemas/ids/{id}/versions", null, cancellationToken).ConfigureAwait(false);
        return doc.RootElement.Deserialize<SubjectVersion[]>() ?? [];
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<int>> GetReferencedByAsync(string subject, int version, CancellationToken cancellationToken = default)
    {
        using var doc = await SendAsync(HttpMethod.Get, $"subjects/{Esc(subject)}/versions/{version}/referencedby", null, cancellationToken).ConfigureAwait(false);
        return Ints(doc.RootElement);
    }

    /// <inheritdoc />
    public async Task<CompatibilityResult> TestCompatibilityAsync(string subject, SchemaString schema, int? version = null, CancellationToken cancellationToken = default)
    {
        var v = version?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "latest";
        using var doc = await SendAsync(HttpMethod.Post, $"compatibility/subjects/{Esc(subject)}/versions/{v}?verbose=true", SchemaBody(schema), cancellationToken).ConfigureAwait(false);
        var root = doc.RootElement;
        var messages = root.TryGetProperty("messages", out var m) && m.ValueKind == JsonValueKind.Array
            ? m.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.String ? x.GetString()! : x.GetRawText()).ToArray()
            : [];
        return new CompatibilityResult(root.GetProperty("is_compatible").GetBoolean(), messages);
    }

    /// <inheritdoc />
    public async Task<CompatibilityLevel> GetCompatibilityAsync(string? subject = null, CancellationToken cancellationToken = default)
    {
        var path = subject is null ? "config" : $"config/{Esc(subject)}?defaultToGlobal=true";
        using var doc = await SendAsync(HttpMethod.Get, path, null, cancellationToken).ConfigureAwait(false);
        var root = doc.RootElement;
        var name = root.TryGetProperty("compatibilityLevel", out var c) ? c.GetString() : root.GetProperty("compatibility").GetString();
        return SchemaCompatibility.ParseRegistryName(name!);
    }

    /// <inheritdoc />
    public async Task<CompatibilityLevel> SetCompatibilityAsync(CompatibilityLevel level, string? subject = null, CancellationToken cancellationToken = default)
    {
        var body = new JsonObject { ["compatibility"] = SchemaCompatibility.ToRegistryName(level) };
        using var doc = await SendAsync(HttpMethod.Put, subject is null ? "config" : $"config/{Esc(subject)}", body, cancellationToken).ConfigureAwait(false);
        return SchemaCompatibility.ParseRegistryName(doc.RootElement.GetProperty("compatibility").GetString()!);
    }

    /// <inheritdoc />
    public async Task<RegistryMode> GetModeAsync(string? subject = null, CancellationToken cancellationToken = default)
    {
        using var doc = await SendAsync(HttpMethod.Get, subject is null ? "mode" : $"mode/{Esc(subject)}", null, cancellationToken).ConfigureAwait(false);
        return ParseMode(doc.RootElement.GetProperty("mode").GetString());
    }

    /// <inheritdoc />
    public async Task<RegistryMode> SetModeAsync(RegistryMode mode, string? subject = null, CancellationToken cancellationToken = default)
    {
        var body = new JsonObject { ["mode"] = ModeName(mode) };
        using var doc = await SendAsync(HttpMethod.Put, subject is null ? "mode" : $"mode/{Esc(subject)}", body, cancellationToken).ConfigureAwait(false);
        return ParseMode(doc.RootElement.GetProperty("mode").GetString());
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<int>> DeleteSubjectAsync(string subject, bool permanent = false, CancellationToken cancellationToken = default)
    {
        using var doc = await SendAsync(HttpMethod.Delete, $"subjects/{Esc(subject)}{(permanent ? "?permanent=true" : string.Empty)}", null, cancellationToken).ConfigureAwait(false);
        foreach (var key in _byVersion.Keys.Where(k => k.Item1 == subject))
        {
            _byVersion.TryRemove(key, out _);
        }

        return Ints(doc.RootElement);
    }

    /// <inheritdoc />
    public async Task<int> DeleteSchemaVersionAsync(string subject, int version, bool permanent = false, CancellationToken cancellationToken = default)
    {
        using var doc = await SendAsync(HttpMethod.Delete, $"subjects/{Esc(subject)}/versions/{version}{(permanent ? "?permanent=true" : string.Empty)}", null, cancellationToken).ConfigureAwait(false);
        _byVersion.TryRemove((subject, version), out _);
        return doc.RootElement.GetInt32();
    }

    private async Task<RegisteredSchema> FetchVersionAsync(string subject, string version, CancellationToken cancellationToken = default)
    {
        using var doc = await SendAsync(HttpMethod.Get, $"subjects/{Esc(subject)}/versions/{version}", null, cancellationToken).ConfigureAwait(false);
        var registered = ParseRegistered(doc.RootElement, subject);
        Remember(_byId, registered.Id, registered.Schema);
        return registered;
    }

    private static string Esc(string s) => Uri.EscapeDataString(s);

    private static int[] Ints(JsonElement e) => e.EnumerateArray().Select(x => x.GetInt32()).ToArray();

    private static JsonObject SchemaBody(SchemaString schema)
    {
        var body = new JsonObject { ["schema"] = schema.Schema };
        if (schema.SchemaType is { } t && t != "AVRO")
        {
            body["schemaType"] = t;
        }

        if (schema.References is { Count: > 0 } refs)
        {
            body["references"] = JsonSerializer.SerializeToNode(refs);
        }

        return body;
    }

    private static SchemaString ParseSchemaString(JsonElement e)
    {
        var type = e.TryGetProperty("schemaType", out var t) ? t.GetString() : null;
        var refs = e.TryGetProperty("references", out var r) && r.ValueKind == JsonValueKind.Array ? r.Deserialize<SchemaReference[]>() : null;
        return new SchemaString(e.GetProperty("schema").GetString()!, type == "AVRO" ? null : type, refs is { Length: > 0 } ? refs : null);
    }

    private static RegisteredSchema ParseRegistered(JsonElement e, string subject)
        => new(e.TryGetProperty("subject", out var s) ? s.GetString()! : subject, e.GetProperty("version").GetInt32(), e.GetProperty("id").GetInt32(), ParseSchemaString(e));

    private static RegistryMode ParseMode(string? name) => name switch
    {
        "READWRITE" => RegistryMode.ReadWrite,
        "READONLY" => RegistryMode.ReadOnly,
        "IMPORT" => RegistryMode.Import,
        _ => throw new SchemaRegistryException($"Unknown mode '{name}'.", System.Net.HttpStatusCode.OK, 0),
    };

    private static string ModeName(RegistryMode mode) => mode switch
    {
        RegistryMode.ReadWrite => "READWRITE",
        RegistryMode.ReadOnly => "READONLY",
        _ => "IMPORT",
    };

    private void Remember<TKey, TValue>(ConcurrentDictionary<TKey, Lazy<Task<TValue>>> cache, TKey key, TValue value)
        where TKey : notnull
    {
        Trim(cache);
        cache.TryAdd(key, new Lazy<Task<TValue>>(Task.FromResult(value)));
    }

    private void Trim<TKey, TValue>(ConcurrentDictionary<TKey, TValue> cache)
        where TKey : notnull
    {
        if (cache.Count >= _options.MaxCachedSchemas)
        {
            cache.Clear();
        }
    }

    /// <summary>One shared fetch per key; a failed fetch is forgotten so the next caller retries.</summary>
    private async Task<TValue> Cached<TKey, TValue>(ConcurrentDictionary<TKey, Lazy<Task<TValue>>> cache, TKey key, Func<Task<TValue>> fetch, CancellationToken cancellationToken)
        where TKey : notnull
    {
        if (!cache.TryGetValue(key, out var lazy))
        {
            Trim(cache);
            lazy = cache.GetOrAdd(key, _ => new Lazy<Task<TValue>>(() => Task.Run(fetch, CancellationToken.None)));
        }

        try
        {
            return await lazy.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (lazy.Value.IsFaulted || lazy.Value.IsCanceled)
        {
            cache.TryRemove(new KeyValuePair<TKey, Lazy<Task<TValue>>>(key, lazy));
            throw;
        }
    }
}
