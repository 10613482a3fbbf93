using System.Text.Json;

namespace Samsa.Protocol.Generator;

/// <summary>One message definition file.</summary>
internal sealed class MessageSpec
{
    public required string Name { get; init; }
    public required string Type { get; init; }
    public short? ApiKey { get; init; }
    public required Versions ValidVersions { get; init; }
    public required Versions FlexibleVersions { get; init; }
    public bool LatestVersionUnstable { get; init; }
    public Versions DeprecatedVersions { get; init; } = Versions.None;
    public List<string> Listeners { get; init; } = [];
    public required List<FieldSpec> Fields { get; init; }
    public List<StructSpec> CommonStructs { get; init; } = [];

    public static MessageSpec Load(string path)
    {
        var options = new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };
        using var doc = JsonDocument.Parse(File.ReadAllText(path), options);
        var root = doc.RootElement;
        return new MessageSpec
        {
            Name = root.GetProperty("name").GetString()!,
            Type = root.GetProperty("type").GetString()!,
            ApiKey = root.TryGetProperty("apiKey", out var k) ? k.GetInt16() : null,
            ValidVersions = Versions.Parse(Str(root, "validVersions"), Versions.None),
            FlexibleVersions = Versions.Parse(Str(root, "flexibleVersions"), Versions.None),
            DeprecatedVersions = Versions.Parse(Str(root, "deprecatedVersions"), Versions.None),
            LatestVersionUnstable = root.TryGetProperty("latestVersionUnstable", out var u) && u.GetBoolean(),
            Listeners = root.TryGetProperty("listeners", out var l) ? l.EnumerateArray().Select(e => e.GetString()!).ToList() : [],
            Fields = ParseFields(root),
            CommonStructs = root.TryGetProperty("commonStructs", out var cs)
                ? cs.EnumerateArray().Select(s => new StructSpec(s.GetProperty("name").GetString()!, Versions.Parse(Str(s, "versions"), Versions.All), ParseFields(s))).ToList()
                : [],
        };
    }

    internal static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var p) ? (p.ValueKind == JsonValueKind.String ? p.GetString() : p.GetRawText()) : null;

    private static List<FieldSpec> ParseFields(JsonElement parent) =>
        parent.TryGetProperty("fields", out var fields) ? fields.EnumerateArray().Select(FieldSpec.Parse).ToList() : [];

    public static List<FieldSpec> ParseFieldList(JsonElement parent) => ParseFields(parent);
}

/// <summary>A struct: the element type of an array field, a struct-typed field, or a common struct.</summary>
internal sealed record StructSpec(string Name, Versions Versions, List<FieldSpec> Fields);

/// <summary>One field of a message or struct.</summary>
internal sealed class FieldSpec
{
    public required string Name { get; init; }
    public required string Type { get; init; }
    public required Versions Versions { get; init; }
    public Versions NullableVersions { get; init; } = Versions.None;
    public Versions TaggedVersions { get; init; } = Versions.None;
    public Versions? FlexibleVersions { get; init; }
    public int? Tag { get; init; }
    public string? Default { get; init; }
    public bool Ignorable { get; init; }
    public bool MapKey { get; init; }
    public bool ZeroCopy { get; init; }
    public string? EntityType { get; init; }
    public string? About { get; init; }
    public List<FieldSpec>? Fields { get; init; }

    public bool IsArray => Type.StartsWith("[]", StringComparison.Ordinal);
    public string ElementType => IsArray ? Type[2..] : Type;
    public bool IsTagged => Tag.HasValue;

    public static FieldSpec Parse(JsonElement e)
    {
        var versions = Versions.Parse(MessageSpec.Str(e, "versions"), Versions.None);
        return new FieldSpec
        {
            Name = e.GetProperty("name").GetString()!,
            Type = e.GetProperty("type").GetString()!,
            Versions = versions,
            NullableVersions = Versions.Parse(MessageSpec.Str(e, "nullableVersions"), Versions.None),
            TaggedVersions = Versions.Parse(MessageSpec.Str(e, "taggedVersions"), Versions.None),
            FlexibleVersions = MessageSpec.Str(e, "flexibleVersions") is { } f ? Versions.Parse(f, Versions.None) : null,
            Tag = e.TryGetProperty("tag", out var t) ? (t.ValueKind == JsonValueKind.String ? int.Parse(t.GetString()!) : t.GetInt32()) : null,
            Default = MessageSpec.Str(e, "default"),
            Ignorable = e.TryGetProperty("ignorable", out var ig) && ig.GetBoolean(),
            MapKey = e.TryGetProperty("mapKey", out var mk) && mk.GetBoolean(),
            ZeroCopy = e.TryGetProperty("zeroCopy", out var zc) && zc.GetBoolean(),
            EntityType = MessageSpec.Str(e, "entityType"),
            About = MessageSpec.Str(e, "about"),
            Fields = e.TryGetProperty("fields", out _) ? MessageSpec.ParseFieldList(e) : null,
        };
    }
}
