namespace Samsa.SchemaRegistry.Avro.Specific;

/// <summary>
/// Marks a <c>partial</c> class or record class for Avro code generation: the Samsa source generator (shipped in
/// this package) derives the record schema from its settable public properties and fields, in declaration order,
/// and implements <see cref="IAvroSpecificRecord{TSelf}"/> with reflection-free encode and decode methods.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class AvroRecordAttribute : Attribute
{
    /// <summary>The record name; the C# type name when null.</summary>
    public string? Name { get; set; }

    /// <summary>The record namespace; the C# namespace when null.</summary>
    public string? Namespace { get; set; }

    /// <summary>The schema's <c>doc</c>, if any.</summary>
    public string? Doc { get; set; }
}

/// <summary>Overrides how a member maps to its Avro field.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field | AttributeTargets.Parameter, Inherited = false)]
public sealed class AvroFieldAttribute : Attribute
{
    /// <summary>The field name; the member name when null.</summary>
    public string? Name { get; set; }

    /// <summary>The field's <c>doc</c>, if any.</summary>
    public string? Doc { get; set; }

    /// <summary>
    /// Resolution of <see cref="DateTime"/>, <see cref="DateTimeOffset"/> and <see cref="TimeOnly"/> members:
    /// <c>timestamp-micros</c>/<c>time-micros</c> (the default) or <c>-millis</c>.
    /// </summary>
    public AvroTimePrecision TimePrecision { get; set; } = AvroTimePrecision.Micros;
}

/// <summary>Excludes a member from the generated schema.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field, Inherited = false)]
public sealed class AvroIgnoreAttribute : Attribute
{
}

/// <summary>
/// Precision and scale of a <see cref="decimal"/> member (Avro <c>decimal</c> on <c>bytes</c>). Without it a
/// decimal maps to precision 29, scale 14.
/// </summary>
/// <param name="precision">Total digits, 1 or more.</param>
/// <param name="scale">Fractional digits, 0 to <paramref name="precision"/>.</param>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field | AttributeTargets.Parameter, Inherited = false)]
public sealed class AvroDecimalAttribute(int precision, int scale) : Attribute
{
    /// <summary>Total digits.</summary>
    public int Precision { get; } = precision;

    /// <summary>Fractional digits.</summary>
    public int Scale { get; } = scale;
}

/// <summary>Resolution of time and timestamp logical types.</summary>
public enum AvroTimePrecision
{
    /// <summary>Microseconds (<c>timestamp-micros</c>, <c>time-micros</c>).</summary>
    Micros,

    /// <summary>Milliseconds (<c>timestamp-millis</c>, <c>time-millis</c>).</summary>
    Millis,
}
