namespace Samsa.Protocol.Generator;

/// <summary>Emits <c>Read(ref KafkaReader, short)</c>.</summary>
internal static class ReadEmitter
{
    public static void Emit(CodeWriter w, MessageSpec msg, StructModel s)
    {
        w.DocRaw("Reads this object's fields from <paramref name=\"reader\"/> in the layout of <paramref name=\"version\"/>.");
        w.Open("public void Read(ref KafkaReader reader, short version)");
        if (s.IsTop)
            w.Line($"if (version < LowestSupportedVersion || version > HighestSupportedVersion) ThrowHelper.ThrowUnsupportedVersion(\"{msg.Name}\", version);");
        w.Line(MessageEmitter.FlexibleLine(msg, s));
        foreach (var f in s.Fields.Where(f => !f.IsTagged))
        {
            var cond = f.Present.Condition(s.Context);
            if (cond == "false") continue;
            var fctx = s.Context.Intersect(f.Present);
            if (cond == "true") ReadField(w, f, "reader", fctx);
            else
            {
                w.Open($"if ({cond})");
                ReadField(w, f, "reader", fctx);
                w.Close();
            }
        }
        w.Open("if (flexible)");
        w.Line("uint taggedCount = reader.ReadUnsignedVarInt();");
        w.Open("for (uint t = 0; t < taggedCount; t++)");
        w.Line("int tag = TaggedFields.ReadTag(ref reader);");
        w.Line("int size = reader.ReadTaggedFieldSize();");
        w.Open("switch (tag)");
        foreach (var f in MessageEmitter.Tagged(s))
        {
            var cond = f.TaggedPresent.Condition(s.Context);
            if (cond == "false") continue;
            w.Line(cond == "true" ? $"case {f.Spec.Tag}:" : $"case {f.Spec.Tag} when {cond}:");
            w.Open("");
            w.Line("var tagReader = new KafkaReader(reader.ReadSpan(size));");
            ReadField(w, f, "tagReader", s.Context.Intersect(f.TaggedPresent));
            w.Line("break;");
            w.Close();
        }
        w.Line("default:");
        w.Line("    (UnknownTaggedFields ??= new()).Add(reader.ReadRawTaggedField(tag, size));");
        w.Line("    break;");
        w.Close();
        w.Close();
        w.Close();
        w.Close();
    }

    private static void ReadField(CodeWriter w, FieldModel f, string rd, Versions ctx)
    {
        var compact = MessageEmitter.Compact(f, ctx);
        var nullable = MessageEmitter.Nullable(f, ctx);
        switch (f.Kind)
        {
            case Kind.Array:
                w.Open("");
                w.Line($"int count = {rd}.ReadArrayLength({compact});");
                if (nullable == "false")
                {
                    w.Line($"if (count < 0) ThrowHelper.ThrowNullNotAllowed(\"{f.Prop}\");");
                    w.Open("");
                }
                else if (nullable == "true")
                {
                    w.Line($"if (count < 0) {f.Prop} = null;");
                    w.Open("else");
                }
                else
                {
                    w.Line($"if (count < 0 && !{MessageEmitter.Paren(nullable)}) ThrowHelper.ThrowNullNotAllowed(\"{f.Prop}\");");
                    w.Line($"if (count < 0) {f.Prop} = null;");
                    w.Open("else");
                }
                w.Line($"var list = new List<{f.ElementCsType}>({rd}.SafeCapacity(count));");
                w.Open("for (int i = 0; i < count; i++)");
                if (f.ElementKind == Kind.Struct)
                {
                    w.Line($"var item = new {f.StructName}();");
                    w.Line($"item.Read(ref {rd}, version);");
                    w.Line("list.Add(item);");
                }
                else
                {
                    w.Line($"list.Add({Scalar(f.ElementKind, rd, compact, "false", f.Prop)});");
                }
                w.Close();
                w.Line($"{f.Prop} = list;");
                w.Close();
                w.Close();
                break;
            case Kind.Struct:
                if (nullable == "false")
                {
                    w.Line($"{f.Prop} = new {f.StructName}();");
                    w.Line($"{f.Prop}!.Read(ref {rd}, version);");
                }
                else
                {
                    var test = nullable == "true" ? $"{rd}.ReadInt8() < 0" : $"{MessageEmitter.Paren(nullable)} && {rd}.ReadInt8() < 0";
                    w.Line($"if ({test}) {f.Prop} = null;");
                    w.Open("else");
                    w.Line($"var value = new {f.StructName}();");
                    w.Line($"value.Read(ref {rd}, version);");
                    w.Line($"{f.Prop} = value;");
                    w.Close();
                }
                break;
            default:
                w.Line($"{f.Prop} = {Scalar(f.Kind, rd, compact, nullable, f.Prop)};");
                break;
        }
    }

    private static string Scalar(Kind k, string rd, string compact, string nullable, string name) => k switch
    {
        Kind.Bool => $"{rd}.ReadBool()",
        Kind.Int8 => $"{rd}.ReadInt8()",
        Kind.Int16 => $"{rd}.ReadInt16()",
        Kind.UInt16 => $"{rd}.ReadUInt16()",
        Kind.Int32 => $"{rd}.ReadInt32()",
        Kind.UInt32 => $"{rd}.ReadUInt32()",
        Kind.Int64 => $"{rd}.ReadInt64()",
        Kind.Float64 => $"{rd}.ReadFloat64()",
        Kind.Uuid => $"{rd}.ReadUuid()",
        Kind.Records => $"{rd}.ReadRecords({compact})",
        Kind.String => nullable switch
        {
            "true" => $"{rd}.ReadNullableString({compact})",
            "false" => $"{rd}.ReadString({compact}, \"{name}\")",
            _ => $"{MessageEmitter.Paren(nullable)} ? {rd}.ReadNullableString({compact}) : {rd}.ReadString({compact}, \"{name}\")",
        },
        Kind.Bytes => nullable switch
        {
            "true" => $"{rd}.ReadNullableBytes({compact})",
            "false" => $"{rd}.ReadBytes({compact}, \"{name}\")",
            _ => $"{MessageEmitter.Paren(nullable)} ? {rd}.ReadNullableBytes({compact}) : {rd}.ReadBytes({compact}, \"{name}\")",
        },
        _ => throw new InvalidOperationException(k.ToString()),
    };
}
