using System.Text.Json;

namespace Samsa.SchemaRegistry.Avro;

/// <summary>Parses schema JSON into <see cref="AvroSchema"/> trees, resolving names against namespaces.</summary>
internal sealed class SchemaParser
{
    private static readonly HashSet<string> Reserved = new(StringComparer.Ordinal)
    {
        "type", "name", "namespace", "doc", "aliases", "fields", "symbols", "items", "values", "size", "default",
        "order", "logicalType", "precision", "scale",
    };

    private readonly Dictionary<string, NamedSchema> _names = new(StringComparer.Ordinal);

    public static AvroSchema Parse(string json, IEnumerable<AvroSchema>? namedTypes)
    {
        ArgumentNullException.ThrowIfNull(json);
        var parser = new SchemaParser();
        if (namedTypes is not null)
        {
            foreach (var t in namedTypes)
            {
                parser.RegisterTree(t);
            }
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new AvroSchemaException("Schema is not valid JSON: " + ex.Message, ex);
        }

        using (doc)
        {
            var schema = parser.ParseElement(doc.RootElement, null);
            return schema;
        }
    }

    private void RegisterTree(AvroSchema s)
    {
        switch (s)
        {
            case NamedSchema n when _names.TryAdd(n.FullName, n):
                if (n is RecordSchema r)
                {
                    foreach (var f in r.Fields)
                    {
                        RegisterTree(f.Schema);
                    }
                }

                break;
            case ArraySchema a:
                RegisterTree(a.Items);
                break;
            case MapSchema m:
                RegisterTree(m.Values);
                break;
            case UnionSchema u:
                foreach (var b in u.Branches)
                {
                    RegisterTree(b);
                }

                break;
        }
    }

    private AvroSchema ParseElement(JsonElement e, string? ns)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.String:
                return Primitive(e.GetString()!) ?? Lookup(e.GetString()!, ns);
            case JsonValueKind.Array:
                return ParseUnion(e, ns);
            case JsonValueKind.Object:
                return ParseObject(e, ns);
            default:
                throw new AvroSchemaException($"Not a schema: {e.GetRawText()}");
        }
    }

    private static AvroSchema? Primitive(string name) => name switch
    {
        "null" => AvroSchema.Null,
        "boolean" => AvroSchema.Boolean,
        "int" => AvroSchema.Int,
        "long" => AvroSchema.Long,
        "float" => AvroSchema.Float,
        "double" => AvroSchema.Double,
        "bytes" => AvroSchema.Bytes,
        "string" => AvroSchema.String,
        _ => null,
    };

    private NamedSchema Lookup(string name, string? ns)
    {
        if (!name.Contains('.') && !string.IsNullOrEmpty(ns) && _names.TryGetValue(ns + "." + name, out var inNs))
        {
            return inNs;
        }

        return _names.TryGetValue(name, out var s) ? s : throw new AvroSchemaException($"Unknown type '{name}'.");
    }

    private UnionSchema ParseUnion(JsonElement e, string? ns)
    {
        var branches = new List<AvroSchema>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in e.EnumerateArray())
        {
            var b = ParseElement(item, ns);
            if (b.Type == AvroType.Union)
            {
                throw new AvroSchemaException("Unions may not immediately contain other unions.");
            }

            var key = b is NamedSchema n ? n.FullName : AvroSchema.TypeName(b.Type);
            if (!seen.Add(key))
            {
                throw new AvroSchemaException($"Union contains '{key}' twice.");
            }

            branches.Add(b);
        }

        return new UnionSchema(branches);
    }

    private AvroSchema ParseObject(JsonElement e, string? ns)
    {
        if (!e.TryGetProperty("type", out var typeEl))
        {
            throw new AvroSchemaException($"Schema object has no 'type': {e.GetRawText()}");
        }

        if (typeEl.ValueKind != JsonValueKind.String)
        {
            // {"type": {...}} or {"type": [...]}: the attribute holds a whole schema.
            return ParseElement(typeEl, ns);
        }

        var type = typeEl.GetString()!;
        AvroSchema schema;
        switch (type)
        {
            case "record":
            case "error":
                return ParseRecord(e, ns, type == "error");
            case "enum":
                schema = ParseEnum(e, ns);
                break;
            case "fixed":
                var (name, fns) = NameOf(e, ns);
                var size = e.TryGetProperty("size", out var sz) && sz.ValueKind == JsonValueKind.Number && sz.TryGetInt32(out var n) && n >= 0
                    ? n
                    : throw new AvroSchemaException($"Fixed '{name}' needs a non-negative integer 'size'.");
                schema = Register(new FixedSchema(name, fns, DocOf(e), AliasesOf(e, fns), size));
                break;
            case "array":
                schema = new ArraySchema(ParseElement(Required(e, "items"), ns));
                break;
            case "map":
                schema = new MapSchema(ParseElement(Required(e, "values"), ns));
                break;
            default:
                var primitive = Primitive(type);
                if (primitive is null)
                {
                    // {"type": "SomeNamedType"}: a reference, possibly decorated with attributes we ignore.
                    return Lookup(type, ns);
                }

                schema = e.EnumerateObject().Any(p => p.Name != "type") ? new PrimitiveSchema(primitive.Type) : primitive;
                break;
        }

        if (!ReferenceEquals(schema, Primitive(type)))
        {
            Decorate(schema, e);
        }

        return schema;
    }

    private static void Decorate(AvroSchema schema, JsonElement e)
    {
        if (e.TryGetProperty("logicalType", out var lt) && lt.ValueKind == JsonValueKind.String)
        {
            schema.LogicalTypeName = lt.GetString();
            LogicalTypes.Apply(schema, e);
        }

        Dictionary<string, JsonElement>? props = null;
        foreach (var p in e.EnumerateObject())
        {
            // precision/scale of an ignored (invalid) decimal are kept verbatim.
            var keep = !Reserved.Contains(p.Name) || (p.Name is "precision" or "scale" && schema.LogicalType != AvroLogicalType.Decimal);
            if (keep)
            {
                (props ??= new(StringComparer.Ordinal))[p.Name] = p.Value.Clone();
            }
        }

        if (props is not null)
        {
            schema.Properties = props;
        }
    }

    private RecordSchema ParseRecord(JsonElement e, string? ns, bool isError)
    {
        var (name, rns) = NameOf(e, ns);
        var record = new RecordSchema(name, rns, DocOf(e), AliasesOf(e, rns), isError);
        Register(record);
        Decorate(record, e);
        var fieldsEl = Required(e, "fields");
        if (fieldsEl.ValueKind != JsonValueKind.Array)
        {
            throw new AvroSchemaException($"Record '{record.FullName}' needs a 'fields' array.");
        }

        var fields = new List<AvroField>();
        foreach (var f in fieldsEl.EnumerateArray())
        {
            var fname = f.TryGetProperty("name", out var fn) && fn.ValueKind == JsonValueKind.String
                ? fn.GetString()!
                : throw new AvroSchemaException($"A field of '{record.FullName}' has no name.");
            ValidateName(fname);
            var fschema = ParseElement(Required(f, "type"), rns);
            JsonElement? defaultJson = f.TryGetProperty("default", out var d) ? d.Clone() : null;
            object? defaultValue = null;
            if (defaultJson is { } dj)
            {
                try
                {
                    defaultValue = AvroJsonReader.Read(fschema, dj, isDefault: true);
                }
                catch (AvroException ex)
                {
                    throw new AvroSchemaException($"Invalid default for field '{fname}' of '{record.FullName}': {ex.Message}", ex);
                }
            }

            var order = f.TryGetProperty("order", out var o) && o.ValueKind == JsonValueKind.String
                ? o.GetString() switch
                {
                    "descending" => AvroFieldOrder.Descending,
                    "ignore" => AvroFieldOrder.Ignore,
                    "ascending" => AvroFieldOrder.Ascending,
                    var other => throw new AvroSchemaException($"Unknown field order '{other}'."),
                }
                : AvroFieldOrder.Ascending;
            var aliases = f.TryGetProperty("aliases", out var al) && al.ValueKind == JsonValueKind.Array
                ? al.EnumerateArray().Select(a => a.GetString() ?? throw new AvroSchemaException("Aliases must be strings.")).ToArray()
                : [];
            Dictionary<string, JsonElement>? props = null;
            foreach (var p in f.EnumerateObject())
            {
                if (p.Name is not ("name" or "type" or "doc" or "default" or "order" or "aliases"))
                {
                    (props ??= new(StringComparer.Ordinal))[p.Name] = p.Value.Clone();
                }
            }

            fields.Add(new AvroField(fname, fschema, fields.Count, DocOf(f), aliases, defaultJson, defaultValue, order, props ?? new Dictionary<string, JsonElement>()));
        }

        record.SetFields(fields);
        return record;
    }

    private EnumSchema ParseEnum(JsonElement e, string? ns)
    {
        var (name, ens) = NameOf(e, ns);
        var symbolsEl = Required(e, "symbols");
        if (symbolsEl.ValueKind != JsonValueKind.Array)
        {
            throw new AvroSchemaException($"Enum '{name}' needs a 'symbols' array.");
        }

        var symbols = new List<string>();
        foreach (var s in symbolsEl.EnumerateArray())
        {
            var sym = s.ValueKind == JsonValueKind.String ? s.GetString()! : throw new AvroSchemaException("Enum symbols must be strings.");
            ValidateName(sym);
            if (symbols.Contains(sym))
            {
                throw new AvroSchemaException($"Enum '{name}' repeats symbol '{sym}'.");
            }

            symbols.Add(sym);
        }

        string? def = null;
        if (e.TryGetProperty("default", out var d))
        {
            def = d.ValueKind == JsonValueKind.String && symbols.Contains(d.GetString()!)
                ? d.GetString()
                : throw new AvroSchemaException($"Enum '{name}' default {d.GetRawText()} is not one of its symbols.");
        }

        return (EnumSchema)Register(new EnumSchema(name, ens, DocOf(e), AliasesOf(e, ens), symbols, def));
    }

    private NamedSchema Register(NamedSchema s)
    {
        if (Primitive(s.FullName) is not null || Primitive(s.Name) is not null)
        {
            throw new AvroSchemaException($"'{s.FullName}' redefines a primitive type.");
        }

        if (!_names.TryAdd(s.FullName, s))
        {
            throw new AvroSchemaException($"Type '{s.FullName}' is defined twice.");
        }

        return s;
    }

    private static (string Name, string? Namespace) NameOf(JsonElement e, string? enclosing)
    {
        var full = e.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String
            ? n.GetString()!
            : throw new AvroSchemaException($"Named type without a 'name': {e.GetRawText()}");
        string name;
        string? ns;
        var dot = full.LastIndexOf('.');
        if (dot >= 0)
        {
            name = full[(dot + 1)..];
            ns = full[..dot];
        }
        else
        {
            name = full;
            ns = e.TryGetProperty("namespace", out var nsEl) && nsEl.ValueKind is JsonValueKind.String or JsonValueKind.Null
                ? nsEl.GetString()
                : enclosing;
        }

        ValidateName(name);
        if (!string.IsNullOrEmpty(ns))
        {
            foreach (var part in ns.Split('.'))
            {
                ValidateName(part);
            }
        }

        return (name, string.IsNullOrEmpty(ns) ? null : ns);
    }

    private static string? DocOf(JsonElement e) => e.TryGetProperty("doc", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;

    private static string[] AliasesOf(JsonElement e, string? ns)
    {
        if (!e.TryGetProperty("aliases", out var a))
        {
            return [];
        }

        if (a.ValueKind != JsonValueKind.Array)
        {
            throw new AvroSchemaException("'aliases' must be an array of names.");
        }

        return a.EnumerateArray()
            .Select(x => x.ValueKind == JsonValueKind.String ? x.GetString()! : throw new AvroSchemaException("Aliases must be strings."))
            .Select(x => x.Contains('.') || ns is null ? x : ns + "." + x)
            .ToArray();
    }

    private static JsonElement Required(JsonElement e, string name)
        => e.TryGetProperty(name, out var v) ? v : throw new AvroSchemaException($"Missing '{name}' in {e.GetRawText()}");

    internal static void ValidateName(string name)
    {
        var ok = name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_');
        for (var i = 1; ok && i < name.Length; i++)
        {
            ok = char.IsAsciiLetterOrDigit(name[i]) || name[i] == '_';
        }

        if (!ok)
        {
            throw new AvroSchemaException($"Invalid name '{name}': names match [A-Za-z_][A-Za-z0-9_]*.");
        }
    }
}
