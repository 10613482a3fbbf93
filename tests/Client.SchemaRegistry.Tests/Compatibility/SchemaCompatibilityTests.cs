using Samsa.SchemaRegistry.Avro;
using Samsa.SchemaRegistry.Compatibility;

namespace Samsa.SchemaRegistry.Tests.Compatibility;

public class SchemaCompatibilityTests
{
    private const string V1 = """{"type":"record","name":"User","fields":[{"name":"id","type":"int"},{"name":"name","type":"string"}]}""";
    private const string AddOptional = """{"type":"record","name":"User","fields":[{"name":"id","type":"int"},{"name":"name","type":"string"},{"name":"email","type":["null","string"],"default":null}]}""";
    private const string AddRequired = """{"type":"record","name":"User","fields":[{"name":"id","type":"int"},{"name":"name","type":"string"},{"name":"age","type":"int"}]}""";
    private const string RemoveName = """{"type":"record","name":"User","fields":[{"name":"id","type":"int"}]}""";
    private const string WidenId = """{"type":"record","name":"User","fields":[{"name":"id","type":"long"},{"name":"name","type":"string"}]}""";

    private static IReadOnlyList<SchemaIncompatibility> Check(string reader, string writer)
        => SchemaCompatibility.CheckReaderWriter(AvroSchema.Parse(reader), AvroSchema.Parse(writer));

    [Theory]
    [InlineData(CompatibilityLevel.Backward, AddOptional, true)]
    [InlineData(CompatibilityLevel.Backward, AddRequired, false)]
    [InlineData(CompatibilityLevel.Backward, RemoveName, true)]
    [InlineData(CompatibilityLevel.Backward, WidenId, true)]
    [InlineData(CompatibilityLevel.Forward, AddOptional, true)]
    [InlineData(CompatibilityLevel.Forward, AddRequired, true)]
    [InlineData(CompatibilityLevel.Forward, RemoveName, false)]
    [InlineData(CompatibilityLevel.Forward, WidenId, false)]
    [InlineData(CompatibilityLevel.Full, AddOptional, true)]
    [InlineData(CompatibilityLevel.Full, AddRequired, false)]
    [InlineData(CompatibilityLevel.Full, RemoveName, false)]
    [InlineData(CompatibilityLevel.None, AddRequired, true)]
    [InlineData(CompatibilityLevel.None, """{"type":"string"}""", true)]
    public void IsCompatible_LatestOnly_AcceptsAndRefuses(CompatibilityLevel level, string candidate, bool expected)
        => Assert.Equal(expected, SchemaCompatibility.IsCompatible(level, AvroSchema.Parse(candidate), [AvroSchema.Parse(V1)]));

    [Fact]
    public void Check_TransitiveLevels_LookAtEveryVersion()
    {
        // v1 {id}, v2 {id, age default 1}, v3 {id, age no default}: v3 reads v2 but not v1.
        var v1 = AvroSchema.Parse(RemoveName);
        var v2 = AvroSchema.Parse("""{"type":"record","name":"User","fields":[{"name":"id","type":"int"},{"name":"age","type":"int","default":1}]}""");
        var v3 = AvroSchema.Parse("""{"type":"record","name":"User","fields":[{"name":"id","type":"int"},{"name":"age","type":"int"}]}""");
        Assert.True(SchemaCompatibility.IsCompatible(CompatibilityLevel.Backward, v3, [v1, v2]));
        var issues = SchemaCompatibility.Check(CompatibilityLevel.BackwardTransitive, v3, [v1, v2]);
        var issue = Assert.Single(issues);
        Assert.Equal("READER_FIELD_MISSING_DEFAULT_VALUE", issue.TypeName);
        Assert.Equal("/fields/1", issue.Path);

        // Forward transitive: v1 (reader) cannot read v3? It can (drops age). v2-as-reader of a candidate without age uses the default.
        var noAge = AvroSchema.Parse("""{"type":"record","name":"User","fields":[{"name":"id","type":"int"}]}""");
        Assert.True(SchemaCompatibility.IsCompatible(CompatibilityLevel.ForwardTransitive, noAge, [v1, v2]));
        Assert.False(SchemaCompatibility.IsCompatible(CompatibilityLevel.ForwardTransitive, noAge, [v3, v2]));
        Assert.True(SchemaCompatibility.IsCompatible(CompatibilityLevel.Forward, noAge, [v3, v2]));
        Assert.False(SchemaCompatibility.IsCompatible(CompatibilityLevel.FullTransitive, v3, [v1, v2]));
        Assert.True(SchemaCompatibility.IsCompatible(CompatibilityLevel.Full, v2, [v1]));
    }

    [Fact]
    public void CheckReaderWriter_TypeChange_ReportsTypeMismatchWithPath()
    {
        var issue = Assert.Single(Check(V1, """{"type":"record","name":"User","fields":[{"name":"id","type":"int"},{"name":"name","type":"boolean"}]}"""));
        Assert.Equal(IncompatibilityType.TypeMismatch, issue.Type);
        Assert.Equal("/fields/1/type", issue.Path);
    }

    [Fact]
    public void CheckReaderWriter_EnumSymbols_NeedDefaultWhenWriterHasMore()
    {
        const string reader = """{"type":"enum","name":"E","symbols":["A","B"]}""";
        const string writer = """{"type":"enum","name":"E","symbols":["A","B","C"]}""";
        var issue = Assert.Single(Check(reader, writer));
        Assert.Equal(("MISSING_ENUM_SYMBOLS", "/symbols"), (issue.TypeName, issue.Path));
        Assert.Empty(Check("""{"type":"enum","name":"E","symbols":["A","B"],"default":"A"}""", writer));
        Assert.Empty(Check(writer, reader));
    }

    [Fact]
    public void CheckReaderWriter_NamesAndFixedSizes_AreReported()
    {
        Assert.Equal("NAME_MISMATCH", Assert.Single(Check("""{"type":"record","name":"A","fields":[]}""", """{"type":"record","name":"B","fields":[]}""")).TypeName);
        Assert.Empty(Check("""{"type":"record","name":"A","aliases":["B"],"fields":[]}""", """{"type":"record","name":"B","fields":[]}"""));
        var size = Assert.Single(Check("""{"type":"fixed","name":"F","size":4}""", """{"type":"fixed","name":"F","size":8}"""));
        Assert.Equal(("FIXED_SIZE_MISMATCH", "/size"), (size.TypeName, size.Path));
    }

    [Fact]
    public void CheckReaderWriter_Unions_ReportMissingBranches()
    {
        var issue = Assert.Single(Check("""["null","int"]""", """["null","int","string"]"""));
        Assert.Equal(("MISSING_UNION_BRANCH", "/2"), (issue.TypeName, issue.Path));
        Assert.Empty(Check("""["null","long","string"]""", """["null","int"]"""));
        Assert.Equal("MISSING_UNION_BRANCH", Assert.Single(Check("""["null","int"]""", "\"string\"")).TypeName);
        Assert.Empty(Check("""["null","string"]""", "\"string\""));
        var branch = Assert.Single(Check("\"int\"", """["int","string"]"""));
        Assert.Equal(("TYPE_MISMATCH", "/1"), (branch.TypeName, branch.Path));
    }

    [Fact]
    public void CheckReaderWriter_NestedCollections_ReportDeepPaths()
    {
        const string reader = """{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"m","type":{"type":"map","values":{"type":"array","items":"int"}}}]}""";
        const string writer = """{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"m","type":{"type":"map","values":{"type":"array","items":"long"}}}]}""";
        Assert.Equal("/fields/1/type/values/items", Assert.Single(Check(reader, writer)).Path);
        Assert.Empty(Check(writer, reader));
    }

    [Fact]
    public void CheckReaderWriter_RecursiveSchema_Terminates()
    {
        var s = SchemaParserTestsAccess.Interop();
        Assert.Empty(SchemaCompatibility.CheckReaderWriter(s, s));
    }

    [Fact]
    public void RegistryNames_RoundTrip()
    {
        foreach (var level in Enum.GetValues<CompatibilityLevel>())
        {
            Assert.Equal(level, SchemaCompatibility.ParseRegistryName(SchemaCompatibility.ToRegistryName(level)));
        }
    }

    private static class SchemaParserTestsAccess
    {
        public static AvroSchema Interop() => AvroSchema.Parse(Tests.Avro.SchemaParserTests.Reference("interop.avsc"));
    }
}
