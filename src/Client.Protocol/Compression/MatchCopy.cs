using System.Runtime.CompilerServices;

namespace Samsa.Protocol.Compression;

/// <summary>The overlapping back-reference copy the LZ77-style decoders share (LZ4, Snappy).</summary>
internal static unsafe class MatchCopy
{
    /// <summary>
    /// Copies <paramref name="length"/> bytes from <paramref name="offset"/> bytes back, where the regions may overlap
    /// (a short offset repeats a pattern); returns the new output position. The caller has checked that the match
    /// starts inside the output written so far and ends at or before <paramref name="opEnd"/>; wide copies are used
    /// only when 16 bytes of slack remain after the match.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte* Copy(byte* op, nint offset, nint length, byte* opEnd)
    {
        byte* end = op + length;
        byte* match = op - offset;
        if (opEnd - end < 16)
        {
            while (op < end)
            {
                *op++ = *match++;
            }

            return end;
        }

        if (offset >= 16)
        {
            do
            {
                Unsafe.CopyBlockUnaligned(op, match, 16);
                op += 16;
                match += 16;
            }
            while (op < end);

            return end;
        }

        if (offset < 8)
        {
            // A multiple of the period is also a valid distance: widen it to at least 8, then copy words.
            nint wide = offset * ((8 + offset - 1) / offset);
            byte* head = op + Math.Min(wide, length);
            while (op < head)
            {
                *op++ = *match++;
            }

            match = op - wide;
        }

        while (op < end)
        {
            Unsafe.WriteUnaligned(op, Unsafe.ReadUnaligned<ulong>(match));
            op += 8;
            match += 8;
        }

        return end;
    }
}
