using System.Text.Json;

namespace Samsa.SchemaRegistry.Avro;

/// <summary>Sort order of a record field.</summary>
public enum AvroFieldOrder
{
    /// <summary>Ascending (the default).</summary>
    Ascending,
    /// <summary>Descending.</summary>
    Descending,
    /// <summary>Ignored when sorting.</summary>
    Ignore,
}

/// <summary>A record (or error) schema.</summary>
public sealed class RecordSchema : NamedSchema
{
    private IReadOnlyList<AvroField> _fields = [];
    private Dictionary<string, AvroField> _byName = new(StringComparer.Ordinal);

    internal RecordSchema(string name, string? ns, string? doc, IReadOnlyList<string> aliases, bool isError)
        : base(AvroType.Record, name, ns, doc, aliases) => IsError = isError;

    /// <summary>The fields, in declaration order.</summary>
    public IReadOnlyList<AvroField> Fields => _fields;

    /// <summary>True for an <c>error</c> declaration.</summary>
    public bool IsError { get; }

    /// <summary>Finds a field by name.</summary>
    public bool TryGetField(string name, out AvroField field) => _byName.TryGetValue(name, out field!);

    /// <summary>Finds a field by name or by one of its aliases.</summary>
    internal AvroField? FindFieldByNameOrAlias(string name)
    {
        if (_byName.TryGetValue(name, out var f))
        {
            return f;
        }

        foreach (var field in _fields)
        {
            foreach (var alias in field.Aliases)
            {
                if (alias == name)
                {
                    return field;
                }
            }
        }

        return null;
    }

    internal void SetFields(IReadOnlyList<AvroField> fields)
    {
        var byName = new Dictionary<string, AvroField>(fields.Count, StringComparer.Ordinal);
        foreach (var f in fields)
        {
            if (!byName.TryAdd(f.Name, f))
            {
                throw new AvroSchemaException($"Record {FullName} has two fields named '{f.Name}'.");
            }
        }

        _fields = fields;
        _byName = byName;
    }
}

/// <summary>A field of a <see cref="RecordSchema"/>.</summary>
public sealed class AvroField
{
    private readonly object? _default;

    internal AvroField(string name, AvroSchema schema, int position, string? doc, IReadOnlyList<string> aliases, JsonElement? defaultJson, object? defaultValue, AvroFieldOrder order, IReadOnlyDictionary<string, JsonElement> properties)
    {
        Name = name;
        Schema = schema;
        Position = position;
        Doc = doc;
        Aliases = aliases;
        DefaultJson = defaultJson;
        _default = defaultValue;
        Order = order;
        Properties = properties;
    }

    /// <summary>The field name.</summary>
    public string Name { get; }

    /// <summary>The field schema.</summary>
    public AvroSchema Schema { get; }

    /// <summary>The zero-based position in the record.</summary>
    public int Position { get; }

    /// <summary>Documentation, if any.</summary>
    public string? Doc { get; }

    /// <summary>Alternate names used when resolving a writer's record.</summary>
    public IReadOnlyList<string> Aliases { get; }

    /// <summary>True when the field declares a default value.</summary>
    public bool HasDefault => DefaultJson.HasValue;

    /// <summary>The default as written in the schema (JSON), or null.</summary>
    public JsonElement? DefaultJson { get; }

    /// <summary>Sort order.</summary>
    public AvroFieldOrder Order { get; }

    /// <summary>Attributes the specification does not define.</summary>
    public IReadOnlyDictionary<string, JsonElement> Properties { get; }

    /// <summary>
    /// The default converted to a generic datum (a fresh copy on every call, so callers may mutate it),
    /// or null when the default is JSON null or absent.
    /// </summary>
    public object? DefaultValue => GenericData.DeepCopy(_default);

    internal object? SharedDefault => _default;
}

/// <summary>A malformed or invalid Avro schema.</summary>
public sealed class AvroSchemaException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Data that does not match its schema, or two schemas that cannot be resolved.</summary>
public sealed class AvroException(string message, Exception? inner = null) : Exception(message, inner);
