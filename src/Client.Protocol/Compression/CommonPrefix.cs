using System.Numerics;
using System.Runtime.CompilerServices;

namespace Samsa.Protocol.Compression;

/// <summary>The match-length primitive every LZ77-style compressor here shares (LZ4, Snappy, zstd).</summary>
internal static unsafe class CommonPrefix
{
    /// <summary>
    /// How many bytes at <paramref name="a"/> equal those at <paramref name="b"/>, reading <paramref name="a"/> no further
    /// than <paramref name="aEnd"/> (exclusive); <paramref name="b"/> must be readable as far. Eight bytes per step.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Length(byte* a, byte* b, byte* aEnd)
    {
        byte* start = a;
        while (a + 8 <= aEnd)
        {
            ulong diff = Unsafe.ReadUnaligned<ulong>(a) ^ Unsafe.ReadUnaligned<ulong>(b);
            if (diff != 0)
            {
                return (int)(a - start) + (BitOperations.TrailingZeroCount(diff) >> 3);
            }

            a += 8;
            b += 8;
        }

        while (a < aEnd && *a == *b)
        {
            a++;
            b++;
        }

        return (int)(a - start);
    }
}
