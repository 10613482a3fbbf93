using System.Collections.Generic;
using System.Text;

namespace Samsa.SchemaRegistry.Generator;

/// <summary>Emits the encode, decode and generic-conversion statements for a record model.</summary>
internal sealed class CodeEmitter
{
    private const string Codec = "global::Samsa.SchemaRegistry.Avro.Specific.AvroSpecificCodec";
    private const string Specific = "global::Samsa.SchemaRegistry.Avro.Specific.AvroSpecific";
    private readonly StringBuilder _sb;
    private readonly string _typeName;
    private int _indent;
    private int _temp;

    public CodeEmitter(StringBuilder sb, int indent, string typeName)
    {
        _sb = sb;
        _indent = indent;
        _typeName = typeName;
    }

    public void Line(string text)
    {
        if (text.StartsWith("}", System.StringComparison.Ordinal))
        {
            _indent--;
        }

        _sb.Append(' ', _indent * 4).Append(text).Append('\n');
        if (text.EndsWith("{", System.StringComparison.Ordinal))
        {
            _indent++;
        }
    }

    private string Temp() => "__t" + (++_temp).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Lit(string s)
    {
        var sb = new StringBuilder();
        SchemaJson.String(sb, s);
        return sb.ToString();
    }

    /// <summary>Encodes <paramref name="expr"/>; <paramref name="member"/> names it in null errors.</summary>
    public void Write(TypeModel m, string expr, string member, bool knownNonNull = false)
    {
        var nn = knownNonNull || !m.IsReferenceType ? expr : $"({expr} ?? throw {Codec}.NullMember({Lit(_typeName)}, {Lit(member)}))";
        switch (m.Kind)
        {
            case AvroKind.Nullable:
                var t = Temp();
                Line($"if ({expr} is {{ }} {t})");
                Line("{");
                Line("writer.WriteLong(1);");
                Write(m.Element!, t, member, knownNonNull: true);
                Line("}");
                Line("else");
                Line("{");
                Line("writer.WriteLong(0);");
                Line("}");
                return;
            case AvroKind.Boolean: Line($"writer.WriteBoolean({expr});"); return;
            case AvroKind.Int: Line($"writer.WriteInt({expr});"); return;
            case AvroKind.Long: Line($"writer.WriteLong({expr});"); return;
            case AvroKind.Float: Line($"writer.WriteFloat({expr});"); return;
            case AvroKind.Double: Line($"writer.WriteDouble({expr});"); return;
            case AvroKind.String: Line($"writer.WriteString({nn});"); return;
            case AvroKind.Bytes: Line($"writer.WriteBytes({nn});"); return;
            case AvroKind.Uuid: Line($"{Codec}.WriteUuid(ref writer, {expr});"); return;
            case AvroKind.DateTime:
            case AvroKind.DateTimeOffset:
                Line($"writer.WriteLong({Codec}.{(m.Millis ? "ToTimestampMillis" : "ToTimestampMicros")}({expr}));");
                return;
            case AvroKind.Date: Line($"writer.WriteInt({Codec}.ToDate({expr}));"); return;
            case AvroKind.Time:
                Line(m.Millis ? $"writer.WriteInt({Codec}.ToTimeMillis({expr}));" : $"writer.WriteLong({Codec}.ToTimeMicros({expr}));");
                return;
            case AvroKind.Decimal: Line($"{Codec}.WriteDecimal(ref writer, {expr}, {m.Precision}, {m.Scale});"); return;
            case AvroKind.Enum:
                var cases = new StringBuilder();
                for (var i = 0; i < m.EnumMembers.Count; i++)
                {
                    cases.Append(m.EnumMembers[i].Value).Append(" => ").Append(i).Append(", ");
                }

                Line($"writer.WriteInt({expr} switch {{ {cases}var __u => throw {Codec}.UnknownEnumValue(__u, {Lit(m.CSharpType)}) }});");
                return;
            case AvroKind.Record: Line($"{Specific}.Write<{m.CSharpType}>(ref writer, {nn});"); return;
            case AvroKind.Array:
                var a = Temp();
                var i2 = Temp();
                var count = m.Shape == CollectionShape.Array ? "Length" : "Count";
                Line($"var {a} = {nn};");
                Line($"if ({a}.{count} > 0)");
                Line("{");
                Line($"writer.WriteLong({a}.{count});");
                Line($"for (var {i2} = 0; {i2} < {a}.{count}; {i2}++)");
                Line("{");
                Write(m.Element!, $"{a}[{i2}]", member + "[]");
                Line("}");
                Line("}");
                Line("writer.WriteLong(0);");
                return;
            case AvroKind.Map:
                var d = Temp();
                var kv = Temp();
                Line($"var {d} = {nn};");
                Line($"if ({d}.Count > 0)");
                Line("{");
                Line($"writer.WriteLong({d}.Count);");
                Line($"foreach (var {kv} in {d})");
                Line("{");
                Line($"writer.WriteString({kv}.Key);");
                Write(m.Element!, $"{kv}.Value", member + "[]");
                Line("}");
                Line("}");
                Line("writer.WriteLong(0);");
                return;
        }
    }

    /// <summary>Decodes into the already declared variable <paramref name="target"/>.</summary>
    public void Read(TypeModel m, string target)
    {
        switch (m.Kind)
        {
            case AvroKind.Nullable:
                Line($"if ({Codec}.ReadNullableIndex(ref reader))");
                Line("{");
                Read(m.Element!, target);
                Line("}");
                Line("else");
                Line("{");
                Line($"{target} = default;");
                Line("}");
                return;
            case AvroKind.Array:
            case AvroKind.Map:
                var c = Temp();
                var n = Temp();
                var i = Temp();
                var item = Temp();
                var isMap = m.Kind == AvroKind.Map;
                Line(isMap
                    ? $"var {c} = new global::System.Collections.Generic.Dictionary<string, {m.Element!.CSharpType}>();"
                    : $"var {c} = new global::System.Collections.Generic.List<{m.Element!.CSharpType}>();");
                Line("while (true)");
                Line("{");
                Line($"var {n} = reader.ReadBlockCount(out _);");
                Line($"if ({n} == 0)");
                Line("{");
                Line("break;");
                Line("}");
                Line($"for (var {i} = 0L; {i} < {n}; {i}++)");
                Line("{");
                if (isMap)
                {
                    Line($"var {item}Key = reader.ReadString();");
                }

                Line($"{m.Element.CSharpType} {item} = default!;");
                Read(m.Element, item);
                Line(isMap ? $"{c}[{item}Key] = {item};" : $"{c}.Add({item});");
                Line("}");
                Line("}");
                Line($"{target} = {c}{(m.Shape == CollectionShape.Array && !isMap ? ".ToArray()" : string.Empty)};");
                return;
        }

        Line($"{target} = {ReadExpr(m)};");
    }

    private string ReadExpr(TypeModel m) => m.Kind switch
    {
        AvroKind.Boolean => "reader.ReadBoolean()",
        AvroKind.Int => "reader.ReadInt()",
        AvroKind.Long => "reader.ReadLong()",
        AvroKind.Float => "reader.ReadFloat()",
        AvroKind.Double => "reader.ReadDouble()",
        AvroKind.String => "reader.ReadString()",
        AvroKind.Bytes => "reader.ReadBytes()",
        AvroKind.Uuid => $"{Codec}.ReadUuid(ref reader)",
        AvroKind.DateTime => m.Millis ? $"{Codec}.FromTimestampMillis(reader.ReadLong())" : $"{Codec}.FromTimestampMicros(reader.ReadLong())",
        AvroKind.DateTimeOffset => m.Millis ? $"{Codec}.FromTimestampMillisOffset(reader.ReadLong())" : $"{Codec}.FromTimestampMicrosOffset(reader.ReadLong())",
        AvroKind.Date => $"{Codec}.FromDate(reader.ReadInt())",
        AvroKind.Time => m.Millis ? $"{Codec}.FromTimeMillis(reader.ReadInt())" : $"{Codec}.FromTimeMicros(reader.ReadLong())",
        AvroKind.Decimal => $"{Codec}.ReadDecimal(ref reader, {m.Scale})",
        AvroKind.Enum => $"reader.ReadInt() switch {{ {EnumCases(m)}var __i => throw {Codec}.EnumIndexOutOfRange(__i, {Lit(m.CSharpType)}) }}",
        _ => $"{Specific}.Read<{m.CSharpType}>(ref reader)",
    };

    /// <summary>Converts the generic datum <paramref name="obj"/> (shaped by the generated schema) into <paramref name="target"/>.</summary>
    public void FromGeneric(TypeModel m, string obj, string target)
    {
        switch (m.Kind)
        {
            case AvroKind.Nullable:
                Line($"if ({obj} is null)");
                Line("{");
                Line($"{target} = default;");
                Line("}");
                Line("else");
                Line("{");
                FromGeneric(m.Element!, obj, target);
                Line("}");
                return;
            case AvroKind.Array:
                var src = Temp();
                var list = Temp();
                var o = Temp();
                var item = Temp();
                Line($"var {src} = (global::System.Collections.IList){obj}!;");
                Line($"var {list} = new global::System.Collections.Generic.List<{m.Element!.CSharpType}>({src}.Count);");
                Line($"foreach (var {o} in {src})");
                Line("{");
                Line($"{m.Element.CSharpType} {item} = default!;");
                FromGeneric(m.Element, o, item);
                Line($"{list}.Add({item});");
                Line("}");
                Line($"{target} = {list}{(m.Shape == CollectionShape.Array ? ".ToArray()" : string.Empty)};");
                return;
            case AvroKind.Map:
                var map = Temp();
                var dict = Temp();
                var kv = Temp();
                var value = Temp();
                Line($"var {map} = (global::System.Collections.Generic.IDictionary<string, object?>){obj}!;");
                Line($"var {dict} = new global::System.Collections.Generic.Dictionary<string, {m.Element!.CSharpType}>({map}.Count);");
                Line($"foreach (var {kv} in {map})");
                Line("{");
                Line($"{m.Element.CSharpType} {value} = default!;");
                FromGeneric(m.Element, kv + ".Value", value);
                Line($"{dict}[{kv}.Key] = {value};");
                Line("}");
                Line($"{target} = {dict};");
                return;
        }

        Line($"{target} = {FromGenericExpr(m, obj)};");
    }

    private static string FromGenericExpr(TypeModel m, string obj) => m.Kind switch
    {
        AvroKind.Boolean => $"(bool){obj}!",
        AvroKind.Int => $"(int){obj}!",
        AvroKind.Long => $"(long){obj}!",
        AvroKind.Float => $"(float){obj}!",
        AvroKind.Double => $"(double){obj}!",
        AvroKind.String => $"(string){obj}!",
        AvroKind.Bytes => $"(byte[]){obj}!",
        AvroKind.Uuid => $"(global::System.Guid){obj}!",
        AvroKind.DateTime => $"(global::System.DateTime){obj}!",
        AvroKind.DateTimeOffset => $"{Codec}.ToDateTimeOffset({obj})",
        AvroKind.Date => $"(global::System.DateOnly){obj}!",
        AvroKind.Time => $"(global::System.TimeOnly){obj}!",
        AvroKind.Decimal => $"(decimal){obj}!",
        AvroKind.Enum => $"((global::Samsa.SchemaRegistry.Avro.GenericEnum){obj}!).Index switch {{ {EnumCases(m)}var __i => throw {Codec}.EnumIndexOutOfRange(__i, {Lit(m.CSharpType)}) }}",
        _ => $"{Specific}.FromGeneric<{m.CSharpType}>((global::Samsa.SchemaRegistry.Avro.GenericRecord){obj}!)",
    };

    private static string EnumCases(TypeModel m)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < m.EnumMembers.Count; i++)
        {
            sb.Append(i).Append(" => ").Append(m.EnumMembers[i].Value).Append(", ");
        }

        return sb.ToString();
    }
}
