namespace Samsa.Protocol.Generator;

/// <summary>Emits <c>Write(ref KafkaWriter, short)</c>.</summary>
internal static class WriteEmitter
{
    public static void Emit(CodeWriter w, MessageSpec msg, StructModel s)
    {
        w.DocRaw("Writes this object in the layout of <paramref name=\"version\"/>; the writer must have <see cref=\"ComputeSize\"/> bytes free.");
        w.Open("public void Write(ref KafkaWriter writer, short version)");
        if (s.IsTop)
            w.Line($"if (version < LowestSupportedVersion || version > HighestSupportedVersion) ThrowHelper.ThrowUnsupportedVersion(\"{msg.Name}\", version);");
        w.Line(MessageEmitter.FlexibleLine(msg, s));
        foreach (var f in s.Fields.Where(f => !f.IsTagged))
        {
            var cond = f.Present.Condition(s.Context);
            var fctx = s.Context.Intersect(f.Present);
            if (cond == "true")
            {
                WriteField(w, f, fctx);
                continue;
            }
            if (cond != "false")
            {
                w.Open($"if ({cond})");
                WriteField(w, f, fctx);
                w.Close();
            }
            if (!f.Spec.Ignorable)
            {
                var prefix = cond == "false" ? "if" : "else if";
                w.Line($"{prefix} ({f.NonDefaultExpr()}) ThrowHelper.ThrowNonDefaultField(\"{s.ClassName}.{f.Prop}\", version);");
            }
        }
        var tagged = MessageEmitter.Tagged(s).ToList();
        w.Open("if (flexible)");
        w.Line("int taggedCount = UnknownTaggedFields?.Count ?? 0;");
        foreach (var f in tagged)
        {
            var cond = f.TaggedPresent.Condition(s.Context);
            if (cond == "false") continue;
            w.Line($"if ({Both(cond, f.NonDefaultExpr())}) taggedCount++;");
        }
        w.Line("writer.WriteUnsignedVarInt((uint)taggedCount);");
        w.Line("int unknownIndex = 0;");
        foreach (var f in tagged)
        {
            var cond = f.TaggedPresent.Condition(s.Context);
            if (cond == "false") continue;
            var fctx = s.Context.Intersect(f.TaggedPresent);
            w.Open($"if ({Both(cond, f.NonDefaultExpr())})");
            w.Line($"TaggedFields.WriteUnknownBelow(ref writer, UnknownTaggedFields, ref unknownIndex, {f.Spec.Tag});");
            w.Line("int fieldSize = 0;");
            SizeEmitter.FieldSize(w, f, fctx, "fieldSize");
            w.Line($"writer.WriteUnsignedVarInt({f.Spec.Tag});");
            w.Line("writer.WriteUnsignedVarInt((uint)fieldSize);");
            WriteField(w, f, fctx);
            w.Close();
        }
        w.Line("TaggedFields.WriteUnknownBelow(ref writer, UnknownTaggedFields, ref unknownIndex, int.MaxValue);");
        w.Close();
        // Tagged fields with a value at a version that cannot carry them.
        foreach (var f in tagged.Where(f => !f.Spec.Ignorable))
        {
            var cond = f.TaggedPresent.Condition(s.Context);
            var absent = cond == "true" ? "!flexible" : cond == "false" ? "true" : $"(!flexible || !({cond}))";
            if (absent == "!flexible" && msg.FlexibleVersions.Covers(s.Context)) continue;
            w.Line($"if ({absent} && {f.NonDefaultExpr()}) ThrowHelper.ThrowNonDefaultField(\"{s.ClassName}.{f.Prop}\", version);");
        }
        w.Line("if (!flexible && UnknownTaggedFields is { Count: > 0 }) ThrowHelper.ThrowNonDefaultField(\"" + s.ClassName + ".UnknownTaggedFields\", version);");
        w.Close();
    }

    private static string Both(string cond, string nonDefault) => cond == "true" ? nonDefault : $"{MessageEmitter.Paren(cond)} && {nonDefault}";

    private static void NullCheck(CodeWriter w, FieldModel f, string nullable)
    {
        if (nullable == "true") return;
        var test = nullable == "false" ? $"{f.Prop} is null" : $"{f.Prop} is null && !{MessageEmitter.Paren(nullable)}";
        w.Line($"if ({test}) ThrowHelper.ThrowNullNotAllowed(\"{f.Prop}\");");
    }

    public static void WriteField(CodeWriter w, FieldModel f, Versions ctx)
    {
        var compact = MessageEmitter.Compact(f, ctx);
        var nullable = MessageEmitter.Nullable(f, ctx);
        var p = f.Prop;
        switch (f.Kind)
        {
            case Kind.Array:
                NullCheck(w, f, nullable);
                w.Line($"if ({p} is null) writer.WriteArrayLength(-1, {compact});");
                w.Open("else");
                w.Line($"writer.WriteArrayLength({p}.Count, {compact});");
                w.Open($"for (int i = 0; i < {p}.Count; i++)");
                if (f.ElementKind == Kind.Struct) w.Line($"{p}[i].Write(ref writer, version);");
                else w.Line(Scalar(f.ElementKind, $"{p}[i]", compact) + ";");
                w.Close();
                w.Close();
                break;
            case Kind.Struct:
                NullCheck(w, f, nullable);
                if (nullable == "false")
                {
                    w.Line($"{p}!.Write(ref writer, version);");
                    break;
                }
                if (nullable != "true") w.Open($"if ({nullable})");
                w.Line($"if ({p} is null) writer.WriteInt8(-1);");
                w.Open("else");
                w.Line("writer.WriteInt8(1);");
                w.Line($"{p}.Write(ref writer, version);");
                w.Close();
                if (nullable != "true")
                {
                    w.Close();
                    w.Line($"else {p}!.Write(ref writer, version);");
                }
                break;
            case Kind.String:
            case Kind.Bytes:
                NullCheck(w, f, nullable);
                w.Line(Scalar(f.Kind, p, compact) + ";");
                break;
            default:
                w.Line(Scalar(f.Kind, p, compact) + ";");
                break;
        }
    }

    private static string Scalar(Kind k, string v, string compact) => k switch
    {
        Kind.Bool => $"writer.WriteBool({v})",
        Kind.Int8 => $"writer.WriteInt8({v})",
        Kind.Int16 => $"writer.WriteInt16({v})",
        Kind.UInt16 => $"writer.WriteUInt16({v})",
        Kind.Int32 => $"writer.WriteInt32({v})",
        Kind.UInt32 => $"writer.WriteUInt32({v})",
        Kind.Int64 => $"writer.WriteInt64({v})",
        Kind.Float64 => $"writer.WriteFloat64({v})",
        Kind.Uuid => $"writer.WriteUuid({v})",
        Kind.String => $"writer.WriteNullableString({v}, {compact})",
        Kind.Bytes => $"writer.WriteNullableBytes({v}, {v} is null, {compact})",
        Kind.Records => $"writer.WriteNullableBytes({v}.HasValue ? {v}.Value.Span : default, !{v}.HasValue, {compact})",
        _ => throw new InvalidOperationException(k.ToString()),
    };
}
