using System.Collections;
using System.Text;
using System.Text.Json;

namespace Samsa.SchemaRegistry.Avro;

/// <summary>
/// The Avro JSON encoding: unions as <c>{"branch": value}</c> (or <c>null</c>), bytes and fixed as strings whose
/// characters are the byte values (ISO-8859-1), enums as their symbol, logical types as their underlying value.
/// </summary>
public static class AvroJson
{
    /// <summary>Encodes a generic datum as Avro JSON.</summary>
    public static string Serialize(AvroSchema schema, object? datum)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            Write(w, schema, datum);
        }

        return Encoding.UTF8.GetString(ms.ToArray());
    }

    /// <summary>Writes a generic datum as Avro JSON to <paramref name="writer"/>.</summary>
    public static void Write(Utf8JsonWriter writer, AvroSchema schema, object? datum)
    {
        ArgumentNullException.ThrowIfNull(writer);
        WriteValue(writer, schema, datum);
    }

    /// <summary>Decodes Avro JSON text into a generic datum.</summary>
    public static object? Deserialize(AvroSchema schema, string json)
    {
        using var doc = JsonDocument.Parse(json);
        return AvroJsonReader.Read(schema, doc.RootElement, isDefault: false);
    }

    private static void WriteValue(Utf8JsonWriter w, AvroSchema s, object? v)
    {
        if (s is UnionSchema u)
        {
            var index = UnionSelector.Select(u, v);
            var branch = u.Branches[index];
            if (branch.Type == AvroType.Null)
            {
                w.WriteNullValue();
                return;
            }

            w.WriteStartObject();
            w.WritePropertyName(branch is NamedSchema n ? n.FullName : AvroSchema.TypeName(branch.Type));
            WriteValue(w, branch, v);
            w.WriteEndObject();
            return;
        }

        if (v is not null && s.LogicalType != AvroLogicalType.None)
        {
            v = LogicalTypes.ToUnderlying(s, v);
        }

        switch (s.Type)
        {
            case AvroType.Null:
                Expect(v is null, s, v);
                w.WriteNullValue();
                break;
            case AvroType.Boolean:
                w.WriteBooleanValue(v is bool b ? b : throw Mismatch(s, v));
                break;
            case AvroType.Int:
                w.WriteNumberValue(v is int i ? i : throw Mismatch(s, v));
                break;
            case AvroType.Long:
                w.WriteNumberValue(Coerce.ToLong(v, s));
                break;
            case AvroType.Float:
                WriteFloating(w, Coerce.ToFloat(v, s));
                break;
            case AvroType.Double:
                WriteFloating(w, Coerce.ToDouble(v, s));
                break;
            case AvroType.Bytes:
                w.WriteStringValue(Latin1(v is byte[] bytes ? bytes : throw Mismatch(s, v)));
                break;
            case AvroType.String:
                w.WriteStringValue(v is string str ? str : throw Mismatch(s, v));
                break;
            case AvroType.Fixed:
                w.WriteStringValue(Latin1(Coerce.FixedBytes(v, (FixedSchema)s)));
                break;
            case AvroType.Enum:
                w.WriteStringValue(((EnumSchema)s).Symbols[Coerce.EnumIndex(v, (EnumSchema)s)]);
                break;
            case AvroType.Array:
                w.WriteStartArray();
                foreach (var item in v as IList ?? throw Mismatch(s, v))
                {
                    WriteValue(w, ((ArraySchema)s).Items, item);
                }

                w.WriteEndArray();
                break;
            case AvroType.Map:
                w.WriteStartObject();
                foreach (var (k, item) in v as IDictionary<string, object?> ?? throw Mismatch(s, v))
                {
                    w.WritePropertyName(k);
                    WriteValue(w, ((MapSchema)s).Values, item);
                }

                w.WriteEndObject();
                break;
            case AvroType.Record:
                var rs = (RecordSchema)s;
                var rec = v as GenericRecord ?? throw Mismatch(s, v);
                w.WriteStartObject();
                foreach (var f in rs.Fields)
                {
                    w.WritePropertyName(f.Name);
                    WriteValue(w, f.Schema, rec.TryGetValue(f.Name, out var fv) ? fv : throw new AvroException($"Record lacks field '{f.Name}' of {rs.FullName}."));
                }

                w.WriteEndObject();
                break;
        }
    }

    private static void WriteFloating(Utf8JsonWriter w, double d)
    {
        if (double.IsFinite(d))
        {
            w.WriteNumberValue(d);
        }
        else
        {
            // JSON has no NaN/Infinity; follow the Java encoder and write them as strings.
            w.WriteStringValue(double.IsNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
        }
    }

    internal static string Latin1(byte[] bytes) => string.Create(bytes.Length, bytes, static (span, b) =>
    {
        for (var i = 0; i < b.Length; i++)
        {
            span[i] = (char)b[i];
        }
    });

    private static void Expect(bool ok, AvroSchema s, object? v)
    {
        if (!ok)
        {
            throw Mismatch(s, v);
        }
    }

    internal static AvroException Mismatch(AvroSchema s, object? v)
        => new($"Value {(v is null ? "null" : v.GetType().Name)} does not match schema {s.DisplayName}.");
}

/// <summary>Converts JSON (Avro JSON encoding, or a field default) into generic datums.</summary>
internal static class AvroJsonReader
{
    /// <summary>
    /// Reads <paramref name="e"/> as a datum of <paramref name="s"/>. Defaults (<paramref name="isDefault"/>) write
    /// a union's value for its first branch without the branch wrapper.
    /// </summary>
    public static object? Read(AvroSchema s, JsonElement e, bool isDefault)
    {
        if (s is UnionSchema u)
        {
            if (u.Branches.Count == 0)
            {
                throw new AvroException("Empty union has no values.");
            }

            if (isDefault)
            {
                return Read(u.Branches[0], e, true);
            }

            if (e.ValueKind == JsonValueKind.Null)
            {
                return u.Branches.Any(b => b.Type == AvroType.Null) ? null : throw new AvroException("null is not a branch of the union.");
            }

            if (e.ValueKind != JsonValueKind.Object || e.EnumerateObject().Count() != 1)
            {
                throw new AvroException($"Union value must be null or a one-member object: {e.GetRawText()}");
            }

            var member = e.EnumerateObject().First();
            foreach (var b in u.Branches)
            {
                var key = b is NamedSchema n ? n.FullName : AvroSchema.TypeName(b.Type);
                if (key == member.Name || (b is NamedSchema nn && nn.Name == member.Name))
                {
                    return Read(b, member.Value, false);
                }
            }

            throw new AvroException($"'{member.Name}' is not a branch of the union.");
        }

        var raw = ReadUnderlying(s, e, isDefault);
        return raw is not null && s.LogicalType != AvroLogicalType.None ? LogicalTypes.FromUnderlying(s, raw) : raw;
    }

    private static object? ReadUnderlying(AvroSchema s, JsonElement e, bool isDefault)
    {
        switch (s.Type)
        {
            case AvroType.Null:
                return e.ValueKind == JsonValueKind.Null ? null : throw Bad(s, e);
            case AvroType.Boolean:
                return e.ValueKind switch { JsonValueKind.True => true, JsonValueKind.False => false, _ => throw Bad(s, e) };
            case AvroType.Int:
                return e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out var i) ? i : throw Bad(s, e);
            case AvroType.Long:
                return e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out var l) ? l : throw Bad(s, e);
            case AvroType.Float:
                return (float)Floating(s, e);
            case AvroType.Double:
                return Floating(s, e);
            case AvroType.Bytes:
                return e.ValueKind == JsonValueKind.String ? FromLatin1(e.GetString()!) : throw Bad(s, e);
            case AvroType.String:
                return e.ValueKind == JsonValueKind.String ? e.GetString() : throw Bad(s, e);
            case AvroType.Fixed:
                var fs = (FixedSchema)s;
                var bytes = e.ValueKind == JsonValueKind.String ? FromLatin1(e.GetString()!) : throw Bad(s, e);
                return bytes.Length == fs.Size ? new GenericFixed(fs, bytes) : throw new AvroException($"Fixed {fs.FullName} needs {fs.Size} bytes, got {bytes.Length}.");
            case AvroType.Enum:
                var es = (EnumSchema)s;
                return e.ValueKind == JsonValueKind.String && es.IndexOf(e.GetString()!) >= 0
                    ? new GenericEnum(es, e.GetString()!)
                    : throw new AvroException($"{e.GetRawText()} is not a symbol of enum {es.FullName}.");
            case AvroType.Array:
                if (e.ValueKind != JsonValueKind.Array)
                {
                    throw Bad(s, e);
                }

                var list = new List<object?>(e.GetArrayLength());
                foreach (var item in e.EnumerateArray())
                {
                    list.Add(Read(((ArraySchema)s).Items, item, isDefault));
                }

                return list;
            case AvroType.Map:
                if (e.ValueKind != JsonValueKind.Object)
                {
                    throw Bad(s, e);
                }

                var map = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var p in e.EnumerateObject())
                {
                    map[p.Name] = Read(((MapSchema)s).Values, p.Value, isDefault);
                }

                return map;
            default:
                var rs = (RecordSchema)s;
                if (e.ValueKind != JsonValueKind.Object)
                {
                    throw Bad(s, e);
                }

                var rec = new GenericRecord(rs);
                foreach (var f in rs.Fields)
                {
                    if (e.TryGetProperty(f.Name, out var fv))
                    {
                        rec[f.Position] = Read(f.Schema, fv, isDefault);
                    }
                    else if (f.HasDefault)
                    {
                        rec[f.Position] = f.DefaultValue;
                    }
                    else
                    {
                        throw new AvroException($"Missing field '{f.Name}' of record {rs.FullName}.");
                    }
                }

                return rec;
        }
    }

    private static double Floating(AvroSchema s, JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Number => e.GetDouble(),
        JsonValueKind.String when e.GetString() is "NaN" => double.NaN,
        JsonValueKind.String when e.GetString() is "Infinity" => double.PositiveInfinity,
        JsonValueKind.String when e.GetString() is "-Infinity" => double.NegativeInfinity,
        _ => throw Bad(s, e),
    };

    private static byte[] FromLatin1(string s)
    {
        var bytes = new byte[s.Length];
        for (var i = 0; i < s.Length; i++)
        {
            bytes[i] = s[i] <= 0xFF ? (byte)s[i] : throw new AvroException($"Character U+{(int)s[i]:X4} is not a byte (ISO-8859-1).");
        }

        return bytes;
    }

    private static AvroException Bad(AvroSchema s, JsonElement e) => new($"{e.GetRawText()} is not a valid {s.DisplayName}.");
}
