using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Samsa.Protocol.Records;

/// <summary>CRC-32C (Castagnoli), as record batches v2 use it; hardware accelerated where available.</summary>
internal static class Crc32C
{
    /// <summary>Computes the CRC-32C of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => ~Update(0xFFFF_FFFFu, data);

    /// <summary>Feeds <paramref name="data"/> into a running (pre-inverted) CRC state.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        ref byte start = ref MemoryMarshal.GetReference(data);
        int length = data.Length;
        int i = 0;
        // CRC-32C is bit-reflected, so a little-endian ulong feeds its bytes in stream order.
        for (; i <= length - 8; i += 8)
        {
            ulong word = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, i));
            if (!BitConverter.IsLittleEndian) word = BinaryPrimitives.ReverseEndianness(word);
            crc = BitOperations.Crc32C(crc, word);
        }
        if (i <= length - 4)
        {
            uint word = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref start, i));
            if (!BitConverter.IsLittleEndian) word = BinaryPrimitives.ReverseEndianness(word);
            crc = BitOperations.Crc32C(crc, word);
            i += 4;
        }
        for (; i < length; i++) crc = BitOperations.Crc32C(crc, Unsafe.Add(ref start, i));
        return crc;
    }
}
