using System.Collections.Generic;
using System.Text;

namespace Samsa.SchemaRegistry.Generator;

/// <summary>Writes the Avro schema JSON of a record model. Named types are defined once, then referenced by full name.</summary>
internal static class SchemaJson
{
    public static string Write(TypeModel record)
    {
        var sb = new StringBuilder();
        Type(sb, record, new HashSet<string>(), null);
        return sb.ToString();
    }

    private static void Type(StringBuilder sb, TypeModel m, HashSet<string> defined, string? enclosingNamespace)
    {
        switch (m.Kind)
        {
            case AvroKind.Boolean: sb.Append("\"boolean\""); return;
            case AvroKind.Int: sb.Append("\"int\""); return;
            case AvroKind.Long: sb.Append("\"long\""); return;
            case AvroKind.Float: sb.Append("\"float\""); return;
            case AvroKind.Double: sb.Append("\"double\""); return;
            case AvroKind.String: sb.Append("\"string\""); return;
            case AvroKind.Bytes: sb.Append("\"bytes\""); return;
            case AvroKind.Uuid: sb.Append("{\"type\":\"string\",\"logicalType\":\"uuid\"}"); return;
            case AvroKind.DateTime:
            case AvroKind.DateTimeOffset:
                sb.Append("{\"type\":\"long\",\"logicalType\":\"").Append(m.Millis ? "timestamp-millis" : "timestamp-micros").Append("\"}");
                return;
            case AvroKind.Date: sb.Append("{\"type\":\"int\",\"logicalType\":\"date\"}"); return;
            case AvroKind.Time:
                sb.Append(m.Millis ? "{\"type\":\"int\",\"logicalType\":\"time-millis\"}" : "{\"type\":\"long\",\"logicalType\":\"time-micros\"}");
                return;
            case AvroKind.Decimal:
                sb.Append("{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":").Append(m.Precision).Append(",\"scale\":").Append(m.Scale).Append('}');
                return;
            case AvroKind.Nullable:
                sb.Append("[\"null\",");
                Type(sb, m.Element!, defined, enclosingNamespace);
                sb.Append(']');
                return;
            case AvroKind.Array:
                sb.Append("{\"type\":\"array\",\"items\":");
                Type(sb, m.Element!, defined, enclosingNamespace);
                sb.Append('}');
                return;
            case AvroKind.Map:
                sb.Append("{\"type\":\"map\",\"values\":");
                Type(sb, m.Element!, defined, enclosingNamespace);
                sb.Append('}');
                return;
        }

        // Named types: record or enum.
        if (!defined.Add(m.FullAvroName))
        {
            String(sb, m.FullAvroName);
            return;
        }

        sb.Append("{\"type\":").Append(m.Kind == AvroKind.Enum ? "\"enum\"" : "\"record\"").Append(",\"name\":");
        String(sb, m.AvroName!);
        if (m.AvroNamespace is not null || enclosingNamespace is not null)
        {
            sb.Append(",\"namespace\":");
            String(sb, m.AvroNamespace ?? string.Empty);
        }

        if (m.Doc is not null)
        {
            sb.Append(",\"doc\":");
            String(sb, m.Doc);
        }

        if (m.Kind == AvroKind.Enum)
        {
            sb.Append(",\"symbols\":[");
            for (var i = 0; i < m.EnumMembers.Count; i++)
            {
                sb.Append(i == 0 ? string.Empty : ",");
                String(sb, m.EnumMembers[i].Key);
            }

            sb.Append("]}");
            return;
        }

        sb.Append(",\"fields\":[");
        for (var i = 0; i < m.Fields.Count; i++)
        {
            var f = m.Fields[i];
            sb.Append(i == 0 ? "{\"name\":" : ",{\"name\":");
            String(sb, f.AvroName);
            sb.Append(",\"type\":");
            Type(sb, f.Type, defined, m.AvroNamespace);
            if (f.Doc is not null)
            {
                sb.Append(",\"doc\":");
                String(sb, f.Doc);
            }

            if (f.Type.Kind == AvroKind.Nullable)
            {
                sb.Append(",\"default\":null");
            }

            sb.Append('}');
        }

        sb.Append("]}");
    }

    /// <summary>A JSON string literal.</summary>
    public static void String(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c < 0x20)
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        sb.Append('"');
    }
}
