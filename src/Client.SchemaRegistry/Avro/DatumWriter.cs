using System.Buffers;
using System.Collections;
using System.Runtime.CompilerServices;

namespace Samsa.SchemaRegistry.Avro;

/// <summary>
/// Writes generic datums (see <see cref="GenericRecord"/>) in Avro binary encoding. The schema is compiled once
/// into a tree of encoders; instances are immutable and thread-safe.
/// </summary>
public sealed class GenericDatumWriter
{
    private static readonly ConditionalWeakTable<AvroSchema, GenericDatumWriter> Cache = new();
    private readonly WriteNode _root;

    /// <summary>Compiles a writer for <paramref name="schema"/>.</summary>
    public GenericDatumWriter(AvroSchema schema)
    {
        Schema = schema ?? throw new ArgumentNullException(nameof(schema));
        _root = WriteNode.Compile(schema, new Dictionary<RecordSchema, RecordWriteNode>(ReferenceEqualityComparer.Instance));
    }

    /// <summary>The writer schema.</summary>
    public AvroSchema Schema { get; }

    /// <summary>A cached writer for <paramref name="schema"/> (one per schema instance).</summary>
    public static GenericDatumWriter For(AvroSchema schema) => Cache.GetValue(schema, static s => new GenericDatumWriter(s));

    /// <summary>Writes <paramref name="datum"/> through <paramref name="writer"/> (which the caller flushes).</summary>
    /// <exception cref="AvroException">The datum does not match the schema.</exception>
    public void Write(ref AvroBinaryWriter writer, object? datum) => _root.Write(ref writer, datum);

    /// <summary>Writes <paramref name="datum"/> to <paramref name="output"/>.</summary>
    public void Write(object? datum, IBufferWriter<byte> output)
    {
        var w = new AvroBinaryWriter(output);
        _root.Write(ref w, datum);
        w.Flush();
    }

    /// <summary>Encodes <paramref name="datum"/> into a new array.</summary>
    public byte[] Serialize(object? datum)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        Write(datum, buffer);
        return buffer.WrittenSpan.ToArray();
    }
}

internal abstract class WriteNode
{
    public abstract void Write(ref AvroBinaryWriter w, object? v);

    public static WriteNode Compile(AvroSchema s, Dictionary<RecordSchema, RecordWriteNode> records)
    {
        var node = CompileUnderlying(s, records);
        return s.LogicalType == AvroLogicalType.None ? node : new LogicalWriteNode(s, node);
    }

    private static WriteNode CompileUnderlying(AvroSchema s, Dictionary<RecordSchema, RecordWriteNode> records)
    {
        switch (s)
        {
            case RecordSchema r:
                if (records.TryGetValue(r, out var existing))
                {
                    return existing;
                }

                var node = new RecordWriteNode(r);
                records[r] = node;
                node.Fields = r.Fields.Select(f => Compile(f.Schema, records)).ToArray();
                return node;
            case EnumSchema e:
                return new EnumWriteNode(e);
            case FixedSchema f:
                return new FixedWriteNode(f);
            case ArraySchema a:
                return new ArrayWriteNode(a, Compile(a.Items, records));
            case MapSchema m:
                return new MapWriteNode(m, Compile(m.Values, records));
            case UnionSchema u:
                return new UnionWriteNode(u, u.Branches.Select(b => Compile(b, records)).ToArray());
            default:
                return new PrimitiveWriteNode(s);
        }
    }
}

internal sealed class PrimitiveWriteNode(AvroSchema schema) : WriteNode
{
    private readonly AvroType _type = schema.Type;

    public override void Write(ref AvroBinaryWriter w, object? v)
    {
        switch (_type)
        {
            case AvroType.Null:
                if (v is not null)
                {
                    throw AvroJson.Mismatch(schema, v);
                }

                break;
            case AvroType.Boolean:
                w.WriteBoolean(v is bool b ? b : throw AvroJson.Mismatch(schema, v));
                break;
            case AvroType.Int:
                w.WriteInt(v is int i ? i : throw AvroJson.Mismatch(schema, v));
                break;
            case AvroType.Long:
                w.WriteLong(v is long l ? l : Coerce.ToLong(v, schema));
                break;
            case AvroType.Float:
                w.WriteFloat(v is float f ? f : Coerce.ToFloat(v, schema));
                break;
            case AvroType.Double:
                w.WriteDouble(v is double d ? d : Coerce.ToDouble(v, schema));
                break;
            case AvroType.Bytes:
                w.WriteBytes(v is byte[] bytes ? bytes : throw AvroJson.Mismatch(schema, v));
                break;
            default:
                w.WriteString(v as string ?? throw AvroJson.Mismatch(schema, v));
                break;
        }
    }
}

internal sealed class LogicalWriteNode(AvroSchema schema, WriteNode inner) : WriteNode
{
    public override void Write(ref AvroBinaryWriter w, object? v)
        => inner.Write(ref w, v is null ? null : LogicalTypes.ToUnderlying(schema, v));
}

internal sealed class FixedWriteNode(FixedSchema schema) : WriteNode
{
    public override void Write(ref AvroBinaryWriter w, object? v) => w.WriteFixed(Coerce.FixedBytes(v, schema));
}

internal sealed class EnumWriteNode(EnumSchema schema) : WriteNode
{
    public override void Write(ref AvroBinaryWriter w, object? v) => w.WriteInt(Coerce.EnumIndex(v, schema));
}

internal sealed class ArrayWriteNode(ArraySchema schema, WriteNode items) : WriteNode
{
    public override void Write(ref AvroBinaryWriter w, object? v)
    {
        if (v is not IList list)
        {
            throw AvroJson.Mismatch(schema, v);
        }

        if (list.Count > 0)
        {
            w.WriteLong(list.Count);
            if (list is List<object?> typed)
            {
                foreach (var item in typed)
                {
                    items.Write(ref w, item);
                }
            }
            else
            {
                foreach (var item in list)
                {
                    items.Write(ref w, item);
                }
            }
        }

        w.WriteLong(0);
    }
}

internal sealed class MapWriteNode(MapSchema schema, WriteNode values) : WriteNode
{
    public override void Write(ref AvroBinaryWriter w, object? v)
    {
        if (v is not IDictionary<string, object?> map)
        {
            throw AvroJson.Mismatch(schema, v);
        }

        if (map.Count > 0)
        {
            w.WriteLong(map.Count);
            foreach (var (key, value) in map)
            {
                w.WriteString(key);
                values.Write(ref w, value);
            }
        }

        w.WriteLong(0);
    }
}

internal sealed class UnionWriteNode(UnionSchema schema, WriteNode[] branches) : WriteNode
{
    public override void Write(ref AvroBinaryWriter w, object? v)
    {
        var index = UnionSelector.Select(schema, v);
        w.WriteInt(index);
        branches[index].Write(ref w, v);
    }
}

internal sealed class RecordWriteNode(RecordSchema schema) : WriteNode
{
    public WriteNode[] Fields { get; set; } = [];

    public override void Write(ref AvroBinaryWriter w, object? v)
    {
        if (v is not GenericRecord rec)
        {
            throw AvroJson.Mismatch(schema, v);
        }

        var fields = Fields;
        if (ReferenceEquals(rec.Schema, schema))
        {
            for (var i = 0; i < fields.Length; i++)
            {
                fields[i].Write(ref w, rec[i]);
            }

            return;
        }

        // A record built against another instance of the schema: match fields by name.
        var schemaFields = schema.Fields;
        for (var i = 0; i < fields.Length; i++)
        {
            var name = schemaFields[i].Name;
            if (!rec.TryGetValue(name, out var value))
            {
                throw new AvroException($"Record {rec.Schema.FullName} has no field '{name}' required by {schema.FullName}.");
            }

            fields[i].Write(ref w, value);
        }
    }
}
