using System.Globalization;

namespace Samsa.Protocol.Generator;

internal enum Kind { Bool, Int8, Int16, UInt16, Int32, UInt32, Int64, Float64, String, Uuid, Bytes, Records, Struct, Array }

/// <summary>A field resolved against its message: C# name and type, kinds, defaults and version conditions.</summary>
internal sealed class FieldModel
{
    public required FieldSpec Spec { get; init; }
    public required string Prop { get; init; }
    public required Kind Kind { get; init; }
    public Kind ElementKind { get; init; }
    public string? StructName { get; init; }
    /// <summary>Versions in which the field is on the wire at all.</summary>
    public required Versions Present { get; init; }
    /// <summary>Versions in which it travels as a tagged field.</summary>
    public required Versions TaggedPresent { get; init; }

    public bool NullableAnywhere => !Spec.NullableVersions.Intersect(Spec.Versions).IsEmpty;
    public bool DefaultIsNull => Spec.Default == "null";
    public bool IsTagged => Spec.Tag.HasValue;

    public static Kind ParseKind(string type) => type switch
    {
        "bool" => Kind.Bool,
        "int8" => Kind.Int8,
        "int16" => Kind.Int16,
        "uint16" => Kind.UInt16,
        "int32" => Kind.Int32,
        "uint32" => Kind.UInt32,
        "int64" => Kind.Int64,
        "float64" => Kind.Float64,
        "string" => Kind.String,
        "uuid" => Kind.Uuid,
        "bytes" => Kind.Bytes,
        "records" => Kind.Records,
        _ when type.StartsWith("[]", StringComparison.Ordinal) => Kind.Array,
        _ => Kind.Struct,
    };

    public static bool IsFixed(Kind k) => k is Kind.Bool or Kind.Int8 or Kind.Int16 or Kind.UInt16 or Kind.Int32 or Kind.UInt32 or Kind.Int64 or Kind.Float64 or Kind.Uuid;

    public static int FixedSize(Kind k) => k switch
    {
        Kind.Bool or Kind.Int8 => 1,
        Kind.Int16 or Kind.UInt16 => 2,
        Kind.Int32 or Kind.UInt32 => 4,
        Kind.Int64 or Kind.Float64 => 8,
        Kind.Uuid => 16,
        _ => throw new InvalidOperationException(k.ToString()),
    };

    public static string ScalarType(Kind k) => k switch
    {
        Kind.Bool => "bool",
        Kind.Int8 => "sbyte",
        Kind.Int16 => "short",
        Kind.UInt16 => "ushort",
        Kind.Int32 => "int",
        Kind.UInt32 => "uint",
        Kind.Int64 => "long",
        Kind.Float64 => "double",
        Kind.String => "string",
        Kind.Uuid => "Uuid",
        Kind.Bytes => "byte[]",
        _ => throw new InvalidOperationException(k.ToString()),
    };

    public string ElementCsType => ElementKind == Kind.Struct ? StructName! : ScalarType(ElementKind);

    /// <summary>The C# property type.</summary>
    public string CsType
    {
        get
        {
            bool nullableRef = NullableAnywhere || DefaultIsNull;
            return Kind switch
            {
                Kind.Records => "ReadOnlyMemory<byte>?",
                Kind.String or Kind.Bytes => ScalarType(Kind) + (nullableRef ? "?" : ""),
                Kind.Array => $"List<{ElementCsType}>" + (nullableRef ? "?" : ""),
                Kind.Struct => StructName + (nullableRef ? "?" : ""),
                _ => ScalarType(Kind),
            };
        }
    }

    /// <summary>The default value as a C# expression.</summary>
    public string DefaultExpr
    {
        get
        {
            var d = Spec.Default;
            switch (Kind)
            {
                case Kind.Bool: return d is "true" ? "true" : "false";
                case Kind.Int8: case Kind.Int16: case Kind.UInt16: case Kind.Int32: case Kind.UInt32: case Kind.Int64:
                    return IntDefault(d);
                case Kind.Float64:
                    return string.IsNullOrEmpty(d) ? "0d" : double.Parse(d, CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture) + "d";
                case Kind.String:
                    if (d == "null") return "null";
                    return d is null ? "\"\"" : "\"" + d.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
                case Kind.Uuid: return "Uuid.Zero";
                case Kind.Bytes: return d == "null" ? "null" : "[]";
                case Kind.Records: return "null";
                case Kind.Array: return d == "null" ? "null" : "new()";
                case Kind.Struct: return d == "null" ? "null" : "new()";
                default: throw new InvalidOperationException();
            }
        }
    }

    private string IntDefault(string? d)
    {
        if (string.IsNullOrEmpty(d)) return "0";
        long value = d.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? long.Parse(d[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture)
            : long.Parse(d, CultureInfo.InvariantCulture);
        return Kind == Kind.Int64 ? value.ToString(CultureInfo.InvariantCulture) + "L" : value.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>A C# boolean expression that is true when the property differs from its default.</summary>
    public string NonDefaultExpr(string self = "")
    {
        var p = self + Prop;
        return Kind switch
        {
            Kind.Float64 => $"!{p}.Equals({DefaultExpr})",
            Kind.String => $"!string.Equals({p}, {DefaultExpr}, StringComparison.Ordinal)",
            Kind.Uuid => $"{p} != Uuid.Zero",
            Kind.Bytes => DefaultIsNull ? $"{p} is not null" : $"({p} is null || {p}.Length != 0)",
            Kind.Records => $"{p}.HasValue",
            Kind.Array => DefaultIsNull ? $"{p} is not null" : $"({p} is null || {p}.Count != 0)",
            Kind.Struct => DefaultIsNull ? $"{p} is not null" : $"({p} is null || !{p}.Equals(new {StructName}()))",
            _ => $"{p} != {DefaultExpr}",
        };
    }
}
