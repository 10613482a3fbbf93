using System.Buffers.Binary;
using System.Buffers.Text;
using System.ComponentModel;
using System.Text;

namespace Samsa.SchemaRegistry.Avro.Specific;

/// <summary>
/// Conversions used by generated code (logical types, unions, errors). Public only so that generated code in user
/// assemblies can call it; not meant to be called directly.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class AvroSpecificCodec
{
    private const long TicksPerMicro = TimeSpan.TicksPerMillisecond / 1000;
    private static readonly long EpochTicks = DateTime.UnixEpoch.Ticks;
    private static readonly int EpochDay = DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber;
    private static readonly UInt128[] Pow10 = BuildPow10();

    /// <summary>Reads the branch index of a <c>["null", T]</c> union: false for null, true for the value.</summary>
    public static bool ReadNullableIndex(ref AvroBinaryReader reader)
    {
        var index = reader.ReadLong();
        return index switch
        {
            0 => false,
            1 => true,
            _ => throw new AvroException($"Union index {index} is out of range (0..1)."),
        };
    }

    /// <summary>The error for a null value in a non-nullable member.</summary>
    public static AvroException NullMember(string type, string member)
        => new($"{type}.{member} is null but its Avro type is not nullable; declare it nullable to write a [\"null\", T] union.");

    /// <summary>The error for an enum value that is not one of the declared members.</summary>
    public static AvroException UnknownEnumValue(object value, string enumName)
        => new($"{value} is not a declared member of enum {enumName}.");

    /// <summary>The error for an enum index out of range.</summary>
    public static AvroException EnumIndexOutOfRange(int index, string enumName)
        => new($"Enum index {index} is out of range for {enumName}.");

    /// <summary>Writes a <c>uuid</c> string.</summary>
    public static void WriteUuid(ref AvroBinaryWriter writer, Guid value)
    {
        Span<byte> text = stackalloc byte[36];
        value.TryFormat(text, out _, "D");
        writer.WriteLong(36);
        writer.WriteFixed(text);
    }

    /// <summary>Reads a <c>uuid</c> string.</summary>
    public static Guid ReadUuid(ref AvroBinaryReader reader)
    {
        var text = reader.ReadBytesSpan();
        if (Utf8Parser.TryParse(text, out Guid value, out var consumed) && consumed == text.Length)
        {
            return value;
        }

        return Guid.TryParse(Encoding.UTF8.GetString(text), out value) ? value : throw new AvroException("Invalid uuid string.");
    }

    /// <summary><c>timestamp-micros</c> of a <see cref="DateTime"/> (local times are converted to UTC).</summary>
    public static long ToTimestampMicros(DateTime value) => FloorDiv(UtcTicks(value) - EpochTicks, TicksPerMicro);

    /// <summary><c>timestamp-millis</c> of a <see cref="DateTime"/> (local times are converted to UTC).</summary>
    public static long ToTimestampMillis(DateTime value) => FloorDiv(UtcTicks(value) - EpochTicks, TimeSpan.TicksPerMillisecond);

    /// <summary><c>timestamp-micros</c> of a <see cref="DateTimeOffset"/>.</summary>
    public static long ToTimestampMicros(DateTimeOffset value) => FloorDiv(value.UtcTicks - EpochTicks, TicksPerMicro);

    /// <summary><c>timestamp-millis</c> of a <see cref="DateTimeOffset"/>.</summary>
    public static long ToTimestampMillis(DateTimeOffset value) => FloorDiv(value.UtcTicks - EpochTicks, TimeSpan.TicksPerMillisecond);

    /// <summary>A UTC <see cref="DateTime"/> from <c>timestamp-micros</c>.</summary>
    public static DateTime FromTimestampMicros(long micros)
    {
        try
        {
            return new DateTime(checked(EpochTicks + (micros * TicksPerMicro)), DateTimeKind.Utc);
        }
        catch (Exception ex) when (ex is ArgumentException or OverflowException)
        {
            throw OutOfRange(ex);
        }
    }

    /// <summary>A UTC <see cref="DateTime"/> from <c>timestamp-millis</c>.</summary>
    public static DateTime FromTimestampMillis(long millis)
    {
        try
        {
            return new DateTime(checked(EpochTicks + (millis * TimeSpan.TicksPerMillisecond)), DateTimeKind.Utc);
        }
        catch (Exception ex) when (ex is ArgumentException or OverflowException)
        {
            throw OutOfRange(ex);
        }
    }

    /// <summary>A UTC <see cref="DateTimeOffset"/> from <c>timestamp-micros</c>.</summary>
    public static DateTimeOffset FromTimestampMicrosOffset(long micros) => new(FromTimestampMicros(micros));

    /// <summary>A UTC <see cref="DateTimeOffset"/> from <c>timestamp-millis</c>.</summary>
    public static DateTimeOffset FromTimestampMillisOffset(long millis) => new(FromTimestampMillis(millis));

    /// <summary>A generic timestamp datum (<see cref="DateTime"/> or <see cref="DateTimeOffset"/>) as a <see cref="DateTimeOffset"/>.</summary>
    public static DateTimeOffset ToDateTimeOffset(object? value) => value switch
    {
        DateTimeOffset o => o,
        DateTime d => d.Kind == DateTimeKind.Unspecified ? new DateTimeOffset(d, TimeSpan.Zero) : new DateTimeOffset(d),
        _ => throw new AvroException($"Expected a timestamp, not {value?.GetType().Name ?? "null"}."),
    };

    /// <summary><c>date</c>: days since 1970-01-01.</summary>
    public static int ToDate(DateOnly value) => value.DayNumber - EpochDay;

    /// <summary>A <see cref="DateOnly"/> from <c>date</c>.</summary>
    public static DateOnly FromDate(int days)
    {
        try
        {
            return DateOnly.FromDayNumber(checked(EpochDay + days));
        }
        catch (Exception ex) when (ex is ArgumentException or OverflowException)
        {
            throw OutOfRange(ex);
        }
    }

    /// <summary><c>time-micros</c>: microseconds after midnight.</summary>
    public static long ToTimeMicros(TimeOnly value) => value.Ticks / TicksPerMicro;

    /// <summary><c>time-millis</c>: milliseconds after midnight.</summary>
    public static int ToTimeMillis(TimeOnly value) => (int)(value.Ticks / TimeSpan.TicksPerMillisecond);

    /// <summary>A <see cref="TimeOnly"/> from <c>time-micros</c>.</summary>
    public static TimeOnly FromTimeMicros(long micros)
    {
        try
        {
            return new TimeOnly(checked(micros * TicksPerMicro));
        }
        catch (Exception ex) when (ex is ArgumentException or OverflowException)
        {
            throw OutOfRange(ex);
        }
    }

    /// <summary>A <see cref="TimeOnly"/> from <c>time-millis</c>.</summary>
    public static TimeOnly FromTimeMillis(int millis)
    {
        try
        {
            return new TimeOnly(millis * TimeSpan.TicksPerMillisecond);
        }
        catch (Exception ex) when (ex is ArgumentException or OverflowException)
        {
            throw OutOfRange(ex);
        }
    }

    /// <summary>Writes a <c>decimal</c> on <c>bytes</c>: the unscaled value at <paramref name="scale"/>, big-endian two's complement.</summary>
    /// <exception cref="AvroException">The value has more fractional digits than the scale or more digits than the precision.</exception>
    public static void WriteDecimal(ref AvroBinaryWriter writer, decimal value, int precision, int scale)
    {
        if (precision > 38 || scale > 38)
        {
            writer.WriteBytes(LogicalTypes.DecimalToBytes(value, DecimalSchema(precision, scale)));
            return;
        }

        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        var valueScale = (bits[3] >> 16) & 0xFF;
        var magnitude = ((UInt128)(uint)bits[2] << 64) | ((UInt128)(uint)bits[1] << 32) | (uint)bits[0];
        if (valueScale < scale)
        {
            var factor = Pow10[scale - valueScale];
            if (magnitude > UInt128.MaxValue / factor)
            {
                throw new AvroException($"Decimal {value} exceeds precision {precision}.");
            }

            magnitude *= factor;
        }
        else if (valueScale > scale)
        {
            (magnitude, var remainder) = UInt128.DivRem(magnitude, Pow10[valueScale - scale]);
            if (remainder != UInt128.Zero)
            {
                throw new AvroException($"Decimal {value} has more than {scale} fractional digits.");
            }
        }

        if (magnitude >= Pow10[precision])
        {
            throw new AvroException($"Decimal {value} exceeds precision {precision}.");
        }

        // magnitude < 10^38 < 2^127, so the signed value fits Int128.
        var unscaled = bits[3] < 0 ? -(Int128)magnitude : (Int128)magnitude;
        Span<byte> buffer = stackalloc byte[16];
        BinaryPrimitives.WriteInt128BigEndian(buffer, unscaled);
        var start = 0;
        while (start < 15 && ((buffer[start] == 0 && buffer[start + 1] < 0x80) || (buffer[start] == 0xFF && buffer[start + 1] >= 0x80)))
        {
            start++;
        }

        writer.WriteBytes(buffer[start..]);
    }

    /// <summary>Reads a <c>decimal</c> on <c>bytes</c> at <paramref name="scale"/>.</summary>
    public static decimal ReadDecimal(ref AvroBinaryReader reader, int scale)
    {
        var bytes = reader.ReadBytesSpan();
        if (bytes.Length <= 16 && scale <= 28)
        {
            Int128 unscaled = bytes.Length > 0 && bytes[0] >= 0x80 ? Int128.NegativeOne : Int128.Zero;
            foreach (var b in bytes)
            {
                unscaled = (unscaled << 8) | b;
            }

            var negative = unscaled < 0;
            if (unscaled != Int128.MinValue)
            {
                var magnitude = (UInt128)(negative ? -unscaled : unscaled);
                if (magnitude >> 96 == UInt128.Zero)
                {
                    return new decimal((int)(uint)magnitude, (int)(uint)(magnitude >> 32), (int)(uint)(magnitude >> 64), negative, (byte)scale);
                }
            }
        }

        return LogicalTypes.BytesToDecimal(bytes.ToArray(), scale);
    }

    private static AvroSchema DecimalSchema(int precision, int scale)
        => new PrimitiveSchema(AvroType.Bytes) { LogicalType = AvroLogicalType.Decimal, LogicalTypeName = "decimal", Precision = precision, Scale = scale };

    private static long UtcTicks(DateTime value) => value.Kind == DateTimeKind.Local ? value.ToUniversalTime().Ticks : value.Ticks;

    private static long FloorDiv(long a, long b) => a >= 0 ? a / b : -((-a + b - 1) / b);

    private static AvroException OutOfRange(Exception ex) => new("Value is out of range for its logical type: " + ex.Message, ex);

    private static UInt128[] BuildPow10()
    {
        var table = new UInt128[39];
        table[0] = UInt128.One;
        for (var i = 1; i < table.Length; i++)
        {
            table[i] = table[i - 1] * 10;
        }

        return table;
    }
}
