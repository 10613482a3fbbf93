using System.Buffers;
using System.Runtime.CompilerServices;

namespace Samsa.SchemaRegistry.Avro.Specific;

/// <summary>
/// Encodes and decodes generated <see cref="IAvroSpecificRecord{TSelf}"/> types. Data written with the type's own
/// schema (or one with the same encoding) takes the generated fast path; any other writer schema is resolved to the
/// type's schema through <see cref="GenericDatumReader"/> and converted, so evolution rules still apply.
/// </summary>
public static class AvroSpecific
{
    /// <summary>The generated schema of <typeparamref name="T"/>.</summary>
    public static RecordSchema Schema<T>()
        where T : IAvroSpecificRecord<T> => T.AvroSchema;

    /// <summary>Writes <paramref name="value"/> through <paramref name="writer"/> (which the caller flushes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Write<T>(ref AvroBinaryWriter writer, T value)
        where T : IAvroSpecificRecord<T> => T.Write(ref writer, value);

    /// <summary>Reads a value written with the generated schema.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Read<T>(ref AvroBinaryReader reader)
        where T : IAvroSpecificRecord<T> => T.Read(ref reader);

    /// <summary>Converts a generic record shaped by the generated schema.</summary>
    public static T FromGeneric<T>(GenericRecord record)
        where T : IAvroSpecificRecord<T> => T.FromGeneric(record ?? throw new ArgumentNullException(nameof(record)));

    /// <summary>Encodes <paramref name="value"/> into <paramref name="output"/>.</summary>
    public static void Serialize<T>(T value, IBufferWriter<byte> output)
        where T : IAvroSpecificRecord<T>
    {
        var w = new AvroBinaryWriter(output);
        T.Write(ref w, value);
        w.Flush();
    }

    /// <summary>Encodes <paramref name="value"/> into a new array.</summary>
    public static byte[] Serialize<T>(T value)
        where T : IAvroSpecificRecord<T>
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        Serialize(value, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Decodes one value, written with the generated schema, that fills <paramref name="data"/> exactly.</summary>
    /// <exception cref="AvroException">The data is malformed or has trailing bytes.</exception>
    public static T Deserialize<T>(ReadOnlySpan<byte> data)
        where T : IAvroSpecificRecord<T>
    {
        var r = new AvroBinaryReader(data);
        var value = T.Read(ref r);
        return r.Remaining == 0 ? value : throw new AvroException($"{r.Remaining} bytes left after the datum.");
    }

    /// <summary>
    /// Decodes one value written with <paramref name="writerSchema"/>: the generated reader when that schema has the
    /// same encoding as the generated one, else schema resolution to the generated schema and conversion.
    /// </summary>
    /// <exception cref="AvroException">The data is malformed or the schemas cannot be resolved.</exception>
    public static T Deserialize<T>(ReadOnlySpan<byte> data, AvroSchema writerSchema)
        where T : IAvroSpecificRecord<T>
    {
        ArgumentNullException.ThrowIfNull(writerSchema);
        if (IsFastPath<T>(writerSchema))
        {
            return Deserialize<T>(data);
        }

        var datum = GenericDatumReader.For(writerSchema, T.AvroSchema).Read(data);
        return T.FromGeneric(datum as GenericRecord ?? throw new AvroException($"Writer schema {writerSchema.DisplayName} did not resolve to a record."));
    }

    /// <summary>True when data written with <paramref name="writerSchema"/> can be read by the generated reader of <typeparamref name="T"/>.</summary>
    public static bool IsFastPath<T>(AvroSchema writerSchema)
        where T : IAvroSpecificRecord<T>
        => ReferenceEquals(writerSchema, T.AvroSchema) || SameEncodingCache.Get(writerSchema, T.AvroSchema);

    private static class SameEncodingCache
    {
        private static readonly ConditionalWeakTable<AvroSchema, ConditionalWeakTable<AvroSchema, object>> Cache = new();
        private static readonly object True = true;
        private static readonly object False = false;

        public static bool Get(AvroSchema writer, AvroSchema reader)
        {
            var perWriter = Cache.GetValue(writer, static _ => new ConditionalWeakTable<AvroSchema, object>());
            if (perWriter.TryGetValue(reader, out var cached))
            {
                return (bool)cached;
            }

            var same = SpecificSchemaMatch.SameEncoding(writer, reader);
            perWriter.AddOrUpdate(reader, same ? True : False);
            return same;
        }
    }
}

/// <summary>Decides whether two schemas encode every datum identically, so that no resolution is needed.</summary>
internal static class SpecificSchemaMatch
{
    public static bool SameEncoding(AvroSchema a, AvroSchema b)
        => Same(a, b, new HashSet<(AvroSchema, AvroSchema)>(ReferencePairComparer.Instance));

    private static bool Same(AvroSchema a, AvroSchema b, HashSet<(AvroSchema, AvroSchema)> seen)
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }

        if (a.Type != b.Type || a.LogicalType != b.LogicalType || a.Precision != b.Precision || a.Scale != b.Scale)
        {
            return false;
        }

        switch (a)
        {
            case RecordSchema ra:
                var rb = (RecordSchema)b;
                if (ra.FullName != rb.FullName || ra.Fields.Count != rb.Fields.Count)
                {
                    return false;
                }

                if (!seen.Add((a, b)))
                {
                    return true; // recursive type: already being compared
                }

                for (var i = 0; i < ra.Fields.Count; i++)
                {
                    if (ra.Fields[i].Name != rb.Fields[i].Name || !Same(ra.Fields[i].Schema, rb.Fields[i].Schema, seen))
                    {
                        return false;
                    }
                }

                return true;
            case EnumSchema ea:
                var eb = (EnumSchema)b;
                return ea.FullName == eb.FullName && ea.Symbols.SequenceEqual(eb.Symbols, StringComparer.Ordinal);
            case FixedSchema fa:
                return fa.FullName == ((FixedSchema)b).FullName && fa.Size == ((FixedSchema)b).Size;
            case ArraySchema aa:
                return Same(aa.Items, ((ArraySchema)b).Items, seen);
            case MapSchema ma:
                return Same(ma.Values, ((MapSchema)b).Values, seen);
            case UnionSchema ua:
                var ub = (UnionSchema)b;
                if (ua.Branches.Count != ub.Branches.Count)
                {
                    return false;
                }

                for (var i = 0; i < ua.Branches.Count; i++)
                {
                    if (!Same(ua.Branches[i], ub.Branches[i], seen))
                    {
                        return false;
                    }
                }

                return true;
            default:
                return true;
        }
    }

    private sealed class ReferencePairComparer : IEqualityComparer<(AvroSchema, AvroSchema)>
    {
        public static readonly ReferencePairComparer Instance = new();

        public bool Equals((AvroSchema, AvroSchema) x, (AvroSchema, AvroSchema) y)
            => ReferenceEquals(x.Item1, y.Item1) && ReferenceEquals(x.Item2, y.Item2);

        public int GetHashCode((AvroSchema, AvroSchema) obj)
            => HashCode.Combine(RuntimeHelpers.GetHashCode(obj.Item1), RuntimeHelpers.GetHashCode(obj.Item2));
    }
}
