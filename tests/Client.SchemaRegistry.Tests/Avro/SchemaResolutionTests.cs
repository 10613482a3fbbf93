using Samsa.SchemaRegistry.Avro;

namespace Samsa.SchemaRegistry.Tests.Avro;

public class SchemaResolutionTests
{
    private static object? Resolve(string writer, string reader, object? value)
    {
        var w = AvroSchema.Parse(writer);
        var r = AvroSchema.Parse(reader);
        return new GenericDatumReader(w, r).Read(GenericDatumWriter.For(w).Serialize(value));
    }

    public static TheoryData<string, string, object, object> Promotions() => new()
    {
        { "\"int\"", "\"long\"", -7, -7L },
        { "\"int\"", "\"float\"", 16777216, 16777216f },
        { "\"int\"", "\"double\"", int.MaxValue, (double)int.MaxValue },
        { "\"long\"", "\"float\"", 1L << 40, (float)(1L << 40) },
        { "\"long\"", "\"double\"", -(1L << 50), (double)-(1L << 50) },
        { "\"float\"", "\"double\"", 1.5f, 1.5d },
        { "\"string\"", "\"bytes\"", "hé", new byte[] { 0x68, 0xc3, 0xa9 } },
        { "\"bytes\"", "\"string\"", new byte[] { 0x68, 0x69 }, "hi" },
    };

    [Theory]
    [MemberData(nameof(Promotions))]
    public void Read_Promotion_ConvertsValue(string writer, string reader, object value, object expected)
        => Assert.True(GenericData.DatumEquals(expected, Resolve(writer, reader, value)));

    [Theory]
    [InlineData("\"long\"", "\"int\"")]
    [InlineData("\"double\"", "\"float\"")]
    [InlineData("\"float\"", "\"long\"")]
    [InlineData("\"string\"", "\"int\"")]
    [InlineData("\"boolean\"", "\"int\"")]
    [InlineData("\"null\"", "\"int\"")]
    [InlineData("""{"type":"array","items":"long"}""", """{"type":"array","items":"int"}""")]
    [InlineData("""{"type":"map","values":"string"}""", """{"type":"array","items":"string"}""")]
    [InlineData("""{"type":"fixed","name":"F","size":4}""", """{"type":"fixed","name":"F","size":5}""")]
    [InlineData("""{"type":"fixed","name":"F","size":4}""", """{"type":"fixed","name":"G","size":4}""")]
    [InlineData("""{"type":"enum","name":"E","symbols":["A"]}""", """{"type":"enum","name":"X","symbols":["A"]}""")]
    [InlineData("""{"type":"record","name":"R","fields":[]}""", """{"type":"record","name":"S","fields":[]}""")]
    [InlineData("\"string\"", """["int","long"]""")]
    [InlineData("""{"type":"record","name":"R","fields":[]}""", """{"type":"record","name":"R","fields":[{"name":"x","type":"int"}]}""")]
    public void Resolve_Incompatible_Throws(string writer, string reader)
        => Assert.Throws<AvroException>(() => new GenericDatumReader(AvroSchema.Parse(writer), AvroSchema.Parse(reader)));

    [Fact]
    public void Read_ReaderFieldMissingFromWriter_UsesDefault()
    {
        var w = (RecordSchema)AvroSchema.Parse("""{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}""");
        var r = AvroSchema.Parse("""{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":{"type":"array","items":"string"},"default":["x"]},{"name":"c","type":["null","int"],"default":null}]}""");
        var rec = new GenericRecord(w) { ["a"] = 5 };
        var first = (GenericRecord)new GenericDatumReader(w, r).Read(GenericDatumWriter.For(w).Serialize(rec))!;
        Assert.Equal(5, first["a"]);
        Assert.Equal(new List<object?> { "x" }, first["b"]);
        Assert.Null(first["c"]);
        ((List<object?>)first["b"]!).Add("mutated");
        var second = (GenericRecord)new GenericDatumReader(w, r).Read(GenericDatumWriter.For(w).Serialize(rec))!;
        Assert.Single((List<object?>)second["b"]!);
    }

    [Fact]
    public void Read_WriterFieldMissingFromReader_IsSkipped()
    {
        var w = (RecordSchema)AvroSchema.Parse("""
            {"type":"record","name":"R","fields":[{"name":"gone","type":{"type":"record","name":"G","fields":[
              {"name":"m","type":{"type":"map","values":{"type":"array","items":"string"}}},{"name":"u","type":["null","double"]},
              {"name":"f","type":{"type":"fixed","name":"F","size":3}},{"name":"e","type":{"type":"enum","name":"E","symbols":["A","B"]}},
              {"name":"bo","type":"boolean"},{"name":"fl","type":"float"},{"name":"by","type":"bytes"}]}},{"name":"keep","type":"string"}]}
            """);
        var r = AvroSchema.Parse("""{"type":"record","name":"R","fields":[{"name":"keep","type":"string"}]}""");
        var rec = (GenericRecord)SampleData.Generate(w, new Random(3), 0)!;
        var back = (GenericRecord)new GenericDatumReader(w, r).Read(GenericDatumWriter.For(w).Serialize(rec))!;
        Assert.Equal(rec["keep"], back["keep"]);
    }

    [Fact]
    public void Read_FieldAndRecordAliases_MatchRenamedWriter()
    {
        var w = (RecordSchema)AvroSchema.Parse("""{"type":"record","name":"Old","namespace":"n","fields":[{"name":"before","type":"int"}]}""");
        var r = AvroSchema.Parse("""{"type":"record","name":"New","namespace":"m","aliases":["n.Old"],"fields":[{"name":"after","type":"long","aliases":["before"]}]}""");
        var back = (GenericRecord)new GenericDatumReader(w, r).Read(GenericDatumWriter.For(w).Serialize(new GenericRecord(w) { ["before"] = 9 }))!;
        Assert.Equal(9L, back["after"]);
    }

    [Fact]
    public void Read_RecordsInDifferentNamespaces_MatchByUnqualifiedName()
        => Assert.NotNull(new GenericDatumReader(AvroSchema.Parse("""{"type":"record","name":"a.R","fields":[]}"""), AvroSchema.Parse("""{"type":"record","name":"b.R","fields":[]}""")));

    [Fact]
    public void Read_EnumSymbolMissing_UsesReaderDefaultOrFails()
    {
        const string writer = """{"type":"enum","name":"E","symbols":["A","B","C"]}""";
        Assert.Equal("Z", ((GenericEnum)Resolve(writer, """{"type":"enum","name":"E","symbols":["Z","A"],"default":"Z"}""", "C")!).Symbol);
        Assert.Equal("A", ((GenericEnum)Resolve(writer, """{"type":"enum","name":"E","symbols":["Z","A"],"default":"Z"}""", "A")!).Symbol);
        Assert.Equal("B", ((GenericEnum)Resolve(writer, """{"type":"enum","name":"E","symbols":["B","A"]}""", "B")!).Symbol);
        Assert.Throws<AvroException>(() => Resolve(writer, """{"type":"enum","name":"E","symbols":["A","B"]}""", "C"));
    }

    [Fact]
    public void Read_WriterUnionReaderUnion_PicksFirstMatchingReaderBranch()
    {
        Assert.Equal(3L, Resolve("""["null","int"]""", """["string","long","null"]""", 3));
        Assert.Null(Resolve("""["null","int"]""", """["string","long","null"]""", null));
        Assert.Equal(2.0, Resolve("""["int","string"]""", """["double","string"]""", 2));
    }

    [Fact]
    public void Read_ReaderUnionWriterNot_PrefersExactBranchOverPromotion()
    {
        Assert.Equal(4L, Resolve("\"long\"", """["null","double","long"]""", 4L));
        Assert.Equal(4.0, Resolve("\"int\"", """["null","double","string"]""", 4));
        Assert.Throws<AvroException>(() => new GenericDatumReader(AvroSchema.Parse("\"boolean\""), AvroSchema.Parse("""["null","int"]""")));
    }

    [Fact]
    public void Read_WriterUnionReaderNot_FailsOnlyForUnmatchedBranchData()
    {
        Assert.Equal(7L, Resolve("""["int","string"]""", "\"long\"", 7));
        Assert.Throws<AvroException>(() => Resolve("""["int","string"]""", "\"long\"", "text"));
    }

    [Fact]
    public void Read_LogicalReaderOverPromotion_ConvertsToNativeType()
        => Assert.Equal(new DateTime(1970, 1, 1, 0, 0, 1, DateTimeKind.Utc), Resolve("\"int\"", """{"type":"long","logicalType":"timestamp-millis"}""", 1000));

    [Fact]
    public void Read_ArraysAndMaps_ResolveElements()
    {
        Assert.Equal(new List<object?> { 1L, 2L }, Resolve("""{"type":"array","items":"int"}""", """{"type":"array","items":"long"}""", new List<object?> { 1, 2 }));
        var map = (Dictionary<string, object?>)Resolve("""{"type":"map","values":"float"}""", """{"type":"map","values":"double"}""", new Dictionary<string, object?> { ["k"] = 0.5f })!;
        Assert.Equal(0.5, map["k"]);
    }

    [Fact]
    public void Read_RecursiveRecordEvolution_Resolves()
    {
        var w = (RecordSchema)AvroSchema.Parse(SchemaParserTests.Reference("interop.avsc"));
        var r = AvroSchema.Parse(SchemaParserTests.Reference("interop.avsc").Replace("\"name\": \"label\", \"type\": \"string\"}", "\"name\": \"label\", \"type\": \"bytes\"}", StringComparison.Ordinal));
        var rec = SampleData.Interop(w, 4);
        var back = (GenericRecord)new GenericDatumReader(w, r).Read(GenericDatumWriter.For(w).Serialize(rec))!;
        Assert.IsType<byte[]>(((GenericRecord)back["recordField"]!)["label"]);
    }
}
