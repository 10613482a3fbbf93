using System.Buffers;
using BenchmarkDotNet.Attributes;
using Samsa.SchemaRegistry.Avro;

namespace Samsa.Benchmarks.Micro.SchemaRegistry;

/// <summary>Generic-record Avro encode/decode of a 20-field record (ints, longs, doubles, strings, a union, an enum, a timestamp).</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class AvroBenchmarks
{
    private RecordSchema _schema = null!;
    private GenericRecord _record = null!;
    private GenericDatumWriter _writer = null!;
    private GenericDatumReader _reader = null!;
    private ArrayBufferWriter<byte> _buffer = null!;
    private byte[] _encoded = null!;

    [GlobalSetup]
    public void Setup()
    {
        var fields = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            fields.Add($$"""{"name":"i{{i}}","type":"int"}""");
            fields.Add($$"""{"name":"l{{i}}","type":"long"}""");
            fields.Add($$"""{"name":"d{{i}}","type":"double"}""");
            fields.Add($$"""{"name":"s{{i}}","type":"string"}""");
        }

        fields.Add("""{"name":"opt","type":["null","string"],"default":null}""");
        fields.Add("""{"name":"flag","type":"boolean"}""");
        fields.Add("""{"name":"kind","type":{"type":"enum","name":"Kind","symbols":["A","B","C"]}}""");
        fields.Add("""{"name":"at","type":{"type":"long","logicalType":"timestamp-millis"}}""");
        _schema = (RecordSchema)AvroSchema.Parse($$"""{"type":"record","name":"Bench","namespace":"samsa","fields":[{{string.Join(",", fields)}}]}""");
        _record = new GenericRecord(_schema);
        for (var i = 0; i < 4; i++)
        {
            _record[$"i{i}"] = 1000 * i;
            _record[$"l{i}"] = 1_000_000_000_000L * i;
            _record[$"d{i}"] = i * 3.14;
            _record[$"s{i}"] = "value-" + i;
        }

        _record["opt"] = "present";
        _record["flag"] = true;
        _record["kind"] = new GenericEnum((EnumSchema)_schema.Fields[18].Schema, "B");
        _record["at"] = new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        _writer = GenericDatumWriter.For(_schema);
        _reader = GenericDatumReader.For(_schema);
        _buffer = new ArrayBufferWriter<byte>(512);
        _encoded = _writer.Serialize(_record);
    }

    [Benchmark]
    public int SerializeGeneric()
    {
        _buffer.ResetWrittenCount();
        _writer.Write(_record, _buffer);
        return _buffer.WrittenCount;
    }

    [Benchmark]
    public object? DeserializeGeneric() => _reader.Read(_encoded);
}
