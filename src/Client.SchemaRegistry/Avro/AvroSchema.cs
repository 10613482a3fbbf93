using System.Text.Json;

namespace Samsa.SchemaRegistry.Avro;

/// <summary>The Avro schema kinds.</summary>
public enum AvroType
{
    /// <summary>No value.</summary>
    Null,
    /// <summary>A binary value.</summary>
    Boolean,
    /// <summary>32-bit signed integer.</summary>
    Int,
    /// <summary>64-bit signed integer.</summary>
    Long,
    /// <summary>IEEE 754 single precision.</summary>
    Float,
    /// <summary>IEEE 754 double precision.</summary>
    Double,
    /// <summary>Sequence of bytes.</summary>
    Bytes,
    /// <summary>UTF-8 text.</summary>
    String,
    /// <summary>Named record of fields.</summary>
    Record,
    /// <summary>Named enumeration.</summary>
    Enum,
    /// <summary>Array of items.</summary>
    Array,
    /// <summary>Map from string to values.</summary>
    Map,
    /// <summary>Union of branches.</summary>
    Union,
    /// <summary>Named fixed-size bytes.</summary>
    Fixed,
}

/// <summary>The logical types of the Avro specification that Samsa maps to .NET types.</summary>
public enum AvroLogicalType
{
    /// <summary>No (or an unknown or invalid) logical type: the underlying type is used.</summary>
    None,
    /// <summary><c>decimal</c> on bytes or fixed, as <see cref="decimal"/>.</summary>
    Decimal,
    /// <summary><c>uuid</c> on string or fixed(16), as <see cref="Guid"/>.</summary>
    Uuid,
    /// <summary><c>date</c> on int, as <see cref="DateOnly"/>.</summary>
    Date,
    /// <summary><c>time-millis</c> on int, as <see cref="TimeOnly"/>.</summary>
    TimeMillis,
    /// <summary><c>time-micros</c> on long, as <see cref="TimeOnly"/>.</summary>
    TimeMicros,
    /// <summary><c>timestamp-millis</c> on long, as UTC <see cref="DateTime"/>.</summary>
    TimestampMillis,
    /// <summary><c>timestamp-micros</c> on long, as UTC <see cref="DateTime"/>.</summary>
    TimestampMicros,
    /// <summary><c>local-timestamp-millis</c> on long, as unspecified-kind <see cref="DateTime"/>.</summary>
    LocalTimestampMillis,
    /// <summary><c>local-timestamp-micros</c> on long, as unspecified-kind <see cref="DateTime"/>.</summary>
    LocalTimestampMicros,
    /// <summary><c>duration</c> on fixed(12), as <see cref="AvroDuration"/>.</summary>
    Duration,
}

/// <summary>
/// A parsed Avro schema. Parse with <see cref="Parse(string)"/>; <see cref="ToString"/> gives the full JSON and
/// <see cref="ToCanonicalForm"/> the Parsing Canonical Form. Schemas are immutable after parsing.
/// </summary>
public abstract class AvroSchema
{
    private static readonly IReadOnlyDictionary<string, JsonElement> NoProperties = new Dictionary<string, JsonElement>();
    private string? _canonical;

    private protected AvroSchema(AvroType type) => Type = type;

    /// <summary>The schema kind.</summary>
    public AvroType Type { get; }

    /// <summary>The recognised logical type, or <see cref="AvroLogicalType.None"/>.</summary>
    public AvroLogicalType LogicalType { get; internal set; }

    /// <summary>The <c>logicalType</c> attribute as written, even when unknown or invalid (then ignored).</summary>
    public string? LogicalTypeName { get; internal set; }

    /// <summary>Decimal precision (only for <see cref="AvroLogicalType.Decimal"/>).</summary>
    public int Precision { get; internal set; }

    /// <summary>Decimal scale (only for <see cref="AvroLogicalType.Decimal"/>).</summary>
    public int Scale { get; internal set; }

    /// <summary>Attributes the specification does not define, kept for round trips.</summary>
    public IReadOnlyDictionary<string, JsonElement> Properties { get; internal set; } = NoProperties;

    /// <summary>The <c>null</c> schema.</summary>
    public static AvroSchema Null { get; } = new PrimitiveSchema(AvroType.Null);

    /// <summary>The <c>boolean</c> schema.</summary>
    public static AvroSchema Boolean { get; } = new PrimitiveSchema(AvroType.Boolean);

    /// <summary>The <c>int</c> schema.</summary>
    public static AvroSchema Int { get; } = new PrimitiveSchema(AvroType.Int);

    /// <summary>The <c>long</c> schema.</summary>
    public static AvroSchema Long { get; } = new PrimitiveSchema(AvroType.Long);

    /// <summary>The <c>float</c> schema.</summary>
    public static AvroSchema Float { get; } = new PrimitiveSchema(AvroType.Float);

    /// <summary>The <c>double</c> schema.</summary>
    public static AvroSchema Double { get; } = new PrimitiveSchema(AvroType.Double);

    /// <summary>The <c>bytes</c> schema.</summary>
    public static AvroSchema Bytes { get; } = new PrimitiveSchema(AvroType.Bytes);

    /// <summary>The <c>string</c> schema.</summary>
    public static AvroSchema String { get; } = new PrimitiveSchema(AvroType.String);

    /// <summary>Parses a schema from its JSON text.</summary>
    /// <exception cref="AvroSchemaException">The text is not a valid Avro schema.</exception>
    public static AvroSchema Parse(string json) => SchemaParser.Parse(json, null);

    /// <summary>
    /// Parses a schema whose text may refer by name to types defined in <paramref name="namedTypes"/>
    /// (schema references).
    /// </summary>
    public static AvroSchema Parse(string json, IEnumerable<AvroSchema> namedTypes) => SchemaParser.Parse(json, namedTypes);

    /// <summary>The Parsing Canonical Form of this schema (specification §"Parsing Canonical Form").</summary>
    public string ToCanonicalForm() => _canonical ??= CanonicalForm.Write(this);

    /// <summary>The full JSON form of this schema, with docs, defaults, aliases and properties.</summary>
    public override string ToString() => SchemaJsonWriter.Write(this);

    /// <summary>The CRC-64-AVRO (Rabin) fingerprint of the canonical form.</summary>
    public long Fingerprint64() => SchemaFingerprint.Rabin(ToCanonicalForm());

    /// <summary>A short description for messages: the full name of named types, else the type name.</summary>
    internal string DisplayName => this is NamedSchema n ? n.FullName : TypeName(Type);

    internal static string TypeName(AvroType type) => type switch
    {
        AvroType.Null => "null",
        AvroType.Boolean => "boolean",
        AvroType.Int => "int",
        AvroType.Long => "long",
        AvroType.Float => "float",
        AvroType.Double => "double",
        AvroType.Bytes => "bytes",
        AvroType.String => "string",
        AvroType.Record => "record",
        AvroType.Enum => "enum",
        AvroType.Array => "array",
        AvroType.Map => "map",
        AvroType.Union => "union",
        _ => "fixed",
    };
}

/// <summary>A primitive schema (null, boolean, int, long, float, double, bytes, string), maybe with a logical type.</summary>
public sealed class PrimitiveSchema : AvroSchema
{
    internal PrimitiveSchema(AvroType type)
        : base(type)
    {
    }
}

/// <summary>A named schema: record, enum or fixed.</summary>
public abstract class NamedSchema : AvroSchema
{
    private protected NamedSchema(AvroType type, string name, string? ns, string? doc, IReadOnlyList<string> aliases)
        : base(type)
    {
        Name = name;
        Namespace = string.IsNullOrEmpty(ns) ? null : ns;
        FullName = Namespace is null ? name : Namespace + "." + name;
        Doc = doc;
        Aliases = aliases;
    }

    /// <summary>The unqualified name.</summary>
    public string Name { get; }

    /// <summary>The namespace, or null for the null namespace.</summary>
    public string? Namespace { get; }

    /// <summary>The namespace-qualified name.</summary>
    public string FullName { get; }

    /// <summary>Documentation, if any.</summary>
    public string? Doc { get; }

    /// <summary>Alternate full names (resolved against <see cref="Namespace"/>).</summary>
    public IReadOnlyList<string> Aliases { get; }

    /// <summary>True when the writer type name equals this name, or one of this type's aliases names it.</summary>
    internal bool MatchesName(NamedSchema writer)
    {
        if (Name == writer.Name)
        {
            return true;
        }

        foreach (var alias in Aliases)
        {
            if (alias == writer.FullName || Unqualified(alias) == writer.Name)
            {
                return true;
            }
        }

        return false;
    }

    internal static string Unqualified(string fullName)
    {
        var dot = fullName.LastIndexOf('.');
        return dot < 0 ? fullName : fullName[(dot + 1)..];
    }
}

/// <summary>An array schema.</summary>
public sealed class ArraySchema : AvroSchema
{
    /// <summary>Creates an array schema of <paramref name="items"/>.</summary>
    public ArraySchema(AvroSchema items)
        : base(AvroType.Array) => Items = items;

    /// <summary>The item schema.</summary>
    public AvroSchema Items { get; }
}

/// <summary>A map schema (keys are strings).</summary>
public sealed class MapSchema : AvroSchema
{
    /// <summary>Creates a map schema of <paramref name="values"/>.</summary>
    public MapSchema(AvroSchema values)
        : base(AvroType.Map) => Values = values;

    /// <summary>The value schema.</summary>
    public AvroSchema Values { get; }
}

/// <summary>A union schema.</summary>
public sealed class UnionSchema : AvroSchema
{
    internal UnionSchema(IReadOnlyList<AvroSchema> branches)
        : base(AvroType.Union) => Branches = branches;

    /// <summary>The branches, in declaration order.</summary>
    public IReadOnlyList<AvroSchema> Branches { get; }
}

/// <summary>A fixed schema.</summary>
public sealed class FixedSchema : NamedSchema
{
    internal FixedSchema(string name, string? ns, string? doc, IReadOnlyList<string> aliases, int size)
        : base(AvroType.Fixed, name, ns, doc, aliases) => Size = size;

    /// <summary>The size in bytes.</summary>
    public int Size { get; }
}

/// <summary>An enum schema.</summary>
public sealed class EnumSchema : NamedSchema
{
    private readonly Dictionary<string, int> _index;

    internal EnumSchema(string name, string? ns, string? doc, IReadOnlyList<string> aliases, IReadOnlyList<string> symbols, string? defaultSymbol)
        : base(AvroType.Enum, name, ns, doc, aliases)
    {
        Symbols = symbols;
        Default = defaultSymbol;
        _index = new Dictionary<string, int>(symbols.Count, StringComparer.Ordinal);
        for (var i = 0; i < symbols.Count; i++)
        {
            _index[symbols[i]] = i;
        }
    }

    /// <summary>The symbols, in order.</summary>
    public IReadOnlyList<string> Symbols { get; }

    /// <summary>The default symbol used when reading an unknown symbol, or null.</summary>
    public string? Default { get; }

    /// <summary>The index of <paramref name="symbol"/>, or -1.</summary>
    public int IndexOf(string symbol) => _index.TryGetValue(symbol, out var i) ? i : -1;
}
