using System.Text;
using Samsa.SchemaRegistry.Avro;

namespace Samsa.SchemaRegistry.Tests.Avro;

public class CanonicalFormTests
{
    [Theory]
    [InlineData("\"null\"", 7195948357588979594L)]
    [InlineData("{\"type\":\"null\"}", 7195948357588979594L)]
    [InlineData("\"boolean\"", -6970731678124411036L)]
    [InlineData("\"int\"", 8247732601305521295L)]
    [InlineData("\"long\"", -3434872931120570953L)]
    [InlineData("\"float\"", 5583340709985441680L)]
    [InlineData("\"double\"", -8181574048448539266L)]
    [InlineData("\"bytes\"", 5746618253357095269L)]
    [InlineData("\"string\"", -8142146995180207161L)]
    public void Fingerprint64_Primitives_MatchSpecificationVectors(string json, long expected)
        => Assert.Equal(expected, AvroSchema.Parse(json).Fingerprint64());

    [Fact]
    public void Rabin_EmptyInput_IsSeed() => Assert.Equal(unchecked((long)SchemaFingerprint.Empty), SchemaFingerprint.Rabin(ReadOnlySpan<byte>.Empty));

    [Theory]
    [InlineData("""{"type":"int","logicalType":"date"}""", "\"int\"")]
    [InlineData("""{"type":"array","items":{"type":"enum","name":"E","namespace":"n","symbols":["A","B"]}}""", """{"type":"array","items":{"name":"n.E","type":"enum","symbols":["A","B"]}}""")]
    [InlineData("""{"type":"map","values":{"type":"fixed","name":"F","namespace":"n","size":3}}""", """{"type":"map","values":{"name":"n.F","type":"fixed","size":3}}""")]
    [InlineData("""["null",{"type":"string","logicalType":"uuid"}]""", """["null","string"]""")]
    public void ToCanonicalForm_StripsReordersAndQualifies(string json, string expected)
    {
        Assert.Equal(expected, AvroSchema.Parse(json).ToCanonicalForm());
    }

    [Fact]
    public void ToCanonicalForm_Record_MatchesHandWrittenForm()
    {
        var s = AvroSchema.Parse("""
            {"type":"record","name":"R","namespace":"a","doc":"d","aliases":["Q"],
             "fields":[{"name":"e","type":{"type":"enum","name":"E","symbols":["A"]},"doc":"x","default":"A","order":"descending"},
                       {"name":"g","type":"E"},{"name":"h","type":{"type":"long","logicalType":"timestamp-millis"}}],"x":1}
            """);
        Assert.Equal(
            """{"name":"a.R","type":"record","fields":[{"name":"e","type":{"name":"a.E","type":"enum","symbols":["A"]}},{"name":"g","type":"a.E"},{"name":"h","type":"long"}]}""",
            s.ToCanonicalForm());
    }

    [Fact]
    public void Fingerprints_Weather_AgreeAcrossAlgorithms()
    {
        var s = AvroSchema.Parse(SchemaParserTests.Reference("weather.avsc"));
        Assert.Equal("""{"name":"test.Weather","type":"record","fields":[{"name":"station","type":"string"},{"name":"time","type":"long"},{"name":"temp","type":"int"}]}""", s.ToCanonicalForm());
        var bytes = Encoding.UTF8.GetBytes(s.ToCanonicalForm());
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(bytes), SchemaFingerprint.Sha256(s));
        Assert.Equal(System.Security.Cryptography.MD5.HashData(bytes), SchemaFingerprint.Md5(s));
        Assert.Equal(SchemaFingerprint.Rabin(bytes), s.Fingerprint64());
        Assert.NotEqual(AvroSchema.Parse("\"int\"").Fingerprint64(), s.Fingerprint64());
    }
}
