namespace Samsa.Broker.Mini.Storage;

/// <summary>
/// A segment's bytes in memory: logical positions 0..<see cref="Length"/> laid over a list of chunks, so that a
/// growing log never copies what it already holds. The first chunk starts small and doubles up to
/// <see cref="ChunkBytes"/> (most partitions in tests stay tiny); after that each new chunk is a fresh
/// <see cref="ChunkBytes"/> array (larger when one append needs more). An append never straddles two chunks, so every
/// batch, and therefore every header read, is one contiguous slice. Bytes below <see cref="Length"/> never change, so
/// readers may keep slices while appends continue.
/// </summary>
internal sealed class SegmentBuffer
{
    /// <summary>Size of every chunk after the first has grown to it (4 MiB: at most a quarter lost to slack with 1 MB batches).</summary>
    public const int ChunkBytes = 4 << 20;

    private readonly List<byte[]> _chunks = [];
    private readonly List<int> _starts = [];

    public SegmentBuffer(int initialCapacity)
    {
        _chunks.Add(GC.AllocateUninitializedArray<byte>(Math.Max(initialCapacity, 256)));
        _starts.Add(0);
    }

    public int Length { get; private set; }

    /// <summary>Appends <paramref name="bytes"/> contiguously at <see cref="Length"/>.</summary>
    public void Append(ReadOnlySpan<byte> bytes)
    {
        int last = _chunks.Count - 1;
        int offset = Length - _starts[last];
        if (offset + bytes.Length > _chunks[last].Length) offset = MakeRoom(last, offset, bytes.Length, out last);
        bytes.CopyTo(_chunks[last].AsSpan(offset));
        Length += bytes.Length;
    }

    /// <summary>The <paramref name="length"/> bytes at <paramref name="position"/>, which must lie within one append's chunk.</summary>
    public Memory<byte> Slice(int position, int length)
    {
        int i = ChunkOf(position);
        return _chunks[i].AsMemory(position - _starts[i], length);
    }

    /// <summary>The end of the contiguous run that holds <paramref name="position"/>: a read must stop there.</summary>
    public int ContiguousEnd(int position)
    {
        int i = ChunkOf(position);
        return i + 1 < _starts.Count ? _starts[i + 1] : Length;
    }

    /// <summary>Forgets every byte from <paramref name="length"/> on, and the chunks that held only such bytes.</summary>
    public void Truncate(int length)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, Length);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        while (_starts.Count > 1 && _starts[^1] >= length)
        {
            _starts.RemoveAt(_starts.Count - 1);
            _chunks.RemoveAt(_chunks.Count - 1);
        }
        Length = length;
    }

    /// <summary>
    /// Drops every chunk (the segment was deleted), so its memory can be collected even while something still holds the
    /// segment; slices handed out earlier stay valid. The buffer is empty afterwards.
    /// </summary>
    public void Release()
    {
        _chunks.Clear();
        _starts.Clear();
        _chunks.Add(new byte[256]);
        _starts.Add(0);
        Length = 0;
    }

    private int MakeRoom(int last, int offset, int needed, out int chunk)
    {
        if (last == 0 && _chunks[0].Length < ChunkBytes)
        {
            long size = _chunks[0].Length;
            while (size < offset + needed && size < ChunkBytes) size *= 2;
            if (size >= offset + needed)
            {
                var grown = GC.AllocateUninitializedArray<byte>((int)size);
                _chunks[0].AsSpan(0, offset).CopyTo(grown);
                _chunks[0] = grown;
                chunk = 0;
                return offset;
            }
        }
        _chunks.Add(GC.AllocateUninitializedArray<byte>(Math.Max(ChunkBytes, needed)));
        _starts.Add(Length);
        chunk = last + 1;
        return 0;
    }

    private int ChunkOf(int position)
    {
        if (position >= _starts[^1]) return _starts.Count - 1;
        int i = _starts.BinarySearch(position);
        return i >= 0 ? i : ~i - 1;
    }
}
