using System.Numerics;
using System.Text.Json;

namespace Samsa.SchemaRegistry.Avro;

/// <summary>Recognises logical types and converts between their .NET values and the underlying Avro values.</summary>
internal static class LogicalTypes
{
    private const long TicksPerMicro = TimeSpan.TicksPerMillisecond / 1000;
    private static readonly DateTime Epoch = DateTime.UnixEpoch;

    /// <summary>Sets <see cref="AvroSchema.LogicalType"/> when the annotation is known and valid; otherwise leaves None.</summary>
    public static void Apply(AvroSchema s, JsonElement e)
    {
        var t = s.Type;
        var fixedSize = s is FixedSchema f ? f.Size : -1;
        var logical = s.LogicalTypeName switch
        {
            "decimal" when t is AvroType.Bytes or AvroType.Fixed => AvroLogicalType.Decimal,
            "uuid" when t == AvroType.String || fixedSize == 16 => AvroLogicalType.Uuid,
            "date" when t == AvroType.Int => AvroLogicalType.Date,
            "time-millis" when t == AvroType.Int => AvroLogicalType.TimeMillis,
            "time-micros" when t == AvroType.Long => AvroLogicalType.TimeMicros,
            "timestamp-millis" when t == AvroType.Long => AvroLogicalType.TimestampMillis,
            "timestamp-micros" when t == AvroType.Long => AvroLogicalType.TimestampMicros,
            "local-timestamp-millis" when t == AvroType.Long => AvroLogicalType.LocalTimestampMillis,
            "local-timestamp-micros" when t == AvroType.Long => AvroLogicalType.LocalTimestampMicros,
            "duration" when fixedSize == 12 => AvroLogicalType.Duration,
            _ => AvroLogicalType.None,
        };
        if (logical == AvroLogicalType.Decimal)
        {
            var precision = e.TryGetProperty("precision", out var p) && p.ValueKind == JsonValueKind.Number && p.TryGetInt32(out var pv) ? pv : 0;
            var scale = e.TryGetProperty("scale", out var sc) && sc.ValueKind == JsonValueKind.Number && sc.TryGetInt32(out var sv) ? sv : 0;
            var maxPrecision = fixedSize < 0 ? int.MaxValue : MaxPrecision(fixedSize);
            if (precision <= 0 || scale < 0 || scale > precision || precision > maxPrecision)
            {
                return; // invalid decimal: the specification says to ignore the logical type
            }

            s.Precision = precision;
            s.Scale = scale;
        }

        s.LogicalType = logical;
    }

    /// <summary>floor(log10(2^(8n-1) - 1)) digits fit in n bytes.</summary>
    internal static int MaxPrecision(int size)
        => size == 0 ? 0 : (int)Math.Floor(BigInteger.Log10(BigInteger.Pow(2, (8 * size) - 1) - 1));

    /// <summary>Converts a logical .NET value to the underlying generic value; underlying values pass through.</summary>
    public static object ToUnderlying(AvroSchema s, object value)
    {
        switch (s.LogicalType)
        {
            case AvroLogicalType.Decimal when value is decimal d:
                var bytes = DecimalToBytes(d, s);
                return s is FixedSchema fx ? new GenericFixed(fx, bytes) : bytes;
            case AvroLogicalType.Uuid when value is Guid g:
                return s is FixedSchema fu ? new GenericFixed(fu, g.ToByteArray(bigEndian: true)) : g.ToString("D");
            case AvroLogicalType.Date when value is DateOnly date:
                return date.DayNumber - DateOnly.FromDateTime(Epoch).DayNumber;
            case AvroLogicalType.TimeMillis when value is TimeOnly tm:
                return (int)(tm.Ticks / TimeSpan.TicksPerMillisecond);
            case AvroLogicalType.TimeMicros when value is TimeOnly tu:
                return tu.Ticks / TicksPerMicro;
            case AvroLogicalType.TimestampMillis or AvroLogicalType.LocalTimestampMillis when value is DateTime dt:
                return FloorDiv(Ticks(dt, s) - Epoch.Ticks, TimeSpan.TicksPerMillisecond);
            case AvroLogicalType.TimestampMicros or AvroLogicalType.LocalTimestampMicros when value is DateTime du:
                return FloorDiv(Ticks(du, s) - Epoch.Ticks, TicksPerMicro);
            case AvroLogicalType.TimestampMillis or AvroLogicalType.LocalTimestampMillis when value is DateTimeOffset o:
                return o.ToUnixTimeMilliseconds();
            case AvroLogicalType.TimestampMicros or AvroLogicalType.LocalTimestampMicros when value is DateTimeOffset ou:
                return FloorDiv(ou.UtcTicks - Epoch.Ticks, TicksPerMicro);
            case AvroLogicalType.Duration when value is AvroDuration dur:
                return new GenericFixed((FixedSchema)s, dur.ToBytes());
            default:
                return value;
        }
    }

    /// <summary>Converts an underlying generic value to the logical .NET value.</summary>
    public static object FromUnderlying(AvroSchema s, object raw)
    {
        try
        {
            return s.LogicalType switch
            {
                AvroLogicalType.Decimal => BytesToDecimal(raw is GenericFixed f ? f.Value : (byte[])raw, s.Scale),
                AvroLogicalType.Uuid => raw is GenericFixed g ? new Guid(g.Value, bigEndian: true) : Guid.Parse((string)raw),
                AvroLogicalType.Date => DateOnly.FromDayNumber(checked(DateOnly.FromDateTime(Epoch).DayNumber + (int)raw)),
                AvroLogicalType.TimeMillis => new TimeOnly((int)raw * TimeSpan.TicksPerMillisecond),
                AvroLogicalType.TimeMicros => new TimeOnly((long)raw * TicksPerMicro),
                AvroLogicalType.TimestampMillis => new DateTime(checked(Epoch.Ticks + ((long)raw * TimeSpan.TicksPerMillisecond)), DateTimeKind.Utc),
                AvroLogicalType.TimestampMicros => new DateTime(checked(Epoch.Ticks + ((long)raw * TicksPerMicro)), DateTimeKind.Utc),
                AvroLogicalType.LocalTimestampMillis => new DateTime(checked(Epoch.Ticks + ((long)raw * TimeSpan.TicksPerMillisecond)), DateTimeKind.Unspecified),
                AvroLogicalType.LocalTimestampMicros => new DateTime(checked(Epoch.Ticks + ((long)raw * TicksPerMicro)), DateTimeKind.Unspecified),
                AvroLogicalType.Duration => AvroDuration.FromBytes(((GenericFixed)raw).Value),
                _ => raw,
            };
        }
        catch (Exception ex) when (ex is ArgumentException or OverflowException or FormatException)
        {
            throw new AvroException($"Value {raw} is out of range for logical type {s.LogicalTypeName}: {ex.Message}", ex);
        }
    }

    private static long Ticks(DateTime dt, AvroSchema s)
        => s.LogicalType is AvroLogicalType.TimestampMillis or AvroLogicalType.TimestampMicros && dt.Kind == DateTimeKind.Local
            ? dt.ToUniversalTime().Ticks
            : dt.Ticks;

    private static long FloorDiv(long a, long b) => a >= 0 ? a / b : -((-a + b - 1) / b);

    internal static byte[] DecimalToBytes(decimal value, AvroSchema s)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        var scale = (bits[3] >> 16) & 0xFF;
        var unscaled = new BigInteger((uint)bits[0]) | (new BigInteger((uint)bits[1]) << 32) | (new BigInteger((uint)bits[2]) << 64);
        if (bits[3] < 0)
        {
            unscaled = -unscaled;
        }

        if (scale < s.Scale)
        {
            unscaled *= BigInteger.Pow(10, s.Scale - scale);
        }
        else if (scale > s.Scale)
        {
            var divisor = BigInteger.Pow(10, scale - s.Scale);
            unscaled = BigInteger.DivRem(unscaled, divisor, out var rem);
            if (!rem.IsZero)
            {
                throw new AvroException($"Decimal {value} has more than {s.Scale} fractional digits.");
            }
        }

        if (BigInteger.Abs(unscaled).ToString(System.Globalization.CultureInfo.InvariantCulture).Length > s.Precision && !unscaled.IsZero)
        {
            throw new AvroException($"Decimal {value} exceeds precision {s.Precision}.");
        }

        var raw = unscaled.ToByteArray(isUnsigned: false, isBigEndian: true);
        if (s is not FixedSchema f)
        {
            return raw;
        }

        if (raw.Length > f.Size)
        {
            throw new AvroException($"Decimal {value} does not fit in fixed({f.Size}).");
        }

        var padded = new byte[f.Size];
        padded.AsSpan(0, f.Size - raw.Length).Fill(unscaled.Sign < 0 ? (byte)0xFF : (byte)0);
        raw.CopyTo(padded, f.Size - raw.Length);
        return padded;
    }

    internal static decimal BytesToDecimal(byte[] bytes, int scale)
    {
        var unscaled = bytes.Length == 0 ? BigInteger.Zero : new BigInteger(bytes, isUnsigned: false, isBigEndian: true);
        var negative = unscaled.Sign < 0;
        var magnitude = BigInteger.Abs(unscaled);
        while (scale > 28 || magnitude.GetBitLength() > 96)
        {
            // Drop trailing zeros that System.Decimal cannot hold; anything else is out of range.
            if (scale == 0 || !(magnitude % 10).IsZero)
            {
                throw new AvroException("Decimal value does not fit System.Decimal (96-bit mantissa, scale <= 28).");
            }

            magnitude /= 10;
            scale--;
        }

        var lo = (int)(uint)(magnitude & uint.MaxValue);
        var mid = (int)(uint)((magnitude >> 32) & uint.MaxValue);
        var hi = (int)(uint)((magnitude >> 64) & uint.MaxValue);
        return new decimal(lo, mid, hi, negative, (byte)scale);
    }
}
