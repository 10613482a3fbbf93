using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Samsa.SchemaRegistry.Avro;

/// <summary>
/// Reads Avro binary data written with a writer schema into generic datums shaped by a reader schema. The
/// (writer, reader) pair is resolved once into a decoding plan (specification §"Schema Resolution"): promotions,
/// defaults for missing fields, skipping of removed fields, aliases, enum defaults and union branch matching.
/// Instances are immutable and thread-safe.
/// </summary>
public sealed class GenericDatumReader
{
    private static readonly ConditionalWeakTable<AvroSchema, ConcurrentDictionary<AvroSchema, GenericDatumReader>> Cache = new();
    private readonly ReadNode _root;

    /// <summary>Compiles a reader for data written with <paramref name="writerSchema"/>, read as <paramref name="readerSchema"/> (or the writer schema when null).</summary>
    /// <exception cref="AvroException">The schemas cannot be resolved.</exception>
    public GenericDatumReader(AvroSchema writerSchema, AvroSchema? readerSchema = null)
    {
        WriterSchema = writerSchema ?? throw new ArgumentNullException(nameof(writerSchema));
        ReaderSchema = readerSchema ?? writerSchema;
        _root = SchemaResolver.Resolve(WriterSchema, ReaderSchema);
    }

    /// <summary>The schema the data was written with.</summary>
    public AvroSchema WriterSchema { get; }

    /// <summary>The schema the data is read as.</summary>
    public AvroSchema ReaderSchema { get; }

    /// <summary>A cached reader per (writer, reader) schema instance pair.</summary>
    public static GenericDatumReader For(AvroSchema writerSchema, AvroSchema? readerSchema = null)
    {
        var reader = readerSchema ?? writerSchema;
        var perWriter = Cache.GetValue(writerSchema, static _ => new ConcurrentDictionary<AvroSchema, GenericDatumReader>(ReferenceEqualityComparer.Instance));
        return perWriter.GetOrAdd(reader, r => new GenericDatumReader(writerSchema, r));
    }

    /// <summary>Reads one datum from <paramref name="reader"/>.</summary>
    /// <exception cref="AvroException">The data is malformed or cannot be resolved.</exception>
    public object? Read(ref AvroBinaryReader reader) => _root.Read(ref reader);

    /// <summary>Reads one datum that fills <paramref name="data"/> exactly.</summary>
    public object? Read(ReadOnlySpan<byte> data)
    {
        var r = new AvroBinaryReader(data);
        var value = _root.Read(ref r);
        if (r.Remaining != 0)
        {
            throw new AvroException($"{r.Remaining} bytes left after the datum.");
        }

        return value;
    }
}

internal abstract class ReadNode
{
    public abstract object? Read(ref AvroBinaryReader r);
}

internal sealed class PrimitiveReadNode(AvroType type) : ReadNode
{
    private static readonly object True = true;
    private static readonly object False = false;

    public override object? Read(ref AvroBinaryReader r) => type switch
    {
        AvroType.Null => null,
        AvroType.Boolean => r.ReadBoolean() ? True : False,
        AvroType.Int => r.ReadInt(),
        AvroType.Long => r.ReadLong(),
        AvroType.Float => r.ReadFloat(),
        AvroType.Double => r.ReadDouble(),
        AvroType.Bytes => r.ReadBytes(),
        _ => r.ReadString(),
    };
}

/// <summary>The promotions of the specification: int→long/float/double, long→float/double, float→double, string↔bytes.</summary>
internal sealed class PromoteReadNode(AvroType writer, AvroType reader) : ReadNode
{
    public override object? Read(ref AvroBinaryReader r) => (writer, reader) switch
    {
        (AvroType.Int, AvroType.Long) => (long)r.ReadInt(),
        (AvroType.Int, AvroType.Float) => (float)r.ReadInt(),
        (AvroType.Int, AvroType.Double) => (double)r.ReadInt(),
        (AvroType.Long, AvroType.Float) => (float)r.ReadLong(),
        (AvroType.Long, AvroType.Double) => (double)r.ReadLong(),
        (AvroType.Float, AvroType.Double) => (double)r.ReadFloat(),
        (AvroType.String, AvroType.Bytes) => r.ReadBytes(),
        _ => r.ReadString(),
    };
}

internal sealed class LogicalReadNode(AvroSchema reader, ReadNode inner) : ReadNode
{
    public override object? Read(ref AvroBinaryReader r)
    {
        var raw = inner.Read(ref r);
        return raw is null ? null : LogicalTypes.FromUnderlying(reader, raw);
    }
}

internal sealed class ErrorReadNode(string message) : ReadNode
{
    public override object? Read(ref AvroBinaryReader r) => throw new AvroException(message);
}

internal sealed class FixedReadNode(FixedSchema reader) : ReadNode
{
    public override object? Read(ref AvroBinaryReader r) => new GenericFixed(reader, r.ReadFixedSpan(reader.Size).ToArray());
}

internal sealed class EnumReadNode : ReadNode
{
    private readonly GenericEnum?[] _map;
    private readonly string[] _writerSymbols;
    private readonly string _readerName;

    public EnumReadNode(EnumSchema writer, EnumSchema reader)
    {
        _writerSymbols = writer.Symbols.ToArray();
        _readerName = reader.FullName;
        _map = new GenericEnum?[writer.Symbols.Count];
        for (var i = 0; i < _map.Length; i++)
        {
            var symbol = reader.IndexOf(writer.Symbols[i]) >= 0 ? writer.Symbols[i] : reader.Default;
            _map[i] = symbol is null ? null : new GenericEnum(reader, symbol);
        }
    }

    public override object? Read(ref AvroBinaryReader r)
    {
        var index = r.ReadInt();
        if ((uint)index >= (uint)_map.Length)
        {
            throw new AvroException($"Enum index {index} is out of range (0..{_map.Length - 1}).");
        }

        return _map[index] ?? throw new AvroException($"Symbol '{_writerSymbols[index]}' is not in enum {_readerName}, which has no default.");
    }
}

internal sealed class ArrayReadNode(ReadNode items) : ReadNode
{
    public override object? Read(ref AvroBinaryReader r)
    {
        var list = new List<object?>();
        while (true)
        {
            var count = r.ReadBlockCount(out _);
            if (count == 0)
            {
                return list;
            }

            list.Capacity = Math.Max(list.Capacity, list.Count + (int)Math.Min(count, r.Remaining));
            for (var i = 0L; i < count; i++)
            {
                list.Add(items.Read(ref r));
            }
        }
    }
}

internal sealed class MapReadNode(ReadNode values) : ReadNode
{
    public override object? Read(ref AvroBinaryReader r)
    {
        var map = new Dictionary<string, object?>(StringComparer.Ordinal);
        while (true)
        {
            var count = r.ReadBlockCount(out _);
            if (count == 0)
            {
                return map;
            }

            for (var i = 0L; i < count; i++)
            {
                var key = r.ReadString();
                map[key] = values.Read(ref r);
            }
        }
    }
}

internal sealed class WriterUnionReadNode(ReadNode[] branches) : ReadNode
{
    public override object? Read(ref AvroBinaryReader r)
    {
        var index = r.ReadInt();
        if ((uint)index >= (uint)branches.Length)
        {
            throw new AvroException($"Union index {index} is out of range (0..{branches.Length - 1}).");
        }

        return branches[index].Read(ref r);
    }
}

internal sealed class SkipReadNode(AvroSchema writer) : ReadNode
{
    public override object? Read(ref AvroBinaryReader r)
    {
        Skipper.Skip(writer, ref r);
        return null;
    }
}

internal sealed class RecordReadNode(RecordSchema reader) : ReadNode
{
    // One step per writer field, in writer order: where to store the value (-1 = skip) and how to read it.
    public int[] Targets { get; set; } = [];

    public ReadNode[] Steps { get; set; } = [];

    // Reader fields the writer lacks, filled from defaults.
    public (int Position, object? Value)[] Defaults { get; set; } = [];

    public override object? Read(ref AvroBinaryReader r)
    {
        var rec = new GenericRecord(reader);
        var targets = Targets;
        var steps = Steps;
        for (var i = 0; i < steps.Length; i++)
        {
            var value = steps[i].Read(ref r);
            var t = targets[i];
            if (t >= 0)
            {
                rec[t] = value;
            }
        }

        foreach (var (pos, value) in Defaults)
        {
            rec[pos] = value is null or string or int or long or bool or double or float or decimal or GenericEnum ? value : GenericData.DeepCopy(value);
        }

        return rec;
    }
}

/// <summary>Skips a datum of a writer schema without materialising it, using block byte sizes when present.</summary>
internal static class Skipper
{
    public static void Skip(AvroSchema s, ref AvroBinaryReader r)
    {
        switch (s)
        {
            case RecordSchema rec:
                foreach (var f in rec.Fields)
                {
                    Skip(f.Schema, ref r);
                }

                return;
            case FixedSchema f:
                r.Skip(f.Size);
                return;
            case EnumSchema:
                r.ReadLong();
                return;
            case UnionSchema u:
                var index = r.ReadInt();
                if ((uint)index >= (uint)u.Branches.Count)
                {
                    throw new AvroException($"Union index {index} is out of range.");
                }

                Skip(u.Branches[index], ref r);
                return;
            case ArraySchema or MapSchema:
                while (true)
                {
                    var count = r.ReadBlockCount(out var size);
                    if (count == 0)
                    {
                        return;
                    }

                    if (size >= 0)
                    {
                        r.Skip(size);
                        continue;
                    }

                    for (var i = 0L; i < count; i++)
                    {
                        if (s is MapSchema m)
                        {
                            r.Skip(r.ReadLength());
                            Skip(m.Values, ref r);
                        }
                        else
                        {
                            Skip(((ArraySchema)s).Items, ref r);
                        }
                    }
                }

            default:
                switch (s.Type)
                {
                    case AvroType.Null:
                        return;
                    case AvroType.Boolean:
                        r.Skip(1);
                        return;
                    case AvroType.Int:
                    case AvroType.Long:
                        r.ReadLong();
                        return;
                    case AvroType.Float:
                        r.Skip(4);
                        return;
                    case AvroType.Double:
                        r.Skip(8);
                        return;
                    default:
                        r.Skip(r.ReadLength());
                        return;
                }
        }
    }
}
