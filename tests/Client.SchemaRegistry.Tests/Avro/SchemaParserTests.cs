using Samsa.SchemaRegistry.Avro;

namespace Samsa.SchemaRegistry.Tests.Avro;

public class SchemaParserTests
{
    internal static string Reference(string file)
    {
        var dir = AppContext.BaseDirectory;
        while (dir is not null && !Directory.Exists(Path.Combine(dir, "..", "shared", "reference", "avro")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        return dir is null
            ? throw new FileNotFoundException("shared/reference/avro not found above " + AppContext.BaseDirectory)
            : File.ReadAllText(Path.Combine(dir, "..", "shared", "reference", "avro", file));
    }

    [Fact]
    public void Parse_NestedNamespaces_ResolvesFullNames()
    {
        var s = (RecordSchema)AvroSchema.Parse("""
            {"type":"record","name":"Outer","namespace":"a.b","fields":[
              {"name":"x","type":{"type":"enum","name":"E","symbols":["P","Q"]}},
              {"name":"y","type":{"type":"fixed","name":"c.d.F","size":2}},
              {"name":"z","type":{"type":"record","name":"In","namespace":"","fields":[{"name":"v","type":"int"}]}},
              {"name":"w","type":"E"},
              {"name":"u","type":"c.d.F"}]}
            """);
        Assert.Equal("a.b.Outer", s.FullName);
        Assert.Equal("a.b.E", ((EnumSchema)s.Fields[0].Schema).FullName);
        Assert.Equal("c.d.F", ((FixedSchema)s.Fields[1].Schema).FullName);
        Assert.Equal("In", ((RecordSchema)s.Fields[2].Schema).FullName);
        Assert.Same(s.Fields[0].Schema, s.Fields[3].Schema);
        Assert.Same(s.Fields[1].Schema, s.Fields[4].Schema);
    }

    [Fact]
    public void Parse_RecursiveRecord_ReferencesItself()
    {
        var s = (RecordSchema)AvroSchema.Parse(SchemaParserTests.Reference("interop.avsc"));
        var node = (RecordSchema)s.Fields[13].Schema;
        Assert.Same(node, ((ArraySchema)node.Fields[1].Schema).Items);
    }

    [Theory]
    [InlineData("interop.avsc")]
    [InlineData("weather.avsc")]
    [InlineData("fooBar.avsc")]
    [InlineData("FooBarSpecificRecord.avsc")]
    [InlineData("RecordWithRequiredFields.avsc")]
    [InlineData("reserved.avsc")]
    public void ToString_ReferenceSchemas_ReparsesToSameCanonicalForm(string file)
    {
        var s = AvroSchema.Parse(Reference(file));
        var again = AvroSchema.Parse(s.ToString());
        Assert.Equal(s.ToCanonicalForm(), again.ToCanonicalForm());
        Assert.Equal(s.ToString(), again.ToString());
    }

    [Fact]
    public void Parse_Aliases_AreQualifiedByNamespace()
    {
        var s = (RecordSchema)AvroSchema.Parse("""{"type":"record","name":"R","namespace":"n","aliases":["Old","x.Other"],"fields":[{"name":"f","type":"int","aliases":["g"]}]}""");
        Assert.Equal(["n.Old", "x.Other"], s.Aliases);
        Assert.Equal(["g"], s.Fields[0].Aliases);
    }

    [Theory]
    [InlineData("""{"type":"record","name":"R","fields":[{"name":"a","type":"int","default":"x"}]}""")]
    [InlineData("""{"type":"record","name":"R","fields":[{"name":"a","type":["null","int"],"default":1}]}""")]
    [InlineData("""{"type":"record","name":"R","fields":[{"name":"a","type":"int","default":2147483648}]}""")]
    [InlineData("""{"type":"record","name":"R","fields":[{"name":"a","type":{"type":"fixed","name":"F","size":2},"default":"abc"}]}""")]
    [InlineData("""{"type":"record","name":"R","fields":[{"name":"a","type":{"type":"enum","name":"E","symbols":["A"]},"default":"B"}]}""")]
    [InlineData("""{"type":"record","name":"R","fields":[{"name":"a","type":{"type":"array","items":"int"},"default":[1,"2"]}]}""")]
    [InlineData("""{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"a","type":"int"}]}""")]
    [InlineData("""{"type":"enum","name":"E","symbols":["A","A"]}""")]
    [InlineData("""{"type":"enum","name":"E","symbols":["A"],"default":"Z"}""")]
    [InlineData("""{"type":"record","name":"1R","fields":[]}""")]
    [InlineData("""["int","int"]""")]
    [InlineData("""["int",["long"]]""")]
    [InlineData("\"Unknown\"")]
    [InlineData("""{"type":"fixed","name":"F"}""")]
    [InlineData("""{"type":"record","name":"int","fields":[]}""")]
    [InlineData("""[{"type":"enum","name":"E","symbols":["A"]},{"type":"enum","name":"E","symbols":["B"]}]""")]
    [InlineData("{not json")]
    public void Parse_InvalidSchema_Throws(string json) => Assert.Throws<AvroSchemaException>(() => AvroSchema.Parse(json));

    [Fact]
    public void Parse_ValidDefaults_AreConverted()
    {
        var s = (RecordSchema)AvroSchema.Parse("""
            {"type":"record","name":"R","fields":[
              {"name":"a","type":["null","string"],"default":null},
              {"name":"b","type":["string","null"],"default":"hi"},
              {"name":"c","type":"bytes","default":"\u00ff\u0001"},
              {"name":"d","type":{"type":"map","values":"long"},"default":{"k":5}},
              {"name":"e","type":{"type":"int","logicalType":"date"},"default":1},
              {"name":"f","type":"double","default":1}]}
            """);
        Assert.Null(s.Fields[0].DefaultValue);
        Assert.True(s.Fields[0].HasDefault);
        Assert.Equal("hi", s.Fields[1].DefaultValue);
        Assert.Equal(new byte[] { 0xff, 1 }, s.Fields[2].DefaultValue);
        Assert.Equal(5L, ((IDictionary<string, object?>)s.Fields[3].DefaultValue!)["k"]);
        Assert.Equal(new DateOnly(1970, 1, 2), s.Fields[4].DefaultValue);
        Assert.Equal(1.0, s.Fields[5].DefaultValue);
    }

    [Theory]
    [InlineData("""{"type":"bytes","logicalType":"decimal","precision":4,"scale":2}""", AvroLogicalType.Decimal)]
    [InlineData("""{"type":"fixed","name":"D","size":4,"logicalType":"decimal","precision":9}""", AvroLogicalType.Decimal)]
    [InlineData("""{"type":"fixed","name":"D","size":4,"logicalType":"decimal","precision":10}""", AvroLogicalType.None)]
    [InlineData("""{"type":"bytes","logicalType":"decimal","precision":2,"scale":3}""", AvroLogicalType.None)]
    [InlineData("""{"type":"bytes","logicalType":"decimal"}""", AvroLogicalType.None)]
    [InlineData("""{"type":"string","logicalType":"uuid"}""", AvroLogicalType.Uuid)]
    [InlineData("""{"type":"fixed","name":"U","size":16,"logicalType":"uuid"}""", AvroLogicalType.Uuid)]
    [InlineData("""{"type":"int","logicalType":"date"}""", AvroLogicalType.Date)]
    [InlineData("""{"type":"long","logicalType":"date"}""", AvroLogicalType.None)]
    [InlineData("""{"type":"int","logicalType":"time-millis"}""", AvroLogicalType.TimeMillis)]
    [InlineData("""{"type":"long","logicalType":"time-micros"}""", AvroLogicalType.TimeMicros)]
    [InlineData("""{"type":"long","logicalType":"timestamp-millis"}""", AvroLogicalType.TimestampMillis)]
    [InlineData("""{"type":"long","logicalType":"timestamp-micros"}""", AvroLogicalType.TimestampMicros)]
    [InlineData("""{"type":"long","logicalType":"local-timestamp-millis"}""", AvroLogicalType.LocalTimestampMillis)]
    [InlineData("""{"type":"long","logicalType":"local-timestamp-micros"}""", AvroLogicalType.LocalTimestampMicros)]
    [InlineData("""{"type":"fixed","name":"Du","size":12,"logicalType":"duration"}""", AvroLogicalType.Duration)]
    [InlineData("""{"type":"fixed","name":"Du","size":8,"logicalType":"duration"}""", AvroLogicalType.None)]
    [InlineData("""{"type":"string","logicalType":"made-up"}""", AvroLogicalType.None)]
    public void Parse_LogicalTypes_RecognisedOnlyWhenValid(string json, AvroLogicalType expected)
    {
        var s = AvroSchema.Parse(json);
        Assert.Equal(expected, s.LogicalType);
        Assert.Equal(s.ToString(), AvroSchema.Parse(s.ToString()).ToString());
    }

    [Fact]
    public void Parse_WithNamedTypes_ResolvesReferences()
    {
        var dep = AvroSchema.Parse("""{"type":"record","name":"Addr","namespace":"x","fields":[{"name":"s","type":"string"}]}""");
        var s = (RecordSchema)AvroSchema.Parse("""{"type":"record","name":"P","namespace":"x","fields":[{"name":"a","type":"Addr"}]}""", [dep]);
        Assert.Same(dep, s.Fields[0].Schema);
    }
}
