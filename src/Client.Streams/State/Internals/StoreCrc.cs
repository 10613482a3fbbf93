using System.Buffers.Binary;
using System.Numerics;

namespace Samsa.Streams.State.Internals;

/// <summary>CRC-32C (Castagnoli) over store file entries.</summary>
internal static class StoreCrc
{
    /// <summary>Starts a running CRC.</summary>
    public const uint Seed = 0xFFFF_FFFFu;

    /// <summary>Feeds <paramref name="data"/> into a running CRC.</summary>
    public static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        int i = 0;
        for (; i <= data.Length - 8; i += 8) crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data[i..]));
        for (; i < data.Length; i++) crc = BitOperations.Crc32C(crc, data[i]);
        return crc;
    }

    /// <summary>Finishes a running CRC.</summary>
    public static uint Finish(uint crc) => ~crc;
}
