using System.Runtime.CompilerServices;
using System.Text;

namespace Samsa.Protocol.Primitives;

/// <summary>Encoded sizes of Kafka primitives, used to compute a message's size before writing it.</summary>
public static class KafkaSize
{
    /// <summary>Bytes an unsigned LEB128 varint takes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int UnsignedVarInt(uint value) => (31 - System.Numerics.BitOperations.LeadingZeroCount(value | 1)) / 7 + 1;

    /// <summary>Bytes an unsigned LEB128 varlong takes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int UnsignedVarLong(ulong value) => (63 - System.Numerics.BitOperations.LeadingZeroCount(value | 1)) / 7 + 1;

    /// <summary>Bytes a zigzag varint takes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int VarInt(int value) => UnsignedVarInt((uint)((value << 1) ^ (value >> 31)));

    /// <summary>Bytes a zigzag varlong takes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int VarLong(long value) => UnsignedVarLong((ulong)((value << 1) ^ (value >> 63)));

    /// <summary>Bytes a length or count prefix takes.</summary>
    public static int LengthPrefix(int length, bool compact, bool int16Prefix) =>
        compact ? UnsignedVarInt((uint)(length + 1)) : int16Prefix ? 2 : 4;

    /// <summary>Bytes a nullable string takes, prefix included.</summary>
    public static int NullableString(string? value, bool compact)
    {
        if (value is null) return LengthPrefix(-1, compact, int16Prefix: true);
        int byteCount = Encoding.UTF8.GetByteCount(value);
        return LengthPrefix(byteCount, compact, int16Prefix: true) + byteCount;
    }

    /// <summary>Bytes a nullable byte sequence takes, prefix included.</summary>
    public static int NullableBytes(int length, bool isNull, bool compact) =>
        isNull ? LengthPrefix(-1, compact, int16Prefix: false) : LengthPrefix(length, compact, int16Prefix: false) + length;

    /// <summary>Bytes an array count prefix takes.</summary>
    public static int ArrayLength(int count, bool compact) => LengthPrefix(count, compact, int16Prefix: false);
}
