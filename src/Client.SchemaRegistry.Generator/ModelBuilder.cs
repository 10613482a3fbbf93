using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Samsa.SchemaRegistry.Generator;

/// <summary>Maps an [AvroRecord] type and everything it references from symbols to <see cref="TypeModel"/>s.</summary>
internal sealed class ModelBuilder
{
    public const string AttributeNamespace = "Samsa.SchemaRegistry.Avro.Specific";
    public const string RecordAttribute = AttributeNamespace + ".AvroRecordAttribute";
    private const string FieldAttribute = AttributeNamespace + ".AvroFieldAttribute";
    private const string IgnoreAttribute = AttributeNamespace + ".AvroIgnoreAttribute";
    private const string DecimalAttribute = AttributeNamespace + ".AvroDecimalAttribute";

    private static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.FullyQualifiedFormat
        .WithMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier | SymbolDisplayMiscellaneousOptions.UseSpecialTypes);

    private readonly Dictionary<ITypeSymbol, TypeModel> _records = new(SymbolEqualityComparer.Default);
    private readonly INamedTypeSymbol _root;

    public ModelBuilder(INamedTypeSymbol root) => _root = root;

    public List<DiagnosticInfo> Diagnostics { get; } = new();

    public static string TypeName(ITypeSymbol type) => type.ToDisplayString(TypeFormat);

    /// <summary>The record model of <paramref name="type"/>; reports member problems only for the root type.</summary>
    public TypeModel BuildRecord(INamedTypeSymbol type)
    {
        var key = type.WithNullableAnnotation(NullableAnnotation.NotAnnotated);
        if (_records.TryGetValue(key, out var existing))
        {
            return existing;
        }

        var attr = Attribute(type, RecordAttribute);
        var model = new TypeModel(AvroKind.Record, TypeName(key))
        {
            AvroName = Named(attr, "Name") ?? type.Name,
            AvroNamespace = Named(attr, "Namespace") ?? Namespace(type),
            Doc = Named(attr, "Doc"),
        };
        _records[key] = model;
        var report = SymbolEqualityComparer.Default.Equals(type, _root);
        foreach (var member in Members(type))
        {
            var memberType = member is IPropertySymbol p ? p.Type : ((IFieldSymbol)member).Type;
            var fieldAttr = Attribute(member, FieldAttribute) ?? ParameterAttribute(type, member.Name, FieldAttribute);
            var decimalAttr = Attribute(member, DecimalAttribute) ?? ParameterAttribute(type, member.Name, DecimalAttribute);
            var mapped = Map(memberType, fieldAttr, decimalAttr);
            if (mapped is null)
            {
                if (report)
                {
                    Diagnostics.Add(new DiagnosticInfo(Descriptors.UnsupportedType, member.Locations.FirstOrDefault(), member.Name, type.Name, memberType.ToDisplayString()));
                }

                continue;
            }

            if (report && decimalAttr is not null && !ValidDecimal(mapped))
            {
                var args = decimalAttr.ConstructorArguments;
                Diagnostics.Add(new DiagnosticInfo(Descriptors.InvalidDecimal, member.Locations.FirstOrDefault(), member.Name, type.Name, args[0].Value?.ToString() ?? "?", args[1].Value?.ToString() ?? "?"));
            }

            model.Fields.Add(new FieldModel(member.Name, Named(fieldAttr, "Name") ?? member.Name, mapped, Named(fieldAttr, "Doc")));
        }

        return model;
    }

    /// <summary>Settable public instance properties and fields, not [AvroIgnore]d, in declaration order.</summary>
    public static List<ISymbol> Members(INamedTypeSymbol type)
    {
        var members = type.GetMembers().Where(m => m.DeclaredAccessibility == Accessibility.Public && !m.IsStatic && !m.IsImplicitlyDeclared
            && Attribute(m, IgnoreAttribute) is null
            && m switch
            {
                IPropertySymbol p => !p.IsIndexer && p.GetMethod is not null && p.SetMethod is not null,
                IFieldSymbol f => !f.IsConst && !f.IsReadOnly,
                _ => false,
            }).ToList();
        return members.Select((m, i) => (m, i))
            .OrderBy(x => x.m.Locations.FirstOrDefault()?.SourceTree?.FilePath ?? string.Empty, System.StringComparer.Ordinal)
            .ThenBy(x => x.m.Locations.FirstOrDefault() is { IsInSource: true } l ? l.SourceSpan.Start : x.i)
            .Select(x => x.m)
            .ToList();
    }

    private TypeModel? Map(ITypeSymbol t, AttributeData? fieldAttr, AttributeData? decimalAttr)
    {
        if (t is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullableValue)
        {
            var inner = Map(nullableValue.TypeArguments[0], fieldAttr, decimalAttr);
            return inner is null ? null : new TypeModel(AvroKind.Nullable, TypeName(t)) { Element = inner };
        }

        if (t.IsReferenceType && t.NullableAnnotation == NullableAnnotation.Annotated)
        {
            var inner = Map(t.WithNullableAnnotation(NullableAnnotation.NotAnnotated), fieldAttr, decimalAttr);
            return inner is null ? null : new TypeModel(AvroKind.Nullable, TypeName(t)) { Element = inner };
        }

        var name = TypeName(t);
        var millis = fieldAttr?.NamedArguments.FirstOrDefault(a => a.Key == "TimePrecision").Value.Value is int precision && precision == 1;
        switch (t.SpecialType)
        {
            case SpecialType.System_Boolean:
                return new TypeModel(AvroKind.Boolean, name);
            case SpecialType.System_Int32:
                return new TypeModel(AvroKind.Int, name);
            case SpecialType.System_Int64:
                return new TypeModel(AvroKind.Long, name);
            case SpecialType.System_Single:
                return new TypeModel(AvroKind.Float, name);
            case SpecialType.System_Double:
                return new TypeModel(AvroKind.Double, name);
            case SpecialType.System_String:
                return new TypeModel(AvroKind.String, name);
            case SpecialType.System_DateTime:
                return new TypeModel(AvroKind.DateTime, name) { Millis = millis };
            case SpecialType.System_Decimal:
                var args = decimalAttr?.ConstructorArguments;
                return new TypeModel(AvroKind.Decimal, name)
                {
                    Precision = args is { Length: 2 } ? (int)args.Value[0].Value! : 29,
                    Scale = args is { Length: 2 } ? (int)args.Value[1].Value! : 14,
                };
        }

        if (t is IArrayTypeSymbol array)
        {
            if (array.Rank != 1)
            {
                return null;
            }

            if (array.ElementType.SpecialType == SpecialType.System_Byte)
            {
                return new TypeModel(AvroKind.Bytes, name);
            }

            var item = Map(array.ElementType, fieldAttr, decimalAttr);
            return item is null ? null : new TypeModel(AvroKind.Array, name) { Element = item, Shape = CollectionShape.Array };
        }

        if (t is not INamedTypeSymbol named)
        {
            return null;
        }

        if (named.TypeKind == TypeKind.Enum)
        {
            var model = new TypeModel(AvroKind.Enum, name) { AvroName = named.Name, AvroNamespace = Namespace(named) };
            var seen = new HashSet<object>();
            foreach (var f in named.GetMembers().OfType<IFieldSymbol>().Where(f => f.HasConstantValue))
            {
                if (seen.Add(f.ConstantValue!))
                {
                    model.EnumMembers.Add(new KeyValuePair<string, string>(f.Name, name + "." + f.Name));
                }
            }

            return model.EnumMembers.Count == 0 ? null : model;
        }

        var definition = named.OriginalDefinition.ToDisplayString();
        switch (definition)
        {
            case "System.Guid":
                return new TypeModel(AvroKind.Uuid, name);
            case "System.DateTimeOffset":
                return new TypeModel(AvroKind.DateTimeOffset, name) { Millis = millis };
            case "System.DateOnly":
                return new TypeModel(AvroKind.Date, name);
            case "System.TimeOnly":
                return new TypeModel(AvroKind.Time, name) { Millis = millis };
            case "System.Collections.Generic.List<T>":
            case "System.Collections.Generic.IList<T>":
            case "System.Collections.Generic.IReadOnlyList<T>":
                var item = Map(named.TypeArguments[0], fieldAttr, decimalAttr);
                return item is null ? null : new TypeModel(AvroKind.Array, name) { Element = item, Shape = CollectionShape.List };
            case "System.Collections.Generic.Dictionary<TKey, TValue>":
            case "System.Collections.Generic.IDictionary<TKey, TValue>":
            case "System.Collections.Generic.IReadOnlyDictionary<TKey, TValue>":
                if (named.TypeArguments[0].SpecialType != SpecialType.System_String)
                {
                    return null;
                }

                var value = Map(named.TypeArguments[1], fieldAttr, decimalAttr);
                return value is null ? null : new TypeModel(AvroKind.Map, name) { Element = value };
        }

        return named.TypeKind == TypeKind.Class && Attribute(named, RecordAttribute) is not null ? BuildRecord(named) : null;
    }

    private static bool ValidDecimal(TypeModel m) => m.Kind switch
    {
        AvroKind.Decimal => m.Precision >= 1 && m.Scale >= 0 && m.Scale <= m.Precision,
        AvroKind.Nullable or AvroKind.Array or AvroKind.Map => ValidDecimal(m.Element!),
        _ => true,
    };

    private static string? Namespace(INamedTypeSymbol type)
        => type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() : null;

    public static AttributeData? Attribute(ISymbol symbol, string fullName)
        => symbol.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == fullName);

    private static AttributeData? ParameterAttribute(INamedTypeSymbol type, string name, string fullName)
    {
        // Attributes on a positional record parameter stay on the parameter.
        foreach (var ctor in type.InstanceConstructors)
        {
            foreach (var p in ctor.Parameters)
            {
                if (p.Name == name && Attribute(p, fullName) is { } a)
                {
                    return a;
                }
            }
        }

        return null;
    }

    private static string? Named(AttributeData? attr, string name)
        => attr?.NamedArguments.FirstOrDefault(a => a.Key == name).Value.Value as string;
}
