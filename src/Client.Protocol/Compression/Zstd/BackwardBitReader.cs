using System.Numerics;
using System.Runtime.CompilerServices;

namespace Samsa.Protocol.Compression.Zstd;

/// <summary>
/// Reads a Zstandard backward bitstream (FSE and Huffman payloads): bits are consumed from the end of the stream toward its
/// start, most significant first. The last byte carries a 1 marker above its padding. Reads past the start yield zeros and
/// are detected by <see cref="Overflowed"/>/<see cref="IsComplete"/>, never by touching memory outside the stream.
/// </summary>
internal unsafe struct BackwardBitReader
{
    /// <summary>The 64-bit window; bit 63 is the next bit to read once shifted by <see cref="Consumed"/>.</summary>
    public ulong Bits;

    /// <summary>Bits already consumed from the top of <see cref="Bits"/>.</summary>
    public int Consumed;

    /// <summary>Where <see cref="Bits"/> was loaded from (8 bytes) when the stream is at least 8 bytes long.</summary>
    public byte* Ptr;

    /// <summary>First byte of the stream.</summary>
    public byte* Start;

    /// <summary>Initializes over <paramref name="length"/> bytes at <paramref name="start"/>; throws when the stream is empty or lacks its marker.</summary>
    public BackwardBitReader(byte* start, int length)
    {
        if (length < 1)
        {
            ZstdThrow.Corrupt("empty bitstream");
        }

        Start = start;
        byte last = start[length - 1];
        if (last == 0)
        {
            ZstdThrow.Corrupt("bitstream without end marker");
        }

        if (length >= 8)
        {
            Ptr = start + length - 8;
            Bits = Unsafe.ReadUnaligned<ulong>(Ptr);
            Consumed = 0;
        }
        else
        {
            Ptr = start;
            ulong bits = 0;
            for (int i = 0; i < length; i++)
            {
                bits |= (ulong)start[i] << (8 * i);
            }

            Bits = bits;
            Consumed = (8 - length) * 8;
        }

        Consumed += 8 - (31 - BitOperations.LeadingZeroCount((uint)last));
    }

    /// <summary>Returns the next <paramref name="count"/> bits (0..56) without consuming them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly ulong Peek(int count) => ((Bits << (Consumed & 63)) >> 1) >> (63 - count);

    /// <summary>Peeks <paramref name="count"/> bits (1..56); cheaper than <see cref="Peek"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly uint PeekNonZero(int count) => (uint)((Bits << (Consumed & 63)) >> (64 - count));

    /// <summary>Reads <paramref name="count"/> bits (0..56).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Read(int count)
    {
        ulong v = ((Bits << (Consumed & 63)) >> 1) >> (63 - count);
        Consumed += count;
        return v;
    }

    /// <summary>Refills the window. Returns true while at least 8 bytes remain unread (the fast path is safe).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Reload()
    {
        if (Consumed > 64)
        {
            return false;
        }

        if (Ptr - Start >= 8)
        {
            Ptr -= Consumed >> 3;
            Consumed &= 7;
            Bits = Unsafe.ReadUnaligned<ulong>(Ptr);
            return true;
        }

        if (Ptr == Start)
        {
            return false;
        }

        int bytes = Consumed >> 3;
        if (Ptr - bytes < Start)
        {
            bytes = (int)(Ptr - Start);
        }

        Ptr -= bytes;
        Consumed -= bytes * 8;
        Bits = Unsafe.ReadUnaligned<ulong>(Ptr);
        return false;
    }

    /// <summary>True once more bits were read than the stream holds.</summary>
    public readonly bool Overflowed => Consumed > 64 || (Ptr == Start && Consumed > 64);

    /// <summary>True when every bit of the stream has been consumed exactly.</summary>
    public bool IsComplete
    {
        get
        {
            Reload();
            return Ptr == Start && Consumed == 64;
        }
    }
}
