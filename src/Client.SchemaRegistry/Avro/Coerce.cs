using System.Collections;

namespace Samsa.SchemaRegistry.Avro;

/// <summary>Widening conversions accepted when writing, and branch selection for unions.</summary>
internal static class Coerce
{
    public static long ToLong(object? v, AvroSchema s) => v switch
    {
        long l => l,
        int i => i,
        _ => throw AvroJson.Mismatch(s, v),
    };

    public static float ToFloat(object? v, AvroSchema s) => v switch
    {
        float f => f,
        int i => i,
        long l => l,
        _ => throw AvroJson.Mismatch(s, v),
    };

    public static double ToDouble(object? v, AvroSchema s) => v switch
    {
        double d => d,
        float f => f,
        int i => i,
        long l => l,
        _ => throw AvroJson.Mismatch(s, v),
    };

    public static byte[] FixedBytes(object? v, FixedSchema s) => v switch
    {
        GenericFixed f when f.Value.Length == s.Size => f.Value,
        byte[] b when b.Length == s.Size => b,
        _ => throw AvroJson.Mismatch(s, v),
    };

    public static int EnumIndex(object? v, EnumSchema s)
    {
        var index = v switch
        {
            GenericEnum e => s.IndexOf(e.Symbol),
            string str => s.IndexOf(str),
            _ => throw AvroJson.Mismatch(s, v),
        };
        return index >= 0 ? index : throw new AvroException($"'{v}' is not a symbol of enum {s.FullName}.");
    }
}

/// <summary>Chooses the union branch for a generic datum: an exact match first, then a widening one.</summary>
internal static class UnionSelector
{
    public static int Select(UnionSchema u, object? v)
    {
        var branches = u.Branches;
        for (var i = 0; i < branches.Count; i++)
        {
            if (Exact(branches[i], v))
            {
                return i;
            }
        }

        for (var i = 0; i < branches.Count; i++)
        {
            if (Loose(branches[i], v))
            {
                return i;
            }
        }

        throw new AvroException($"No branch of union {u.ToCanonicalForm()} accepts a {(v is null ? "null" : v.GetType().Name)}.");
    }

    private static bool Exact(AvroSchema b, object? v) => v switch
    {
        null => b.Type == AvroType.Null,
        bool => b.Type == AvroType.Boolean,
        int => b.Type == AvroType.Int && b.LogicalType == AvroLogicalType.None,
        long => b.Type == AvroType.Long && b.LogicalType == AvroLogicalType.None,
        float => b.Type == AvroType.Float,
        double => b.Type == AvroType.Double,
        string => b.Type == AvroType.String && b.LogicalType == AvroLogicalType.None,
        byte[] => b.Type == AvroType.Bytes && b.LogicalType == AvroLogicalType.None,
        GenericRecord r => b is RecordSchema rs && rs.FullName == r.Schema.FullName,
        GenericEnum e => b is EnumSchema es && es.FullName == e.Schema.FullName,
        GenericFixed f => b is FixedSchema fs && fs.FullName == f.Schema.FullName,
        IDictionary<string, object?> => b.Type == AvroType.Map,
        IList => b.Type == AvroType.Array,
        decimal => b.LogicalType == AvroLogicalType.Decimal,
        Guid => b.LogicalType == AvroLogicalType.Uuid,
        DateOnly => b.LogicalType == AvroLogicalType.Date,
        TimeOnly => b.LogicalType is AvroLogicalType.TimeMillis or AvroLogicalType.TimeMicros,
        DateTime dt => dt.Kind == DateTimeKind.Unspecified
            ? b.LogicalType is AvroLogicalType.LocalTimestampMillis or AvroLogicalType.LocalTimestampMicros
            : b.LogicalType is AvroLogicalType.TimestampMillis or AvroLogicalType.TimestampMicros,
        DateTimeOffset => b.LogicalType is AvroLogicalType.TimestampMillis or AvroLogicalType.TimestampMicros,
        AvroDuration => b.LogicalType == AvroLogicalType.Duration,
        _ => false,
    };

    private static bool Loose(AvroSchema b, object? v) => v switch
    {
        int => b.Type is AvroType.Int or AvroType.Long or AvroType.Float or AvroType.Double,
        long => b.Type is AvroType.Long or AvroType.Float or AvroType.Double,
        float => b.Type == AvroType.Double,
        string s => b.Type == AvroType.String || (b is EnumSchema es && es.IndexOf(s) >= 0),
        byte[] bytes => b.Type == AvroType.Bytes || (b is FixedSchema fs && fs.Size == bytes.Length),
        DateTime => b.LogicalType is AvroLogicalType.TimestampMillis or AvroLogicalType.TimestampMicros
            or AvroLogicalType.LocalTimestampMillis or AvroLogicalType.LocalTimestampMicros,
        _ => false,
    };
}
