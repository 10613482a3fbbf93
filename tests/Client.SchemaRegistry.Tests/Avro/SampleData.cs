using Samsa.SchemaRegistry.Avro;

namespace Samsa.SchemaRegistry.Tests.Avro;

/// <summary>Deterministic generic datums for any schema.</summary>
internal static class SampleData
{
    public static GenericRecord Interop(RecordSchema s, int seed) => (GenericRecord)Generate(s, new Random(seed), 0)!;

    public static object? Generate(AvroSchema s, Random rnd, int depth)
    {
        switch (s)
        {
            case UnionSchema u:
                var options = u.Branches.Where(b => depth < 3 || b.Type is not (AvroType.Record or AvroType.Array or AvroType.Map)).ToList();
                return Generate(options[rnd.Next(options.Count)], rnd, depth + 1);
            case RecordSchema r:
                var rec = new GenericRecord(r);
                foreach (var f in r.Fields)
                {
                    rec[f.Position] = Generate(f.Schema, rnd, depth + 1);
                }

                return rec;
            case EnumSchema e:
                return new GenericEnum(e, e.Symbols[rnd.Next(e.Symbols.Count)]);
            case FixedSchema f when f.LogicalType == AvroLogicalType.None:
                var fb = new byte[f.Size];
                rnd.NextBytes(fb);
                return new GenericFixed(f, fb);
            case ArraySchema a:
                var n = depth > 4 ? 0 : rnd.Next(4);
                var list = new List<object?>();
                for (var i = 0; i < n; i++)
                {
                    list.Add(Generate(a.Items, rnd, depth + 1));
                }

                return list;
            case MapSchema m:
                var count = depth > 4 ? 0 : rnd.Next(4);
                var map = new Dictionary<string, object?>(StringComparer.Ordinal);
                for (var i = 0; i < count; i++)
                {
                    map["k" + rnd.Next(1000)] = Generate(m.Values, rnd, depth + 1);
                }

                return map;
        }

        return s.LogicalType switch
        {
            AvroLogicalType.TimestampMillis => DateTime.UnixEpoch.AddMilliseconds(rnd.NextInt64(0, 4_000_000_000_000)),
            AvroLogicalType.Date => new DateOnly(1970, 1, 1).AddDays(rnd.Next(-1000, 30000)),
            AvroLogicalType.Uuid => new Guid(Enumerable.Range(0, 16).Select(_ => (byte)rnd.Next(256)).ToArray()),
            _ => s.Type switch
            {
                AvroType.Null => null,
                AvroType.Boolean => rnd.Next(2) == 1,
                AvroType.Int => rnd.Next(int.MinValue, int.MaxValue),
                AvroType.Long => rnd.NextInt64(long.MinValue, long.MaxValue),
                AvroType.Float => (float)((rnd.NextDouble() - 0.5) * 1e6),
                AvroType.Double => (rnd.NextDouble() - 0.5) * 1e12,
                AvroType.Bytes => Enumerable.Range(0, rnd.Next(8)).Select(_ => (byte)rnd.Next(256)).ToArray(),
                AvroType.String => "s" + rnd.Next() + (rnd.Next(3) == 0 ? "é✓" : string.Empty),
                _ => throw new NotSupportedException(s.ToString()),
            },
        };
    }
}
