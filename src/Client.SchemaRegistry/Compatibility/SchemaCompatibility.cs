using Samsa.SchemaRegistry.Avro;

namespace Samsa.SchemaRegistry.Compatibility;

/// <summary>Confluent Schema Registry compatibility levels.</summary>
public enum CompatibilityLevel
{
    /// <summary>No checks.</summary>
    None,
    /// <summary>The new schema can read data written with the latest registered one.</summary>
    Backward,
    /// <summary>The new schema can read data written with every registered one.</summary>
    BackwardTransitive,
    /// <summary>The latest registered schema can read data written with the new one.</summary>
    Forward,
    /// <summary>Every registered schema can read data written with the new one.</summary>
    ForwardTransitive,
    /// <summary>Backward and forward against the latest.</summary>
    Full,
    /// <summary>Backward and forward against every registered schema.</summary>
    FullTransitive,
}

/// <summary>Kinds of incompatibility, named as in Confluent's and Apache Avro's checkers.</summary>
public enum IncompatibilityType
{
    /// <summary>Named types whose names (and aliases) do not match.</summary>
    NameMismatch,
    /// <summary>Fixed types of different sizes.</summary>
    FixedSizeMismatch,
    /// <summary>The writer has enum symbols the reader lacks, and the reader has no default.</summary>
    MissingEnumSymbols,
    /// <summary>A reader field is absent from the writer and has no default.</summary>
    ReaderFieldMissingDefaultValue,
    /// <summary>Types that neither match nor promote.</summary>
    TypeMismatch,
    /// <summary>A writer type (or union branch) that no reader union branch accepts.</summary>
    MissingUnionBranch,
}

/// <summary>One reason a reader cannot read a writer's data.</summary>
/// <param name="Type">The kind of problem.</param>
/// <param name="Path">JSON-pointer-like location in the reader schema, e.g. <c>/fields/2/type</c>.</param>
/// <param name="Message">Human-readable detail.</param>
public sealed record SchemaIncompatibility(IncompatibilityType Type, string Path, string Message)
{
    /// <summary>The type in Confluent's spelling, e.g. <c>READER_FIELD_MISSING_DEFAULT_VALUE</c>.</summary>
    public string TypeName => Type switch
    {
        IncompatibilityType.NameMismatch => "NAME_MISMATCH",
        IncompatibilityType.FixedSizeMismatch => "FIXED_SIZE_MISMATCH",
        IncompatibilityType.MissingEnumSymbols => "MISSING_ENUM_SYMBOLS",
        IncompatibilityType.ReaderFieldMissingDefaultValue => "READER_FIELD_MISSING_DEFAULT_VALUE",
        IncompatibilityType.TypeMismatch => "TYPE_MISMATCH",
        _ => "MISSING_UNION_BRANCH",
    };

    /// <inheritdoc />
    public override string ToString() => $"{TypeName} at {Path}: {Message}";
}

/// <summary>Checks Avro schema evolution with the specification's resolution rules and Confluent's levels.</summary>
public static class SchemaCompatibility
{
    /// <summary>Every reason <paramref name="reader"/> cannot read data written with <paramref name="writer"/> (empty when it can).</summary>
    public static IReadOnlyList<SchemaIncompatibility> CheckReaderWriter(AvroSchema reader, AvroSchema writer)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(writer);
        var result = new List<SchemaIncompatibility>();
        new Walker(result).Check(reader, writer, string.Empty);
        return result;
    }

    /// <summary>
    /// Checks <paramref name="candidate"/> against the registered schemas (oldest first) at <paramref name="level"/>.
    /// Non-transitive levels look only at the last one.
    /// </summary>
    public static IReadOnlyList<SchemaIncompatibility> Check(CompatibilityLevel level, AvroSchema candidate, IReadOnlyList<AvroSchema> existing)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(existing);
        if (level == CompatibilityLevel.None || existing.Count == 0)
        {
            return [];
        }

        var transitive = level is CompatibilityLevel.BackwardTransitive or CompatibilityLevel.ForwardTransitive or CompatibilityLevel.FullTransitive;
        var backward = level is not (CompatibilityLevel.Forward or CompatibilityLevel.ForwardTransitive);
        var forward = level is not (CompatibilityLevel.Backward or CompatibilityLevel.BackwardTransitive);
        var result = new List<SchemaIncompatibility>();
        var targets = transitive ? existing : [existing[^1]];
        foreach (var old in targets)
        {
            if (backward)
            {
                result.AddRange(CheckReaderWriter(candidate, old));
            }

            if (forward)
            {
                result.AddRange(CheckReaderWriter(old, candidate));
            }
        }

        return result;
    }

    /// <summary>True when <see cref="Check"/> finds nothing.</summary>
    public static bool IsCompatible(CompatibilityLevel level, AvroSchema candidate, IReadOnlyList<AvroSchema> existing)
        => Check(level, candidate, existing).Count == 0;

    /// <summary>The registry's spelling of a level, e.g. <c>BACKWARD_TRANSITIVE</c>.</summary>
    public static string ToRegistryName(CompatibilityLevel level) => level switch
    {
        CompatibilityLevel.None => "NONE",
        CompatibilityLevel.Backward => "BACKWARD",
        CompatibilityLevel.BackwardTransitive => "BACKWARD_TRANSITIVE",
        CompatibilityLevel.Forward => "FORWARD",
        CompatibilityLevel.ForwardTransitive => "FORWARD_TRANSITIVE",
        CompatibilityLevel.Full => "FULL",
        _ => "FULL_TRANSITIVE",
    };

    /// <summary>Parses the registry's spelling of a level.</summary>
    public static CompatibilityLevel ParseRegistryName(string name) => name switch
    {
        "NONE" => CompatibilityLevel.None,
        "BACKWARD" => CompatibilityLevel.Backward,
        "BACKWARD_TRANSITIVE" => CompatibilityLevel.BackwardTransitive,
        "FORWARD" => CompatibilityLevel.Forward,
        "FORWARD_TRANSITIVE" => CompatibilityLevel.ForwardTransitive,
        "FULL" => CompatibilityLevel.Full,
        "FULL_TRANSITIVE" => CompatibilityLevel.FullTransitive,
        _ => throw new ArgumentException($"Unknown compatibility level '{name}'.", nameof(name)),
    };

    private sealed class Walker(List<SchemaIncompatibility> result)
    {
        private readonly HashSet<(AvroSchema, AvroSchema)> _visiting = [];

        public void Check(AvroSchema reader, AvroSchema writer, string path)
        {
            if (writer is UnionSchema wu)
            {
                for (var i = 0; i < wu.Branches.Count; i++)
                {
                    var wb = wu.Branches[i];
                    if (reader is UnionSchema ru && SchemaResolver.FindBranch(ru, wb) < 0)
                    {
                        Add(IncompatibilityType.MissingUnionBranch, $"{path}/{i}", $"reader union lacks writer type {wb.DisplayName}");
                        continue;
                    }

                    Check(reader, wb, $"{path}/{i}");
                }

                return;
            }

            if (reader is UnionSchema union)
            {
                var index = SchemaResolver.FindBranch(union, writer);
                if (index < 0)
                {
                    Add(IncompatibilityType.MissingUnionBranch, path, $"reader union lacks writer type {writer.DisplayName}");
                    return;
                }

                Check(union.Branches[index], writer, $"{path}/{index}");
                return;
            }

            switch (reader, writer)
            {
                case (RecordSchema r, RecordSchema w):
                    if (!r.MatchesName(w))
                    {
                        Add(IncompatibilityType.NameMismatch, $"{path}/name", $"expected {w.FullName}, found {r.FullName}");
                        return;
                    }

                    if (!_visiting.Add((r, w)))
                    {
                        return;
                    }

                    for (var i = 0; i < r.Fields.Count; i++)
                    {
                        var rf = r.Fields[i];
                        var wf = FindWriterField(w, rf);
                        if (wf is null)
                        {
                            if (!rf.HasDefault)
                            {
                                Add(IncompatibilityType.ReaderFieldMissingDefaultValue, $"{path}/fields/{i}", rf.Name);
                            }

                            continue;
                        }

                        Check(rf.Schema, wf.Schema, $"{path}/fields/{i}/type");
                    }

                    _visiting.Remove((r, w));
                    return;
                case (EnumSchema r, EnumSchema w):
                    if (!r.MatchesName(w))
                    {
                        Add(IncompatibilityType.NameMismatch, $"{path}/name", $"expected {w.FullName}, found {r.FullName}");
                        return;
                    }

                    var missing = w.Symbols.Where(s => r.IndexOf(s) < 0).ToArray();
                    if (missing.Length > 0 && r.Default is null)
                    {
                        Add(IncompatibilityType.MissingEnumSymbols, $"{path}/symbols", "[" + string.Join(", ", missing) + "]");
                    }

                    return;
                case (FixedSchema r, FixedSchema w):
                    if (!r.MatchesName(w))
                    {
                        Add(IncompatibilityType.NameMismatch, $"{path}/name", $"expected {w.FullName}, found {r.FullName}");
                    }
                    else if (r.Size != w.Size)
                    {
                        Add(IncompatibilityType.FixedSizeMismatch, $"{path}/size", $"expected: {w.Size}, found: {r.Size}");
                    }

                    return;
                case (ArraySchema r, ArraySchema w):
                    Check(r.Items, w.Items, $"{path}/items");
                    return;
                case (MapSchema r, MapSchema w):
                    Check(r.Values, w.Values, $"{path}/values");
                    return;
                case (PrimitiveSchema, PrimitiveSchema) when reader.Type == writer.Type || SchemaResolver.IsPromotion(writer.Type, reader.Type):
                    return;
                default:
                    Add(IncompatibilityType.TypeMismatch, path, $"reader type: {AvroSchema.TypeName(reader.Type)} not compatible with writer type: {AvroSchema.TypeName(writer.Type)}");
                    return;
            }
        }

        private static AvroField? FindWriterField(RecordSchema writer, AvroField readerField)
        {
            if (writer.TryGetField(readerField.Name, out var f))
            {
                return f;
            }

            foreach (var alias in readerField.Aliases)
            {
                if (writer.TryGetField(alias, out f))
                {
                    return f;
                }
            }

            return null;
        }

        private void Add(IncompatibilityType type, string path, string message)
            => result.Add(new SchemaIncompatibility(type, path.Length == 0 ? "/" : path, message));
    }
}
