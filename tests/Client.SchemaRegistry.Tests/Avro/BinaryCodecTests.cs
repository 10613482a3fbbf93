using System.Buffers;
using Samsa.SchemaRegistry.Avro;

namespace Samsa.SchemaRegistry.Tests.Avro;

public class BinaryCodecTests
{
    internal static object? RoundTrip(AvroSchema s, object? datum)
    {
        var bytes = GenericDatumWriter.For(s).Serialize(datum);
        return GenericDatumReader.For(s).Read(bytes);
    }

    [Theory]
    [InlineData(0L, new byte[] { 0x00 })]
    [InlineData(-1L, new byte[] { 0x01 })]
    [InlineData(1L, new byte[] { 0x02 })]
    [InlineData(-2L, new byte[] { 0x03 })]
    [InlineData(2L, new byte[] { 0x04 })]
    [InlineData(-64L, new byte[] { 0x7f })]
    [InlineData(64L, new byte[] { 0x80, 0x01 })]
    [InlineData(long.MaxValue, new byte[] { 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01 })]
    [InlineData(long.MinValue, new byte[] { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01 })]
    public void WriteLong_ZigZag_MatchesSpecification(long value, byte[] expected)
    {
        var buf = new ArrayBufferWriter<byte>();
        var w = new AvroBinaryWriter(buf);
        w.WriteLong(value);
        w.Flush();
        Assert.Equal(expected, buf.WrittenSpan.ToArray());
        var r = new AvroBinaryReader(expected);
        Assert.Equal(value, r.ReadLong());
    }

    [Fact]
    public void String_Foo_EncodesAsSpecificationExample()
        => Assert.Equal(new byte[] { 0x06, 0x66, 0x6f, 0x6f }, GenericDatumWriter.For(AvroSchema.String).Serialize("foo"));

    public static TheoryData<string, object?> Primitives() => new()
    {
        { "\"null\"", null },
        { "\"boolean\"", true },
        { "\"boolean\"", false },
        { "\"int\"", int.MinValue },
        { "\"int\"", 123456 },
        { "\"long\"", long.MaxValue },
        { "\"float\"", 3.25f },
        { "\"float\"", float.NaN },
        { "\"double\"", -1.5e300 },
        { "\"bytes\"", new byte[] { 0, 1, 255 } },
        { "\"bytes\"", Array.Empty<byte>() },
        { "\"string\"", "héllo wörld ✓ " + new string('x', 600) },
        { "\"string\"", string.Empty },
    };

    [Theory]
    [MemberData(nameof(Primitives))]
    public void RoundTrip_Primitives_AreEqual(string schema, object? value)
        => Assert.True(GenericData.DatumEquals(value, RoundTrip(AvroSchema.Parse(schema), value)));

    public static TheoryData<string, object> Logicals() => new()
    {
        { """{"type":"bytes","logicalType":"decimal","precision":10,"scale":3}""", -1234567.891m },
        { """{"type":"bytes","logicalType":"decimal","precision":10,"scale":3}""", 5m },
        { """{"type":"fixed","name":"D","size":8,"logicalType":"decimal","precision":18,"scale":4}""", -0.0001m },
        { """{"type":"fixed","name":"D","size":8,"logicalType":"decimal","precision":18,"scale":4}""", 99999999999999.9999m },
        { """{"type":"string","logicalType":"uuid"}""", Guid.Parse("123e4567-e89b-12d3-a456-426614174000") },
        { """{"type":"fixed","name":"U","size":16,"logicalType":"uuid"}""", Guid.Parse("123e4567-e89b-12d3-a456-426614174000") },
        { """{"type":"int","logicalType":"date"}""", new DateOnly(1969, 12, 31) },
        { """{"type":"int","logicalType":"date"}""", new DateOnly(2024, 2, 29) },
        { """{"type":"int","logicalType":"time-millis"}""", new TimeOnly(23, 59, 59, 999) },
        { """{"type":"long","logicalType":"time-micros"}""", new TimeOnly(12, 0, 0, 1, 2) },
        { """{"type":"long","logicalType":"timestamp-millis"}""", new DateTime(2000, 1, 1, 10, 0, 0, 5, DateTimeKind.Utc) },
        { """{"type":"long","logicalType":"timestamp-millis"}""", new DateTime(1900, 1, 1, 0, 0, 0, 1, DateTimeKind.Utc) },
        { """{"type":"long","logicalType":"timestamp-micros"}""", new DateTime(2030, 5, 6, 7, 8, 9, 10, 11, DateTimeKind.Utc) },
        { """{"type":"long","logicalType":"local-timestamp-millis"}""", new DateTime(2000, 1, 1, 12, 0, 0, DateTimeKind.Unspecified) },
        { """{"type":"long","logicalType":"local-timestamp-micros"}""", new DateTime(2000, 1, 1, 12, 0, 0, 0, 7, DateTimeKind.Unspecified) },
        { """{"type":"fixed","name":"Du","size":12,"logicalType":"duration"}""", new AvroDuration(1, 2, uint.MaxValue) },
    };

    [Theory]
    [MemberData(nameof(Logicals))]
    public void RoundTrip_LogicalTypes_ReturnNativeValues(string schema, object value)
    {
        var back = RoundTrip(AvroSchema.Parse(schema), value);
        Assert.Equal(value, back);
        Assert.Equal(value.GetType(), back!.GetType());
    }

    [Fact]
    public void TimestampMillis_HelsinkiExample_EncodesSpecValue()
    {
        var s = AvroSchema.Parse("""{"type":"long","logicalType":"timestamp-millis"}""");
        var at = new DateTimeOffset(2000, 1, 1, 12, 0, 0, TimeSpan.FromHours(2));
        var bytes = GenericDatumWriter.For(s).Serialize(at);
        Assert.Equal(946720800000L, GenericDatumReader.For(AvroSchema.Long).Read(bytes));
        var local = AvroSchema.Parse("""{"type":"long","logicalType":"local-timestamp-millis"}""");
        Assert.Equal(946728000000L, GenericDatumReader.For(AvroSchema.Long).Read(GenericDatumWriter.For(local).Serialize(new DateTime(2000, 1, 1, 12, 0, 0))));
    }

    [Fact]
    public void Decimal_TwoComplementBytes_MatchHandComputed()
    {
        var s = AvroSchema.Parse("""{"type":"bytes","logicalType":"decimal","precision":4,"scale":2}""");
        // -1.28 → unscaled -128 → 0x80 (one byte); 1.28 → 128 → 0x00 0x80.
        Assert.Equal(new byte[] { 2, 0x80 }, GenericDatumWriter.For(s).Serialize(-1.28m));
        Assert.Equal(new byte[] { 4, 0x00, 0x80 }, GenericDatumWriter.For(s).Serialize(1.28m));
        Assert.Throws<AvroException>(() => GenericDatumWriter.For(s).Serialize(1.234m));
        Assert.Throws<AvroException>(() => GenericDatumWriter.For(s).Serialize(123.4m));
    }

    [Fact]
    public void RoundTrip_Interop_AllComplexTypes()
    {
        var s = (RecordSchema)AvroSchema.Parse(SchemaParserTests.Reference("interop.avsc"));
        var rec = SampleData.Interop(s, seed: 1);
        var back = RoundTrip(s, rec);
        Assert.Equal(rec, back);
        Assert.IsType<GenericEnum>(((GenericRecord)back!)["enumField"]);
        Assert.IsType<GenericFixed>(((GenericRecord)back)["fixedField"]);
    }

    [Fact]
    public void Read_NegativeBlockCountWithByteSize_IsDecoded()
    {
        var s = AvroSchema.Parse("""{"type":"array","items":"int"}""");
        // block of -2 items (zigzag 3) with byte size 2, items 1 and 2, then a positive block of 1 item (3), end.
        var bytes = new byte[] { 0x03, 0x04, 0x02, 0x04, 0x02, 0x06, 0x00 };
        Assert.Equal(new List<object?> { 1, 2, 3 }, GenericDatumReader.For(s).Read(bytes));
        var map = AvroSchema.Parse("""{"type":"map","values":"long"}""");
        var mapBytes = new byte[] { 0x01, 0x06, 0x02, (byte)'a', 0x54, 0x00 };
        Assert.Equal(42L, ((Dictionary<string, object?>)GenericDatumReader.For(map).Read(mapBytes)!)["a"]);
    }

    [Theory]
    [InlineData("\"int\"", new byte[] { 0x80 })]
    [InlineData("\"string\"", new byte[] { 0x08, 0x61 })]
    [InlineData("\"boolean\"", new byte[] { 0x02 })]
    [InlineData("\"double\"", new byte[] { 0, 0, 0 })]
    [InlineData("[\"null\",\"int\"]", new byte[] { 0x04 })]
    [InlineData("""{"type":"enum","name":"E","symbols":["A"]}""", new byte[] { 0x02 })]
    [InlineData("\"bytes\"", new byte[] { 0x01 })]
    [InlineData("\"long\"", new byte[] { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01 })]
    public void Read_MalformedInput_ThrowsAvroException(string schema, byte[] bytes)
        => Assert.Throws<AvroException>(() => GenericDatumReader.For(AvroSchema.Parse(schema)).Read(bytes));

    [Fact]
    public void Read_InteropTruncatedAtEveryOffset_ThrowsAvroException()
    {
        var s = (RecordSchema)AvroSchema.Parse(SchemaParserTests.Reference("interop.avsc"));
        var bytes = GenericDatumWriter.For(s).Serialize(SampleData.Interop(s, seed: 2));
        for (var i = 0; i < bytes.Length; i++)
        {
            Assert.Throws<AvroException>(() => GenericDatumReader.For(s).Read(bytes.AsSpan(0, i)));
        }
    }

    [Fact]
    public void Write_WrongType_Throws()
    {
        var s = AvroSchema.Parse("""{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}""");
        var rec = new GenericRecord((RecordSchema)s) { ["a"] = "no" };
        Assert.Throws<AvroException>(() => GenericDatumWriter.For(s).Serialize(rec));
        Assert.Throws<AvroException>(() => GenericDatumWriter.For(AvroSchema.Parse("[\"null\",\"int\"]")).Serialize("x"));
    }

    [Fact]
    public void Union_PicksBranchByValueType()
    {
        var s = AvroSchema.Parse("""["null","long","string",{"type":"int","logicalType":"date"}]""");
        Assert.Equal(new byte[] { 0 }, GenericDatumWriter.For(s).Serialize(null));
        Assert.Equal(new byte[] { 2, 2 }, GenericDatumWriter.For(s).Serialize(1L));
        Assert.Equal(new byte[] { 2, 2 }, GenericDatumWriter.For(s).Serialize(1));
        Assert.Equal(new byte[] { 4, 2, (byte)'x' }, GenericDatumWriter.For(s).Serialize("x"));
        Assert.Equal(6, GenericDatumWriter.For(s).Serialize(new DateOnly(1970, 1, 2))[0]);
    }
}
