using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Samsa.SchemaRegistry.Avro;

/// <summary>Writes the Parsing Canonical Form: full names, only parsing attributes, fixed attribute order, no whitespace.</summary>
internal static class CanonicalForm
{
    public static string Write(AvroSchema schema)
    {
        var sb = new StringBuilder();
        Write(schema, sb, new HashSet<string>(StringComparer.Ordinal));
        return sb.ToString();
    }

    private static void Write(AvroSchema s, StringBuilder sb, HashSet<string> seen)
    {
        switch (s)
        {
            case NamedSchema n when !seen.Add(n.FullName):
                Str(sb, n.FullName);
                return;
            case RecordSchema r:
                sb.Append("{\"name\":");
                Str(sb, r.FullName);
                sb.Append(",\"type\":\"record\",\"fields\":[");
                for (var i = 0; i < r.Fields.Count; i++)
                {
                    sb.Append(i == 0 ? "{\"name\":" : ",{\"name\":");
                    Str(sb, r.Fields[i].Name);
                    sb.Append(",\"type\":");
                    Write(r.Fields[i].Schema, sb, seen);
                    sb.Append('}');
                }

                sb.Append("]}");
                return;
            case EnumSchema e:
                sb.Append("{\"name\":");
                Str(sb, e.FullName);
                sb.Append(",\"type\":\"enum\",\"symbols\":[");
                for (var i = 0; i < e.Symbols.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(',');
                    }

                    Str(sb, e.Symbols[i]);
                }

                sb.Append("]}");
                return;
            case FixedSchema f:
                sb.Append("{\"name\":");
                Str(sb, f.FullName);
                sb.Append(",\"type\":\"fixed\",\"size\":").Append(f.Size).Append('}');
                return;
            case ArraySchema a:
                sb.Append("{\"type\":\"array\",\"items\":");
                Write(a.Items, sb, seen);
                sb.Append('}');
                return;
            case MapSchema m:
                sb.Append("{\"type\":\"map\",\"values\":");
                Write(m.Values, sb, seen);
                sb.Append('}');
                return;
            case UnionSchema u:
                sb.Append('[');
                for (var i = 0; i < u.Branches.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(',');
                    }

                    Write(u.Branches[i], sb, seen);
                }

                sb.Append(']');
                return;
            default:
                Str(sb, AvroSchema.TypeName(s.Type));
                return;
        }
    }

    // Names and symbols are restricted to [A-Za-z0-9_.], so no escaping is ever needed.
    private static void Str(StringBuilder sb, string value) => sb.Append('"').Append(value).Append('"');
}

/// <summary>Schema fingerprints over the Parsing Canonical Form (specification §"Schema Fingerprints").</summary>
public static class SchemaFingerprint
{
    /// <summary>The CRC-64-AVRO seed (and the fingerprint of empty input).</summary>
    public const ulong Empty = 0xc15d213aa4d7a795UL;

    private static readonly ulong[] Table = BuildTable();

    /// <summary>The 64-bit Rabin fingerprint of the UTF-8 bytes of <paramref name="text"/>.</summary>
    public static long Rabin(string text) => Rabin(Encoding.UTF8.GetBytes(text));

    /// <summary>The 64-bit Rabin fingerprint (CRC-64-AVRO) of <paramref name="data"/>.</summary>
    public static long Rabin(ReadOnlySpan<byte> data)
    {
        var fp = Empty;
        foreach (var b in data)
        {
            fp = (fp >> 8) ^ Table[(int)(fp ^ b) & 0xff];
        }

        return (long)fp;
    }

    /// <summary>The MD5 digest of a schema's canonical form.</summary>
    public static byte[] Md5(AvroSchema schema) => MD5.HashData(Encoding.UTF8.GetBytes(schema.ToCanonicalForm()));

    /// <summary>The SHA-256 digest of a schema's canonical form.</summary>
    public static byte[] Sha256(AvroSchema schema) => SHA256.HashData(Encoding.UTF8.GetBytes(schema.ToCanonicalForm()));

    private static ulong[] BuildTable()
    {
        var table = new ulong[256];
        for (var i = 0; i < 256; i++)
        {
            var fp = (ulong)i;
            for (var j = 0; j < 8; j++)
            {
                fp = (fp >> 1) ^ (Empty & (0UL - (fp & 1UL)));
            }

            table[i] = fp;
        }

        return table;
    }
}

/// <summary>Writes a schema's full JSON form (all attributes), emitting each named type once.</summary>
internal static class SchemaJsonWriter
{
    public static string Write(AvroSchema schema)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            Write(schema, w, null, new HashSet<string>(StringComparer.Ordinal));
        }

        return Encoding.UTF8.GetString(ms.ToArray());
    }

    private static void Write(AvroSchema s, Utf8JsonWriter w, string? ns, HashSet<string> seen)
    {
        if (s is NamedSchema named && !seen.Add(named.FullName))
        {
            w.WriteStringValue(named.Namespace == ns ? named.Name : named.FullName);
            return;
        }

        if (s is PrimitiveSchema && s.LogicalTypeName is null && s.Properties.Count == 0)
        {
            w.WriteStringValue(AvroSchema.TypeName(s.Type));
            return;
        }

        if (s is UnionSchema u)
        {
            w.WriteStartArray();
            foreach (var b in u.Branches)
            {
                Write(b, w, ns, seen);
            }

            w.WriteEndArray();
            return;
        }

        w.WriteStartObject();
        w.WriteString("type", s is RecordSchema { IsError: true } ? "error" : AvroSchema.TypeName(s.Type));
        var innerNs = ns;
        if (s is NamedSchema n)
        {
            w.WriteString("name", n.Name);
            if (n.Namespace != ns)
            {
                w.WriteString("namespace", n.Namespace ?? string.Empty);
            }

            innerNs = n.Namespace;
            if (n.Doc is not null)
            {
                w.WriteString("doc", n.Doc);
            }

            if (n.Aliases.Count > 0)
            {
                w.WriteStartArray("aliases");
                foreach (var a in n.Aliases)
                {
                    w.WriteStringValue(a);
                }

                w.WriteEndArray();
            }
        }

        switch (s)
        {
            case RecordSchema r:
                w.WriteStartArray("fields");
                foreach (var f in r.Fields)
                {
                    w.WriteStartObject();
                    w.WriteString("name", f.Name);
                    w.WritePropertyName("type");
                    Write(f.Schema, w, innerNs, seen);
                    if (f.Doc is not null)
                    {
                        w.WriteString("doc", f.Doc);
                    }

                    if (f.DefaultJson is { } d)
                    {
                        w.WritePropertyName("default");
                        d.WriteTo(w);
                    }

                    if (f.Order != AvroFieldOrder.Ascending)
                    {
                        w.WriteString("order", f.Order == AvroFieldOrder.Descending ? "descending" : "ignore");
                    }

                    if (f.Aliases.Count > 0)
                    {
                        w.WriteStartArray("aliases");
                        foreach (var a in f.Aliases)
                        {
                            w.WriteStringValue(a);
                        }

                        w.WriteEndArray();
                    }

                    WriteProperties(w, f.Properties);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                break;
            case EnumSchema e:
                w.WriteStartArray("symbols");
                foreach (var sym in e.Symbols)
                {
                    w.WriteStringValue(sym);
                }

                w.WriteEndArray();
                if (e.Default is not null)
                {
                    w.WriteString("default", e.Default);
                }

                break;
            case FixedSchema f:
                w.WriteNumber("size", f.Size);
                break;
            case ArraySchema a:
                w.WritePropertyName("items");
                Write(a.Items, w, ns, seen);
                break;
            case MapSchema m:
                w.WritePropertyName("values");
                Write(m.Values, w, ns, seen);
                break;
        }

        if (s.LogicalTypeName is not null)
        {
            w.WriteString("logicalType", s.LogicalTypeName);
            if (s.LogicalType == AvroLogicalType.Decimal)
            {
                w.WriteNumber("precision", s.Precision);
                w.WriteNumber("scale", s.Scale);
            }
        }

        WriteProperties(w, s.Properties);
        w.WriteEndObject();
    }

    private static void WriteProperties(Utf8JsonWriter w, IReadOnlyDictionary<string, JsonElement> props)
    {
        foreach (var (k, v) in props.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            w.WritePropertyName(k);
            v.WriteTo(w);
        }
    }
}
