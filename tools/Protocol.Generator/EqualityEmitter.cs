namespace Samsa.Protocol.Generator;

/// <summary>Emits value equality, so that messages compare by content (round-trip tests, default checks).</summary>
internal static class EqualityEmitter
{
    public static void Emit(CodeWriter w, StructModel s)
    {
        w.Line("/// <inheritdoc />");
        w.Open("public override bool Equals(object? obj)");
        w.Line($"if (obj is not {s.ClassName} other) return false;");
        w.Line("if (ReferenceEquals(this, other)) return true;");
        foreach (var f in s.Fields)
            w.Line($"if (!({Compare(f)})) return false;");
        w.Line("return MessageEquality.TaggedEqual(UnknownTaggedFields, other.UnknownTaggedFields);");
        w.Close();
        w.Line();
        w.Line("/// <inheritdoc />");
        w.Open("public override int GetHashCode()");
        w.Line("var hash = new HashCode();");
        foreach (var f in s.Fields.Where(f => f.Kind is not (Kind.Array or Kind.Struct or Kind.Bytes or Kind.Records)))
            w.Line($"hash.Add({f.Prop});");
        foreach (var f in s.Fields.Where(f => f.Kind is Kind.Array))
            w.Line($"hash.Add({f.Prop}?.Count ?? -1);");
        w.Line("return hash.ToHashCode();");
        w.Close();
    }

    private static string Compare(FieldModel f)
    {
        var a = f.Prop;
        var b = "other." + f.Prop;
        return f.Kind switch
        {
            Kind.Float64 => $"{a}.Equals({b})",
            Kind.String => $"string.Equals({a}, {b}, StringComparison.Ordinal)",
            Kind.Bytes => $"MessageEquality.BytesEqual({a}, {b})",
            Kind.Records => $"MessageEquality.RecordsEqual({a}, {b})",
            Kind.Array => $"MessageEquality.ListEqual({a}, {b})",
            Kind.Struct => $"Equals({a}, {b})",
            _ => $"{a} == {b}",
        };
    }
}
