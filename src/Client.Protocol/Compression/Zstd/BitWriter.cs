using System.Runtime.CompilerServices;

namespace Samsa.Protocol.Compression.Zstd;

/// <summary>
/// Writes a forward, little-endian, LSB-first bitstream, the mirror of <see cref="BackwardBitReader"/>: the last bits written
/// are the first read. Needs 8 writable bytes past its limit; sets <see cref="Overflow"/> instead of writing past it.
/// </summary>
internal unsafe struct BitWriter
{
    private ulong _bits;
    private int _count;
    private byte* _ptr;
    private readonly byte* _start;
    private readonly byte* _limit;

    /// <summary>True when the output did not fit.</summary>
    public bool Overflow;

    /// <summary>Creates a writer over <paramref name="capacity"/> bytes, of which the last 8 are slack.</summary>
    public BitWriter(byte* start, int capacity)
    {
        _start = start;
        _ptr = start;
        _limit = start + Math.Max(capacity - 8, 0);
        _bits = 0;
        _count = 0;
        Overflow = capacity < 8;
    }

    /// <summary>Appends the low <paramref name="count"/> bits of <paramref name="value"/>; the caller flushes before 57 bits accumulate.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(ulong value, int count)
    {
        _bits |= (value & ((1UL << count) - 1)) << _count;
        _count += count;
    }

    /// <summary>Appends bits known to be clean above <paramref name="count"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddClean(ulong value, int count)
    {
        _bits |= value << _count;
        _count += count;
    }

    /// <summary>Moves whole bytes out of the accumulator.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Flush()
    {
        int bytes = _count >> 3;
        Unsafe.WriteUnaligned(_ptr, _bits);
        _ptr += bytes;
        if (_ptr > _limit)
        {
            _ptr = _limit;
            Overflow = true;
        }

        _count &= 7;
        _bits = bytes == 8 ? 0 : _bits >> (bytes * 8);
    }

    /// <summary>Writes the end marker and returns the stream length in bytes.</summary>
    public int Close()
    {
        Add(1, 1);
        Flush();
        return (int)(_ptr - _start) + (_count > 0 ? 1 : 0);
    }
}
