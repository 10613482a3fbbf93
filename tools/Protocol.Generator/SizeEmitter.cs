namespace Samsa.Protocol.Generator;

/// <summary>Emits <c>ComputeSize(short)</c>: the exact number of bytes <c>Write</c> will produce.</summary>
internal static class SizeEmitter
{
    public static void Emit(CodeWriter w, MessageSpec msg, StructModel s)
    {
        w.DocRaw("Returns the number of bytes <see cref=\"Write\"/> produces for <paramref name=\"version\"/>.");
        w.Open("public int ComputeSize(short version)");
        w.Line(MessageEmitter.FlexibleLine(msg, s));
        w.Line("int size = 0;");
        foreach (var f in s.Fields.Where(f => !f.IsTagged))
        {
            var cond = f.Present.Condition(s.Context);
            if (cond == "false") continue;
            var fctx = s.Context.Intersect(f.Present);
            if (cond == "true") FieldSize(w, f, fctx, "size");
            else
            {
                w.Open($"if ({cond})");
                FieldSize(w, f, fctx, "size");
                w.Close();
            }
        }
        w.Open("if (flexible)");
        w.Line("int taggedCount = UnknownTaggedFields?.Count ?? 0;");
        w.Line("size += TaggedFields.UnknownSize(UnknownTaggedFields);");
        foreach (var f in MessageEmitter.Tagged(s))
        {
            var cond = f.TaggedPresent.Condition(s.Context);
            if (cond == "false") continue;
            var fctx = s.Context.Intersect(f.TaggedPresent);
            w.Open(cond == "true" ? $"if ({f.NonDefaultExpr()})" : $"if ({MessageEmitter.Paren(cond)} && {f.NonDefaultExpr()})");
            w.Line("taggedCount++;");
            w.Line("int fieldSize = 0;");
            FieldSize(w, f, fctx, "fieldSize");
            w.Line($"size += KafkaSize.UnsignedVarInt({f.Spec.Tag}) + KafkaSize.UnsignedVarInt((uint)fieldSize) + fieldSize;");
            w.Close();
        }
        w.Line("size += KafkaSize.UnsignedVarInt((uint)taggedCount);");
        w.Close();
        w.Line("return size;");
        w.Close();
    }

    public static void FieldSize(CodeWriter w, FieldModel f, Versions ctx, string target)
    {
        var compact = MessageEmitter.Compact(f, ctx);
        var nullable = MessageEmitter.Nullable(f, ctx);
        var p = f.Prop;
        switch (f.Kind)
        {
            case Kind.Array:
                w.Line($"{target} += KafkaSize.ArrayLength({p}?.Count ?? -1, {compact});");
                if (FieldModel.IsFixed(f.ElementKind))
                {
                    w.Line($"if ({p} is not null) {target} += {p}.Count * {FieldModel.FixedSize(f.ElementKind)};");
                }
                else
                {
                    w.Open($"if ({p} is not null)");
                    w.Open($"for (int i = 0; i < {p}.Count; i++)");
                    w.Line(f.ElementKind == Kind.Struct
                        ? $"{target} += {p}[i].ComputeSize(version);"
                        : $"{target} += {Scalar(f.ElementKind, $"{p}[i]", compact)};");
                    w.Close();
                    w.Close();
                }
                break;
            case Kind.Struct:
                if (nullable == "false") w.Line($"{target} += {p}!.ComputeSize(version);");
                else if (nullable == "true") w.Line($"{target} += 1 + ({p}?.ComputeSize(version) ?? 0);");
                else w.Line($"{target} += ({MessageEmitter.Paren(nullable)} ? 1 : 0) + ({p}?.ComputeSize(version) ?? 0);");
                break;
            default:
                w.Line($"{target} += {Scalar(f.Kind, p, compact)};");
                break;
        }
    }

    private static string Scalar(Kind k, string v, string compact) => k switch
    {
        Kind.String => $"KafkaSize.NullableString({v}, {compact})",
        Kind.Bytes => $"KafkaSize.NullableBytes({v}?.Length ?? 0, {v} is null, {compact})",
        Kind.Records => $"KafkaSize.NullableBytes({v}?.Length ?? 0, !{v}.HasValue, {compact})",
        _ => FieldModel.FixedSize(k).ToString(),
    };
}
