using System.Buffers.Binary;

namespace Samsa.Protocol;

/// <summary>
/// Kafka's 128-bit UUID (topic ids, directory ids, incarnation ids), stored as two big-endian 64-bit halves.
/// Its text form is URL-safe base64 without padding, as in the Java client's <c>Uuid.toString()</c>.
/// </summary>
public readonly record struct Uuid(long MostSignificantBits, long LeastSignificantBits)
{
    /// <summary>The all-zero UUID, which Kafka uses for "no id".</summary>
    public static readonly Uuid Zero = default;

    /// <summary>A sentinel Kafka reserves for metadata topic ids (0, 1).</summary>
    public static readonly Uuid MetadataTopicId = new(0, 1);

    /// <summary>Creates a random version-4 UUID, avoiding the reserved values as Kafka does.</summary>
    public static Uuid NewRandom()
    {
        Span<byte> bytes = stackalloc byte[16];
        while (true)
        {
            var guid = Guid.NewGuid();
            guid.TryWriteBytes(bytes, bigEndian: true, out _);
            var id = FromBytes(bytes);
            if (id != Zero && id != MetadataTopicId && !id.ToString().StartsWith('-')) return id;
        }
    }

    /// <summary>Reads a UUID from 16 big-endian bytes.</summary>
    public static Uuid FromBytes(ReadOnlySpan<byte> bytes) =>
        new(BinaryPrimitives.ReadInt64BigEndian(bytes), BinaryPrimitives.ReadInt64BigEndian(bytes[8..]));

    /// <summary>Writes the UUID as 16 big-endian bytes.</summary>
    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteInt64BigEndian(destination, MostSignificantBits);
        BinaryPrimitives.WriteInt64BigEndian(destination[8..], LeastSignificantBits);
    }

    /// <summary>Parses the URL-safe base64 form produced by <see cref="ToString"/>.</summary>
    public static Uuid Parse(string text)
    {
        var base64 = text.Replace('-', '+').Replace('_', '/') + "==";
        var bytes = Convert.FromBase64String(base64);
        if (bytes.Length != 16) throw new FormatException($"'{text}' is not a 16-byte Kafka UUID.");
        return FromBytes(bytes);
    }

    /// <inheritdoc />
    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[16];
        WriteTo(bytes);
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
}
