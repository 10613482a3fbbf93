using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Samsa.SchemaRegistry.Avro.Specific;
using Samsa.SchemaRegistry.Generator;

namespace Samsa.SchemaRegistry.Tests.Specific;

/// <summary>Runs the generator in-process over small sources and checks what it reports and emits.</summary>
public class GeneratorDiagnosticsTests
{
    [Fact]
    public void Generate_ValidType_NoDiagnosticsAndCompiles()
    {
        var (diagnostics, output) = Run("""
            using Samsa.SchemaRegistry.Avro.Specific;
            namespace Demo;
            [AvroRecord] public partial record Order(string Id, int Count) { public System.Collections.Generic.List<decimal?> Amounts { get; init; } = new(); }
            """);
        Assert.Empty(diagnostics);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        Assert.Contains(output.SyntaxTrees, t => t.FilePath.EndsWith("Demo.Order.Avro.g.cs", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("public object Thing { get; set; } = new();", "Thing", "object")]
    [InlineData("public uint Count { get; set; }", "Count", "uint")]
    [InlineData("public System.Collections.Generic.Dictionary<int, string> ById { get; set; } = new();", "ById", "System.Collections.Generic.Dictionary<int, string>")]
    [InlineData("public System.Collections.Generic.List<Plain> Items { get; set; } = new();", "Items", "System.Collections.Generic.List<Demo.Plain>")]
    [InlineData("public int[,] Grid { get; set; } = new int[0, 0];", "Grid", "int[*,*]")]
    public void Generate_UnsupportedMemberType_ReportsSamsa1001(string member, string name, string type)
    {
        var (diagnostics, _) = Run($$"""
            using Samsa.SchemaRegistry.Avro.Specific;
            namespace Demo;
            public class Plain { }
            [AvroRecord] public partial class Bad { public int Ok { get; set; } {{member}} }
            """);
        var d = Assert.Single(diagnostics);
        Assert.Equal("SAMSA1001", d.Id);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Contains($"'{name}'", d.GetMessage(), StringComparison.Ordinal);
        Assert.Contains($"'{type}'", d.GetMessage(), StringComparison.Ordinal);
        var line = d.Location.GetLineSpan();
        Assert.Equal("Input.cs", line.Path);
        Assert.Equal(3, line.StartLinePosition.Line);
    }

    [Theory]
    [InlineData("[AvroRecord] public class NotPartial { public int A { get; set; } }")]
    [InlineData("public partial class Outer { [AvroRecord] public partial class Inner { public int A { get; set; } } }")]
    [InlineData("[AvroRecord] public partial class Generic<T> { public int A { get; set; } }")]
    [InlineData("[AvroRecord] public abstract partial class Abstract { public int A { get; set; } }")]
    public void Generate_InvalidTypeShape_ReportsSamsa1002(string source)
    {
        var (diagnostics, _) = Run("using Samsa.SchemaRegistry.Avro.Specific;\nnamespace Demo;\n" + source);
        Assert.Equal("SAMSA1002", Assert.Single(diagnostics).Id);
    }

    [Fact]
    public void Generate_NoUsableConstructor_ReportsSamsa1003()
    {
        var (diagnostics, _) = Run("""
            using Samsa.SchemaRegistry.Avro.Specific;
            namespace Demo;
            [AvroRecord] public partial class NoCtor { public NoCtor(string other) { } public int A { get; set; } }
            """);
        Assert.Equal("SAMSA1003", Assert.Single(diagnostics).Id);
    }

    [Fact]
    public void Generate_InvalidDecimal_ReportsSamsa1004()
    {
        var (diagnostics, _) = Run("""
            using Samsa.SchemaRegistry.Avro.Specific;
            namespace Demo;
            [AvroRecord] public partial class Money { [AvroDecimal(4, 6)] public decimal Amount { get; set; } }
            """);
        Assert.Equal("SAMSA1004", Assert.Single(diagnostics).Id);
    }

    private static (IReadOnlyList<Diagnostic> Diagnostics, Compilation Output) Run(string source)
    {
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Select(p => MetadataReference.CreateFromFile(p))
            .Append(MetadataReference.CreateFromFile(typeof(AvroRecordAttribute).Assembly.Location))
            .ToList();
        var parse = new CSharpParseOptions(LanguageVersion.Preview);
        var compilation = CSharpCompilation.Create(
            "GeneratorTest",
            [CSharpSyntaxTree.ParseText(source, parse, path: "Input.cs")],
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        GeneratorDriver driver = CSharpGeneratorDriver.Create([new AvroRecordGenerator().AsSourceGenerator()], parseOptions: parse);
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        return (diagnostics, output);
    }
}
