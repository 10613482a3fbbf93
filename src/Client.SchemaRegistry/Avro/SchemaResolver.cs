namespace Samsa.SchemaRegistry.Avro;

/// <summary>Compiles a (writer, reader) schema pair into a <see cref="ReadNode"/> plan, following the specification's resolution rules.</summary>
internal sealed class SchemaResolver
{
    private readonly Dictionary<(AvroSchema, AvroSchema), RecordReadNode> _records = new(PairComparer.Instance);

    public static ReadNode Resolve(AvroSchema writer, AvroSchema reader) => new SchemaResolver().Build(writer, reader);

    /// <summary>
    /// The specification's "match": same primitive, a promotion, same-named records/enums, same-named and same-size
    /// fixed, arrays and maps with matching element types, or either side a union.
    /// </summary>
    public static bool Matches(AvroSchema writer, AvroSchema reader)
    {
        if (writer.Type == AvroType.Union || reader.Type == AvroType.Union)
        {
            return true;
        }

        return (writer, reader) switch
        {
            (RecordSchema w, RecordSchema r) => r.MatchesName(w),
            (EnumSchema w, EnumSchema r) => r.MatchesName(w),
            (FixedSchema w, FixedSchema r) => r.MatchesName(w) && w.Size == r.Size,
            (ArraySchema w, ArraySchema r) => Matches(w.Items, r.Items),
            (MapSchema w, MapSchema r) => Matches(w.Values, r.Values),
            _ => writer.Type == reader.Type ? writer is PrimitiveSchema : IsPromotion(writer.Type, reader.Type),
        };
    }

    public static bool IsPromotion(AvroType writer, AvroType reader) => (writer, reader) switch
    {
        (AvroType.Int, AvroType.Long or AvroType.Float or AvroType.Double) => true,
        (AvroType.Long, AvroType.Float or AvroType.Double) => true,
        (AvroType.Float, AvroType.Double) => true,
        (AvroType.String, AvroType.Bytes) => true,
        (AvroType.Bytes, AvroType.String) => true,
        _ => false,
    };

    /// <summary>
    /// The reader union branch for a (non-union) writer schema: the first branch of the same type (and name, for
    /// named types), else the first branch that matches by promotion or alias; -1 when none.
    /// </summary>
    public static int FindBranch(UnionSchema reader, AvroSchema writer)
    {
        var branches = reader.Branches;
        for (var i = 0; i < branches.Count; i++)
        {
            var b = branches[i];
            if (b.Type == writer.Type && (b is not NamedSchema n || n.FullName == ((NamedSchema)writer).FullName))
            {
                return i;
            }
        }

        for (var i = 0; i < branches.Count; i++)
        {
            if (Matches(writer, branches[i]))
            {
                return i;
            }
        }

        return -1;
    }

    private ReadNode Build(AvroSchema writer, AvroSchema reader)
    {
        if (writer is UnionSchema wu)
        {
            var branches = new ReadNode[wu.Branches.Count];
            for (var i = 0; i < branches.Length; i++)
            {
                try
                {
                    branches[i] = Build(wu.Branches[i], reader);
                }
                catch (AvroException ex)
                {
                    // Only an error if data actually uses this branch.
                    branches[i] = new ErrorReadNode(ex.Message);
                }
            }

            return new WriterUnionReadNode(branches);
        }

        if (reader is UnionSchema ru)
        {
            var index = FindBranch(ru, writer);
            return index < 0
                ? throw new AvroException($"Writer type {writer.DisplayName} matches no branch of the reader union {ru.ToCanonicalForm()}.")
                : Build(writer, ru.Branches[index]);
        }

        var node = BuildUnderlying(writer, reader);
        return reader.LogicalType == AvroLogicalType.None ? node : new LogicalReadNode(reader, node);
    }

    private ReadNode BuildUnderlying(AvroSchema writer, AvroSchema reader)
    {
        switch (writer, reader)
        {
            case (RecordSchema w, RecordSchema r):
                return BuildRecord(w, r);
            case (EnumSchema w, EnumSchema r):
                RequireName(w, r);
                return new EnumReadNode(w, r);
            case (FixedSchema w, FixedSchema r):
                RequireName(w, r);
                return w.Size == r.Size
                    ? new FixedReadNode(r)
                    : throw new AvroException($"Fixed {w.FullName} has size {w.Size}; reader {r.FullName} expects {r.Size}.");
            case (ArraySchema w, ArraySchema r):
                return new ArrayReadNode(Build(w.Items, r.Items));
            case (MapSchema w, MapSchema r):
                return new MapReadNode(Build(w.Values, r.Values));
            case (PrimitiveSchema, PrimitiveSchema) when writer.Type == reader.Type:
                return new PrimitiveReadNode(reader.Type);
            case (PrimitiveSchema, PrimitiveSchema) when IsPromotion(writer.Type, reader.Type):
                return new PromoteReadNode(writer.Type, reader.Type);
            default:
                throw new AvroException($"Writer type {writer.DisplayName} cannot be read as {reader.DisplayName}.");
        }
    }

    private static void RequireName(NamedSchema w, NamedSchema r)
    {
        if (!r.MatchesName(w))
        {
            throw new AvroException($"Writer type {w.FullName} does not match reader type {r.FullName} (names or aliases).");
        }
    }

    private RecordReadNode BuildRecord(RecordSchema w, RecordSchema r)
    {
        if (_records.TryGetValue((w, r), out var existing))
        {
            return existing;
        }

        RequireName(w, r);
        var node = new RecordReadNode(r);
        _records[(w, r)] = node;
        var targets = new int[w.Fields.Count];
        var steps = new ReadNode[w.Fields.Count];
        var filled = new bool[r.Fields.Count];
        for (var i = 0; i < w.Fields.Count; i++)
        {
            var wf = w.Fields[i];
            var rf = r.FindFieldByNameOrAlias(wf.Name);
            if (rf is null)
            {
                targets[i] = -1;
                steps[i] = new SkipReadNode(wf.Schema);
                continue;
            }

            try
            {
                steps[i] = Build(wf.Schema, rf.Schema);
            }
            catch (AvroException ex)
            {
                throw new AvroException($"Field '{rf.Name}' of {r.FullName}: {ex.Message}", ex);
            }

            targets[i] = rf.Position;
            filled[rf.Position] = true;
        }

        var defaults = new List<(int, object?)>();
        foreach (var rf in r.Fields)
        {
            if (filled[rf.Position])
            {
                continue;
            }

            if (!rf.HasDefault)
            {
                throw new AvroException($"Reader field '{rf.Name}' of {r.FullName} is missing from the writer and has no default.");
            }

            defaults.Add((rf.Position, rf.SharedDefault));
        }

        node.Targets = targets;
        node.Steps = steps;
        node.Defaults = defaults.ToArray();
        return node;
    }

    private sealed class PairComparer : IEqualityComparer<(AvroSchema, AvroSchema)>
    {
        public static readonly PairComparer Instance = new();

        public bool Equals((AvroSchema, AvroSchema) x, (AvroSchema, AvroSchema) y)
            => ReferenceEquals(x.Item1, y.Item1) && ReferenceEquals(x.Item2, y.Item2);

        public int GetHashCode((AvroSchema, AvroSchema) obj)
            => HashCode.Combine(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj.Item1), System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj.Item2));
    }
}
