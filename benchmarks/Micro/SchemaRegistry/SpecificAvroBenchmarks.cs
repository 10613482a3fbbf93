using System.Buffers;
using BenchmarkDotNet.Attributes;
using Samsa.SchemaRegistry.Avro;
using Samsa.SchemaRegistry.Avro.Specific;

namespace Samsa.Benchmarks.Micro.SchemaRegistry;

public enum BenchKind
{
    Buy,
    Sell,
    Hold,
}

/// <summary>A 20-field record of mixed types for the generated-vs-generic comparison.</summary>
[AvroRecord(Namespace = "samsa.bench")]
public partial class BenchOrder
{
    public int Id { get; set; }
    public long Sequence { get; set; }
    public double Price { get; set; }
    public float Ratio { get; set; }
    public bool Active { get; set; }
    public string Symbol { get; set; } = "";
    public string Venue { get; set; } = "";
    public string Trader { get; set; } = "";
    public Guid OrderId { get; set; }
    [AvroField(TimePrecision = AvroTimePrecision.Millis)]
    public DateTime CreatedAt { get; set; }
    public DateOnly TradeDate { get; set; }
    [AvroDecimal(18, 4)]
    public decimal Notional { get; set; }
    public BenchKind Kind { get; set; }
    public int? Retries { get; set; }
    public string? Note { get; set; }
    public long Quantity { get; set; }
    public int Account { get; set; }
    public double Fee { get; set; }
    public List<int> Legs { get; set; } = [];
    public Dictionary<string, string> Tags { get; set; } = [];
}

/// <summary>Encode/decode of <see cref="BenchOrder"/>: generated code against <see cref="GenericRecord"/> with the same schema.</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class SpecificAvroBenchmarks
{
    private BenchOrder _order = null!;
    private GenericRecord _record = null!;
    private RecordSchema _schema = null!;
    private GenericDatumWriter _writer = null!;
    private GenericDatumReader _reader = null!;
    private ArrayBufferWriter<byte> _buffer = null!;
    private byte[] _encoded = null!;

    [GlobalSetup]
    public void Setup()
    {
        _schema = AvroSpecific.Schema<BenchOrder>();
        _order = new BenchOrder
        {
            Id = 123456, Sequence = 9_876_543_210L, Price = 101.25, Ratio = 0.5f, Active = true,
            Symbol = "SAMSA", Venue = "XLON", Trader = "trader-0042", OrderId = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"),
            CreatedAt = new DateTime(2025, 3, 4, 5, 6, 7, 890, DateTimeKind.Utc), TradeDate = new DateOnly(2025, 3, 4),
            Notional = 12345.6789m, Kind = BenchKind.Sell, Retries = 2, Note = null, Quantity = 500, Account = 77, Fee = 1.5,
            Legs = [1, 2, 3], Tags = new Dictionary<string, string> { ["desk"] = "eq", ["book"] = "b1" },
        };
        _record = new GenericRecord(_schema)
        {
            ["Id"] = _order.Id, ["Sequence"] = _order.Sequence, ["Price"] = _order.Price, ["Ratio"] = _order.Ratio, ["Active"] = _order.Active,
            ["Symbol"] = _order.Symbol, ["Venue"] = _order.Venue, ["Trader"] = _order.Trader, ["OrderId"] = _order.OrderId,
            ["CreatedAt"] = _order.CreatedAt, ["TradeDate"] = _order.TradeDate, ["Notional"] = _order.Notional,
            ["Kind"] = new GenericEnum((EnumSchema)_schema.Fields[12].Schema, "Sell"), ["Retries"] = _order.Retries, ["Note"] = null,
            ["Quantity"] = _order.Quantity, ["Account"] = _order.Account, ["Fee"] = _order.Fee,
            ["Legs"] = new List<object?> { 1, 2, 3 }, ["Tags"] = new Dictionary<string, object?> { ["desk"] = "eq", ["book"] = "b1" },
        };
        _writer = GenericDatumWriter.For(_schema);
        _reader = GenericDatumReader.For(_schema);
        _buffer = new ArrayBufferWriter<byte>(1024);
        _encoded = AvroSpecific.Serialize(_order);
        if (!_encoded.AsSpan().SequenceEqual(_writer.Serialize(_record)))
        {
            throw new InvalidOperationException("Generated and generic encodings differ.");
        }
    }

    [Benchmark(Baseline = true)]
    public int Serialize_Generic()
    {
        _buffer.ResetWrittenCount();
        _writer.Write(_record, _buffer);
        return _buffer.WrittenCount;
    }

    [Benchmark]
    public int Serialize_Generated()
    {
        _buffer.ResetWrittenCount();
        AvroSpecific.Serialize(_order, _buffer);
        return _buffer.WrittenCount;
    }

    [Benchmark]
    public object? Deserialize_Generic() => _reader.Read(_encoded);

    [Benchmark]
    public BenchOrder Deserialize_Generated() => AvroSpecific.Deserialize<BenchOrder>(_encoded);
}
