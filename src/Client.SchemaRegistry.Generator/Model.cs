using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Samsa.SchemaRegistry.Generator;

/// <summary>How a C# member type maps to Avro.</summary>
internal enum AvroKind
{
    Boolean,
    Int,
    Long,
    Float,
    Double,
    String,
    Bytes,
    Uuid,
    DateTime,
    DateTimeOffset,
    Date,
    Time,
    Decimal,
    Enum,
    Record,
    Array,
    Map,
    Nullable,
}

/// <summary>The C# collection a generated reader builds for an Avro array.</summary>
internal enum CollectionShape
{
    List,
    Array,
}

/// <summary>One mapped type. Built from symbols during one transform, never cached across runs.</summary>
internal sealed class TypeModel
{
    public TypeModel(AvroKind kind, string csharpType)
    {
        Kind = kind;
        CSharpType = csharpType;
    }

    public AvroKind Kind { get; }

    /// <summary>Fully qualified C# type, with nullable annotations.</summary>
    public string CSharpType { get; }

    public bool Millis { get; set; }

    public int Precision { get; set; }

    public int Scale { get; set; }

    /// <summary>Array item, map value or nullable inner type.</summary>
    public TypeModel? Element { get; set; }

    public CollectionShape Shape { get; set; }

    /// <summary>Enum symbols with their C# member expressions.</summary>
    public List<KeyValuePair<string, string>> EnumMembers { get; } = new();

    /// <summary>Named types: Avro name and namespace (null for none).</summary>
    public string? AvroName { get; set; }

    public string? AvroNamespace { get; set; }

    public string? Doc { get; set; }

    /// <summary>Records: the fields, in order (filled after registration, so recursive types work).</summary>
    public List<FieldModel> Fields { get; } = new();

    public bool IsReferenceType => Kind is AvroKind.String or AvroKind.Bytes or AvroKind.Record or AvroKind.Array or AvroKind.Map;

    public string FullAvroName => string.IsNullOrEmpty(AvroNamespace) ? AvroName! : AvroNamespace + "." + AvroName;
}

/// <summary>One member of a record type.</summary>
internal sealed class FieldModel
{
    public FieldModel(string memberName, string avroName, TypeModel type, string? doc)
    {
        MemberName = memberName;
        AvroName = avroName;
        Type = type;
        Doc = doc;
    }

    public string MemberName { get; }

    public string AvroName { get; }

    public TypeModel Type { get; }

    public string? Doc { get; }
}

/// <summary>A diagnostic without symbols or syntax, so generator results compare by value.</summary>
internal sealed class DiagnosticInfo : System.IEquatable<DiagnosticInfo>
{
    public DiagnosticInfo(DiagnosticDescriptor descriptor, Location? location, params string[] args)
    {
        Descriptor = descriptor;
        Args = args;
        if (location is not null && location.IsInSource)
        {
            FilePath = location.SourceTree!.FilePath;
            Span = location.SourceSpan;
            LineSpan = location.GetLineSpan().Span;
        }
    }

    public DiagnosticDescriptor Descriptor { get; }

    public string[] Args { get; }

    public string? FilePath { get; }

    public TextSpan Span { get; }

    public LinePositionSpan LineSpan { get; }

    public Diagnostic ToDiagnostic()
        => Diagnostic.Create(Descriptor, FilePath is null ? Location.None : Location.Create(FilePath, Span, LineSpan), Args);

    public bool Equals(DiagnosticInfo? other)
        => other is not null && other.Descriptor.Id == Descriptor.Id && other.FilePath == FilePath && other.Span == Span
           && System.Linq.Enumerable.SequenceEqual(other.Args, Args);

    public override bool Equals(object? obj) => Equals(obj as DiagnosticInfo);

    public override int GetHashCode() => (Descriptor.Id.GetHashCode() * 31) + Span.GetHashCode();
}

/// <summary>What the transform produces per type: the source (null on error) and diagnostics.</summary>
internal sealed class GenerationResult : System.IEquatable<GenerationResult>
{
    public GenerationResult(string hintName, string? source, List<DiagnosticInfo> diagnostics)
    {
        HintName = hintName;
        Source = source;
        Diagnostics = diagnostics;
    }

    public string HintName { get; }

    public string? Source { get; }

    public List<DiagnosticInfo> Diagnostics { get; }

    public bool Equals(GenerationResult? other)
        => other is not null && other.HintName == HintName && other.Source == Source
           && System.Linq.Enumerable.SequenceEqual(other.Diagnostics, Diagnostics);

    public override bool Equals(object? obj) => Equals(obj as GenerationResult);

    public override int GetHashCode() => HintName.GetHashCode();
}

internal static class Descriptors
{
    private const string Category = "Samsa.Avro";

    public static readonly DiagnosticDescriptor UnsupportedType = new(
        "SAMSA1001",
        "Member type has no Avro mapping",
        "Member '{0}' of '{1}' has type '{2}', which has no Avro mapping; use a supported type (bool, int, long, float, double, string, byte[], Guid, DateTime, DateTimeOffset, DateOnly, TimeOnly, decimal, an enum, an [AvroRecord] type, T[], List<T>, IList<T>, IReadOnlyList<T>, Dictionary<string, T>, IDictionary<string, T>, IReadOnlyDictionary<string, T>, or a nullable of these) or mark it [AvroIgnore]",
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor InvalidType = new(
        "SAMSA1002",
        "Invalid [AvroRecord] type",
        "[AvroRecord] type '{0}' must be a partial, non-nested, non-generic, non-abstract class or record class",
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor NoConstructor = new(
        "SAMSA1003",
        "No usable constructor",
        "[AvroRecord] type '{0}' needs a parameterless constructor or one whose parameters all match Avro members by name and type",
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor InvalidDecimal = new(
        "SAMSA1004",
        "Invalid decimal precision or scale",
        "Member '{0}' of '{1}' has decimal precision {2} and scale {3}; precision must be at least 1 and scale between 0 and the precision",
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);
}
