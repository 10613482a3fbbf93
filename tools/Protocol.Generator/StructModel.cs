namespace Samsa.Protocol.Generator;

/// <summary>A generated class: the message itself or one of its structs.</summary>
internal sealed class StructModel
{
    public required string ClassName { get; init; }
    public required List<FieldModel> Fields { get; init; }
    public required Versions Context { get; set; }
    public bool IsTop { get; init; }
    public string? About { get; init; }
}

/// <summary>Resolves a message spec into the classes to emit.</summary>
internal static class ModelBuilder
{
    /// <summary>
    /// The C# property for a spec field: the spec's name with its first letter upper-cased (a few specs spell
    /// fields like <c>validateOnly</c>), suffixed with <c>Value</c> when it would equal its class's name.
    /// </summary>
    public static string PropertyName(string field, string className)
    {
        var name = char.ToUpperInvariant(field[0]) + field[1..];
        return name == className ? name + "Value" : name;
    }

    public static (StructModel Top, List<StructModel> Structs) Build(MessageSpec msg)
    {
        var specs = new Dictionary<string, (StructSpec Spec, Versions Ctx)>(StringComparer.Ordinal);
        var commons = msg.CommonStructs.ToDictionary(s => s.Name, StringComparer.Ordinal);
        var order = new List<string>();

        void Walk(List<FieldSpec> fields, Versions ctx)
        {
            foreach (var f in fields)
            {
                var kind = FieldModel.ParseKind(f.Type);
                bool isStruct = kind == Kind.Struct || (kind == Kind.Array && FieldModel.ParseKind(f.ElementType) == Kind.Struct);
                if (!isStruct) continue;
                var name = f.ElementType;
                var fctx = ctx.Intersect(f.Versions);
                StructSpec spec = f.Fields is not null ? new StructSpec(name, Versions.All, f.Fields)
                    : commons.TryGetValue(name, out var c) ? c
                    : throw new InvalidOperationException($"{msg.Name}: unknown struct type {name} of field {f.Name}");
                if (specs.TryGetValue(name, out var existing))
                {
                    var union = existing.Ctx.IsEmpty ? fctx : fctx.IsEmpty ? existing.Ctx
                        : new Versions(Math.Min(existing.Ctx.Low, fctx.Low), Math.Max(existing.Ctx.High, fctx.High));
                    specs[name] = (existing.Spec, union);
                    if (f.Fields is not null && existing.Spec.Fields != f.Fields && commons.ContainsKey(name) == false)
                        throw new InvalidOperationException($"{msg.Name}: struct {name} defined twice");
                }
                else
                {
                    specs[name] = (spec, fctx);
                    order.Add(name);
                }
                Walk(spec.Fields, fctx);
            }
        }

        Walk(msg.Fields, msg.ValidVersions);
        // Common structs never referenced still get a class, so that the spec is complete.
        foreach (var c in msg.CommonStructs)
            if (!specs.ContainsKey(c.Name)) { specs[c.Name] = (c, msg.ValidVersions); order.Add(c.Name); Walk(c.Fields, msg.ValidVersions); }

        var topProps = new HashSet<string>(msg.Fields.Select(f => PropertyName(f.Name, msg.Name)), StringComparer.Ordinal);
        var classNames = specs.Keys.ToDictionary(n => n, n => topProps.Contains(n) || n == msg.Name ? n + "Data" : n, StringComparer.Ordinal);

        List<FieldModel> Models(List<FieldSpec> fields, string className) => fields.Select(f =>
        {
            var kind = FieldModel.ParseKind(f.Type);
            var elementKind = kind == Kind.Array ? FieldModel.ParseKind(f.ElementType) : kind;
            string? structName = kind == Kind.Struct || elementKind == Kind.Struct ? classNames[f.ElementType] : null;
            var present = f.Versions.Intersect(f.IsTagged ? f.TaggedVersions : Versions.All);
            return new FieldModel
            {
                Spec = f,
                Prop = PropertyName(f.Name, className),
                Kind = kind,
                ElementKind = elementKind,
                StructName = structName,
                Present = f.IsTagged ? Versions.None : f.Versions,
                TaggedPresent = f.IsTagged ? present : Versions.None,
            };
        }).ToList();

        var top = new StructModel { ClassName = msg.Name, Fields = Models(msg.Fields, msg.Name), Context = msg.ValidVersions, IsTop = true };
        var structs = order.Select(n => new StructModel
        {
            ClassName = classNames[n],
            Fields = Models(specs[n].Spec.Fields, classNames[n]),
            Context = specs[n].Ctx.IsEmpty ? msg.ValidVersions : specs[n].Ctx,
        }).ToList();
        return (top, structs);
    }
}
