using System.Buffers.Binary;
using System.Collections;

namespace Samsa.SchemaRegistry.Avro;

/// <summary>
/// A record datum: a schema plus one value per field. Values use the generic representation: null, bool, int,
/// long, float, double, byte[], string, <see cref="GenericRecord"/>, <see cref="GenericEnum"/>,
/// <see cref="GenericFixed"/>, <see cref="IList"/> for arrays, <see cref="IDictionary{TKey,TValue}"/> of string
/// for maps, and for logical types <see cref="decimal"/>, <see cref="Guid"/>, <see cref="DateOnly"/>,
/// <see cref="TimeOnly"/>, <see cref="DateTime"/> and <see cref="AvroDuration"/>.
/// </summary>
public sealed class GenericRecord : IEquatable<GenericRecord>
{
    private readonly object?[] _values;

    /// <summary>Creates a record with every field null.</summary>
    public GenericRecord(RecordSchema schema)
    {
        Schema = schema ?? throw new ArgumentNullException(nameof(schema));
        _values = new object?[schema.Fields.Count];
    }

    /// <summary>The record schema.</summary>
    public RecordSchema Schema { get; }

    /// <summary>Gets or sets a field by position.</summary>
    public object? this[int position]
    {
        get => _values[position];
        set => _values[position] = value;
    }

    /// <summary>Gets or sets a field by name.</summary>
    /// <exception cref="KeyNotFoundException">No field has that name.</exception>
    public object? this[string name]
    {
        get => _values[Position(name)];
        set => _values[Position(name)] = value;
    }

    /// <summary>Gets a field by name, or false when the schema has no such field.</summary>
    public bool TryGetValue(string name, out object? value)
    {
        if (Schema.TryGetField(name, out var f))
        {
            value = _values[f.Position];
            return true;
        }

        value = null;
        return false;
    }

    /// <summary>Structural equality: same schema full name and equal field values.</summary>
    public bool Equals(GenericRecord? other) => other is not null && GenericData.DatumEquals(this, other);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is GenericRecord r && Equals(r);

    /// <inheritdoc />
    public override int GetHashCode() => Schema.FullName.GetHashCode(StringComparison.Ordinal);

    /// <inheritdoc />
    public override string ToString() => AvroJson.Serialize(Schema, this);

    private int Position(string name)
        => Schema.TryGetField(name, out var f) ? f.Position : throw new KeyNotFoundException($"Record {Schema.FullName} has no field '{name}'.");
}

/// <summary>An enum datum: a symbol of an <see cref="EnumSchema"/>.</summary>
public sealed record GenericEnum(EnumSchema Schema, string Symbol)
{
    /// <summary>The symbol's index in the schema, or -1.</summary>
    public int Index => Schema.IndexOf(Symbol);

    /// <inheritdoc />
    public override string ToString() => Symbol;
}

/// <summary>A fixed datum: exactly <see cref="FixedSchema.Size"/> bytes.</summary>
public sealed class GenericFixed : IEquatable<GenericFixed>
{
    /// <summary>Creates a fixed datum; the byte count must equal the schema's size.</summary>
    public GenericFixed(FixedSchema schema, byte[] value)
    {
        Schema = schema ?? throw new ArgumentNullException(nameof(schema));
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length != schema.Size)
        {
            throw new ArgumentException($"Fixed {schema.FullName} holds {schema.Size} bytes, not {value.Length}.", nameof(value));
        }

        Value = value;
    }

    /// <summary>The schema.</summary>
    public FixedSchema Schema { get; }

    /// <summary>The bytes.</summary>
    public byte[] Value { get; }

    /// <inheritdoc />
    public bool Equals(GenericFixed? other) => other is not null && other.Schema.FullName == Schema.FullName && other.Value.AsSpan().SequenceEqual(Value);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is GenericFixed f && Equals(f);

    /// <inheritdoc />
    public override int GetHashCode() => Schema.FullName.GetHashCode(StringComparison.Ordinal);
}

/// <summary>The <c>duration</c> logical type: months, days and milliseconds, each an unsigned 32-bit count.</summary>
/// <param name="Months">Number of months.</param>
/// <param name="Days">Number of days.</param>
/// <param name="Milliseconds">Number of milliseconds.</param>
public readonly record struct AvroDuration(uint Months, uint Days, uint Milliseconds)
{
    internal byte[] ToBytes()
    {
        var b = new byte[12];
        BinaryPrimitives.WriteUInt32LittleEndian(b, Months);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(4), Days);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(8), Milliseconds);
        return b;
    }

    internal static AvroDuration FromBytes(ReadOnlySpan<byte> b)
        => new(BinaryPrimitives.ReadUInt32LittleEndian(b), BinaryPrimitives.ReadUInt32LittleEndian(b[4..]), BinaryPrimitives.ReadUInt32LittleEndian(b[8..]));
}

/// <summary>Helpers over generic datums: deep equality and deep copies.</summary>
public static class GenericData
{
    /// <summary>Deep structural equality of two generic datums (NaN equals NaN).</summary>
    public static bool DatumEquals(object? a, object? b)
    {
        switch (a)
        {
            case null:
                return b is null;
            case GenericRecord ra when b is GenericRecord rb:
                if (ra.Schema.FullName != rb.Schema.FullName || ra.Schema.Fields.Count != rb.Schema.Fields.Count)
                {
                    return false;
                }

                for (var i = 0; i < ra.Schema.Fields.Count; i++)
                {
                    if (!DatumEquals(ra[i], rb[i]))
                    {
                        return false;
                    }
                }

                return true;
            case byte[] ba when b is byte[] bb:
                return ba.AsSpan().SequenceEqual(bb);
            case string sa when b is string sb:
                return sa == sb;
            case IDictionary da when b is IDictionary db:
                if (da.Count != db.Count)
                {
                    return false;
                }

                foreach (DictionaryEntry e in da)
                {
                    if (!db.Contains(e.Key) || !DatumEquals(e.Value, db[e.Key]))
                    {
                        return false;
                    }
                }

                return true;
            case IList la when b is IList lb:
                if (la.Count != lb.Count)
                {
                    return false;
                }

                for (var i = 0; i < la.Count; i++)
                {
                    if (!DatumEquals(la[i], lb[i]))
                    {
                        return false;
                    }
                }

                return true;
            case GenericEnum ea when b is GenericEnum eb:
                return ea.Symbol == eb.Symbol && ea.Schema.FullName == eb.Schema.FullName;
            case float fa when b is float fb:
                return fa.Equals(fb);
            case double da2 when b is double db2:
                return da2.Equals(db2);
            default:
                return a.Equals(b);
        }
    }

    /// <summary>A deep copy of a generic datum (records, arrays, maps and byte arrays are copied).</summary>
    public static object? DeepCopy(object? datum)
    {
        switch (datum)
        {
            case GenericRecord r:
                var copy = new GenericRecord(r.Schema);
                for (var i = 0; i < r.Schema.Fields.Count; i++)
                {
                    copy[i] = DeepCopy(r[i]);
                }

                return copy;
            case byte[] b:
                return b.Clone();
            case IDictionary<string, object?> m:
                var map = new Dictionary<string, object?>(m.Count, StringComparer.Ordinal);
                foreach (var (k, v) in m)
                {
                    map[k] = DeepCopy(v);
                }

                return map;
            case IList l:
                var list = new List<object?>(l.Count);
                foreach (var item in l)
                {
                    list.Add(DeepCopy(item));
                }

                return list;
            case GenericFixed f:
                return new GenericFixed(f.Schema, (byte[])f.Value.Clone());
            default:
                return datum;
        }
    }
}
