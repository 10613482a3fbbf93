using System.Runtime.CompilerServices;

namespace Samsa.Protocol.Records;

/// <summary>
/// Zigzag varint reads and writes at a cursor, with a one-byte fast path: the hot loops of record encoding
/// and decoding, where most fields fit in one byte.
/// </summary>
internal static class Varint
{
    /// <summary>Reads a zigzag varint (at most 5 bytes); throws <see cref="CorruptRecordException"/> when malformed or cut short.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ReadInt(ReadOnlySpan<byte> span, ref int position)
    {
        int at = position;
        if ((uint)at < (uint)span.Length)
        {
            uint b = span[at];
            if (b < 0x80)
            {
                position = at + 1;
                return (int)(b >> 1) ^ -(int)(b & 1);
            }
            // Two bytes (64..8191 zigzagged): record lengths and values of typical sizes.
            if ((uint)(at + 1) < (uint)span.Length && span[at + 1] < 0x80)
            {
                b = (b & 0x7F) | ((uint)span[at + 1] << 7);
                position = at + 2;
                return (int)(b >> 1) ^ -(int)(b & 1);
            }
        }
        uint raw = (uint)ReadSlow(span, ref position, 5);
        return (int)(raw >> 1) ^ -(int)(raw & 1);
    }

    /// <summary>Reads a zigzag varlong (at most 10 bytes); throws <see cref="CorruptRecordException"/> when malformed or cut short.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long ReadLong(ReadOnlySpan<byte> span, ref int position)
    {
        int at = position;
        if ((uint)at < (uint)span.Length)
        {
            uint b = span[at];
            if (b < 0x80)
            {
                position = at + 1;
                return (long)(b >> 1) ^ -(long)(b & 1);
            }
            if ((uint)(at + 1) < (uint)span.Length && span[at + 1] < 0x80)
            {
                b = (b & 0x7F) | ((uint)span[at + 1] << 7);
                position = at + 2;
                return (long)(b >> 1) ^ -(long)(b & 1);
            }
        }
        ulong raw = ReadSlow(span, ref position, 10);
        return (long)(raw >> 1) ^ -(long)(raw & 1);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ulong ReadSlow(ReadOnlySpan<byte> span, ref int position, int maxBytes)
    {
        ulong result = 0;
        int at = position;
        for (int i = 0; i < maxBytes; i++)
        {
            if ((uint)at >= (uint)span.Length) throw new CorruptRecordException("Varint runs past the end of its record.");
            byte b = span[at++];
            result |= (ulong)(b & 0x7F) << (7 * i);
            if (b < 0x80)
            {
                position = at;
                return result;
            }
        }
        throw new CorruptRecordException("Malformed varint: too many continuation bytes.");
    }

    /// <summary>Writes a zigzag varint; the caller sized <paramref name="span"/> beforehand.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WriteInt(Span<byte> span, ref int position, int value) =>
        WriteUnsigned(span, ref position, (uint)((value << 1) ^ (value >> 31)));

    /// <summary>Writes a zigzag varlong; the caller sized <paramref name="span"/> beforehand.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WriteLong(Span<byte> span, ref int position, long value) =>
        WriteUnsigned(span, ref position, (ulong)((value << 1) ^ (value >> 63)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WriteUnsigned(Span<byte> span, ref int position, ulong value)
    {
        int at = position;
        while (value >= 0x80)
        {
            span[at++] = (byte)(value | 0x80);
            value >>= 7;
        }
        span[at++] = (byte)value;
        position = at;
    }
}
