using System.Buffers.Binary;

namespace Samsa.Streams.State.Internals;

/// <summary>Kafka's timestamped value layout: an 8-byte big-endian timestamp followed by the value bytes.</summary>
internal static class TimestampedBytes
{
    /// <summary>The timestamp prefix size.</summary>
    public const int TimestampSize = 8;

    /// <summary>Prefixes <paramref name="value"/> with <paramref name="timestamp"/>.</summary>
    public static byte[] Compose(long timestamp, ReadOnlySpan<byte> value)
    {
        var result = new byte[TimestampSize + value.Length];
        BinaryPrimitives.WriteInt64BigEndian(result, timestamp);
        value.CopyTo(result.AsSpan(TimestampSize));
        return result;
    }

    /// <summary>The timestamp of a timestamped value.</summary>
    public static long Timestamp(ReadOnlySpan<byte> stored) => stored.Length >= TimestampSize
        ? BinaryPrimitives.ReadInt64BigEndian(stored)
        : throw new InvalidDataException($"A timestamped value needs at least {TimestampSize} bytes; got {stored.Length}.");

    /// <summary>The plain value of a timestamped value.</summary>
    public static byte[] RawValue(byte[] stored) => stored.Length >= TimestampSize
        ? stored.AsSpan(TimestampSize).ToArray()
        : throw new InvalidDataException($"A timestamped value needs at least {TimestampSize} bytes; got {stored.Length}.");
}
