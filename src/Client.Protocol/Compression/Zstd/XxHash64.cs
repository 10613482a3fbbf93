using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Samsa.Protocol.Compression.Zstd;

/// <summary>One-shot XXH64 (seed 0 by default), as the Zstandard content checksum uses it.</summary>
internal static class XxHash64
{
    private const ulong Prime1 = 0x9E3779B185EBCA87UL;
    private const ulong Prime2 = 0xC2B2AE3D27D4EB4FUL;
    private const ulong Prime3 = 0x165667B19E3779F9UL;
    private const ulong Prime4 = 0x85EBCA77C2B2AE63UL;
    private const ulong Prime5 = 0x27D4EB2F165667C5UL;

    /// <summary>Hashes <paramref name="data"/> with <paramref name="seed"/>.</summary>
    public static ulong Hash(ReadOnlySpan<byte> data, ulong seed = 0)
    {
        int length = data.Length;
        int i = 0;
        ulong h;
        if (length >= 32)
        {
            ulong v1 = seed + Prime1 + Prime2;
            ulong v2 = seed + Prime2;
            ulong v3 = seed;
            ulong v4 = seed - Prime1;
            int limit = length - 32;
            while (i <= limit)
            {
                v1 = Round(v1, BinaryPrimitives.ReadUInt64LittleEndian(data.Slice(i)));
                v2 = Round(v2, BinaryPrimitives.ReadUInt64LittleEndian(data.Slice(i + 8)));
                v3 = Round(v3, BinaryPrimitives.ReadUInt64LittleEndian(data.Slice(i + 16)));
                v4 = Round(v4, BinaryPrimitives.ReadUInt64LittleEndian(data.Slice(i + 24)));
                i += 32;
            }

            h = BitOperations.RotateLeft(v1, 1) + BitOperations.RotateLeft(v2, 7)
                + BitOperations.RotateLeft(v3, 12) + BitOperations.RotateLeft(v4, 18);
            h = MergeRound(h, v1);
            h = MergeRound(h, v2);
            h = MergeRound(h, v3);
            h = MergeRound(h, v4);
        }
        else
        {
            h = seed + Prime5;
        }

        h += (ulong)length;
        while (i + 8 <= length)
        {
            h ^= Round(0, BinaryPrimitives.ReadUInt64LittleEndian(data.Slice(i)));
            h = BitOperations.RotateLeft(h, 27) * Prime1 + Prime4;
            i += 8;
        }

        if (i + 4 <= length)
        {
            h ^= BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(i)) * Prime1;
            h = BitOperations.RotateLeft(h, 23) * Prime2 + Prime3;
            i += 4;
        }

        while (i < length)
        {
            h ^= data[i] * Prime5;
            h = BitOperations.RotateLeft(h, 11) * Prime1;
            i++;
        }

        h ^= h >> 33;
        h *= Prime2;
        h ^= h >> 29;
        h *= Prime3;
        h ^= h >> 32;
        return h;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Round(ulong acc, ulong input)
    {
        acc += input * Prime2;
        acc = BitOperations.RotateLeft(acc, 31);
        return acc * Prime1;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong MergeRound(ulong acc, ulong val)
    {
        acc ^= Round(0, val);
        return acc * Prime1 + Prime4;
    }
}
