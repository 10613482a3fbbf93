using System.Buffers.Binary;

namespace Samsa.Broker.Mini.Storage;

/// <summary>
/// The shared part of Kafka's sparse segment indexes: fixed-size big-endian entries kept in memory and, in disk mode,
/// written through to <c>{baseOffset:D20}.index</c> / <c>.timeindex</c>. As in Kafka, the file of the active segment is
/// preallocated to <c>segment.index.bytes</c> (rounded down to whole entries) and trimmed to its entries when the
/// segment is rolled or closed; a full index rolls the segment.
/// </summary>
internal abstract class SegmentIndex : IDisposable
{
    private byte[] _bytes;
    private FileStream? _file;

    protected SegmentIndex(long baseOffset, string? path, int maxIndexBytes, int entrySize)
    {
        BaseOffset = baseOffset;
        Path = path;
        EntrySize = entrySize;
        MaxEntries = Math.Max(1, maxIndexBytes / entrySize);
        _bytes = new byte[entrySize * Math.Min(MaxEntries, 64)];
    }

    public long BaseOffset { get; }

    public string? Path { get; }

    public int EntrySize { get; }

    public int MaxEntries { get; }

    public int Count { get; private set; }

    public bool IsFull => Count >= MaxEntries;

    /// <summary>The entries in the on-disk format.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes.AsSpan(0, Count * EntrySize);

    /// <summary>
    /// Creates (or overwrites) the file with the current entries: preallocated for the active segment, as Kafka does,
    /// or trimmed to the entries otherwise.
    /// </summary>
    public void CreateFile(bool active)
    {
        if (Path is null) return;
        _file?.Dispose();
        _file = new FileStream(Path, FileMode.Create, FileAccess.ReadWrite, FileShare.Read, 1, FileOptions.None);
        _file.Write(Bytes);
        if (active) Preallocate();
    }

    /// <summary>Opens the existing file, whose entries equal <see cref="Bytes"/> (recovery adopted them).</summary>
    public void OpenFile(bool active)
    {
        if (Path is null) return;
        _file?.Dispose();
        _file = new FileStream(Path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 1, FileOptions.None);
        if (active) Preallocate(); else Trim();
    }

    /// <summary>The file's entries as found on disk (trailing all-zero entries, a preallocated tail, removed), or null when missing.</summary>
    public byte[]? ReadFileEntries()
    {
        if (Path is null || !File.Exists(Path)) return null;
        byte[] bytes = File.ReadAllBytes(Path);
        int length = bytes.Length;
        while (length >= EntrySize && bytes.AsSpan(length - EntrySize, EntrySize).IndexOfAnyExcept((byte)0) < 0) length -= EntrySize;
        return bytes.AsSpan(0, length).ToArray();
    }

    /// <summary>Replaces the in-memory entries (recovery adopting a validated file).</summary>
    public void Load(ReadOnlySpan<byte> entries)
    {
        Count = 0;
        EnsureCapacity(entries.Length / EntrySize);
        entries.CopyTo(_bytes);
        Count = entries.Length / EntrySize;
    }

    /// <summary>Drops the entries from <paramref name="entry"/> on; the file stays preallocated (it belongs to the active segment).</summary>
    public void TruncateToEntries(int entry)
    {
        if (entry >= Count) return;
        Count = entry;
        if (_file is null) return;
        _file.SetLength((long)Count * EntrySize);   // zero the dropped entries: a zero entry ends a preallocated file
        Preallocate();
    }

    /// <summary>Cuts the file to its entries (Kafka's trimToValidSize on roll and close).</summary>
    public void Trim() => _file?.SetLength((long)Count * EntrySize);

    public void DeleteFile()
    {
        _file?.Dispose();
        _file = null;
        if (Path is not null && File.Exists(Path)) File.Delete(Path);
    }

    public void Dispose()
    {
        Trim();
        _file?.Dispose();
        _file = null;
    }

    protected void AppendEntry(ReadOnlySpan<byte> entry)
    {
        EnsureCapacity(Count + 1);
        entry.CopyTo(_bytes.AsSpan(Count * EntrySize));
        if (_file is not null)
        {
            _file.Position = (long)Count * EntrySize;
            _file.Write(entry);
        }
        Count++;
    }

    protected ReadOnlySpan<byte> Entry(int i) => _bytes.AsSpan(i * EntrySize, EntrySize);

    private void Preallocate() => _file?.SetLength((long)MaxEntries * EntrySize);

    private void EnsureCapacity(int entries)
    {
        if (entries * EntrySize <= _bytes.Length) return;
        int size = Math.Max(_bytes.Length * 2, entries * EntrySize);
        Array.Resize(ref _bytes, size);
    }
}

/// <summary>Kafka's offset index: 8-byte entries of a 4-byte offset relative to the segment base and a 4-byte file position.</summary>
internal sealed class OffsetIndex(long baseOffset, string? path, int maxIndexBytes) : SegmentIndex(baseOffset, path, maxIndexBytes, 8)
{
    public long OffsetAt(int i) => BaseOffset + BinaryPrimitives.ReadInt32BigEndian(Entry(i));

    public int PositionAt(int i) => BinaryPrimitives.ReadInt32BigEndian(Entry(i)[4..]);

    /// <summary>The position of the last entry, or 0 when there is none (where Kafka's byte count since the last entry starts).</summary>
    public int LastPosition => Count == 0 ? 0 : PositionAt(Count - 1);

    public void Append(long offset, int position)
    {
        Span<byte> entry = stackalloc byte[8];
        BinaryPrimitives.WriteInt32BigEndian(entry, checked((int)(offset - BaseOffset)));
        BinaryPrimitives.WriteInt32BigEndian(entry[4..], position);
        AppendEntry(entry);
    }

    /// <summary>The position of the largest entry whose offset is at most <paramref name="offset"/>, or 0 (the segment start).</summary>
    public int Lookup(long offset)
    {
        int lo = 0, hi = Count - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (OffsetAt(mid) <= offset) { found = mid; lo = mid + 1; } else hi = mid - 1;
        }
        return found < 0 ? 0 : PositionAt(found);
    }

    /// <summary>Drops every entry pointing at or past <paramref name="position"/>.</summary>
    public void TruncateToPosition(int position)
    {
        int keep = Count;
        while (keep > 0 && PositionAt(keep - 1) >= position) keep--;
        TruncateToEntries(keep);
    }
}

/// <summary>Kafka's time index: 12-byte entries of an 8-byte timestamp and a 4-byte offset relative to the segment base.</summary>
internal sealed class TimeIndex(long baseOffset, string? path, int maxIndexBytes) : SegmentIndex(baseOffset, path, maxIndexBytes, 12)
{
    public long TimestampAt(int i) => BinaryPrimitives.ReadInt64BigEndian(Entry(i));

    public long OffsetAt(int i) => BaseOffset + BinaryPrimitives.ReadInt32BigEndian(Entry(i)[8..]);

    /// <summary>Kafka's maybeAppend: adds an entry only when <paramref name="timestamp"/> is larger than the last one.</summary>
    public void MaybeAppend(long timestamp, long offset)
    {
        if (timestamp < 0 || (Count > 0 && timestamp <= TimestampAt(Count - 1))) return;
        Span<byte> entry = stackalloc byte[12];
        BinaryPrimitives.WriteInt64BigEndian(entry, timestamp);
        BinaryPrimitives.WriteInt32BigEndian(entry[8..], checked((int)(offset - BaseOffset)));
        AppendEntry(entry);
    }

    /// <summary>
    /// The offset of the last entry whose timestamp is below <paramref name="timestamp"/>, or -1: every record up to that
    /// offset's batch is older than the target, so a search may start there. (Strictly below, so an equal timestamp
    /// earlier in the segment is never skipped.)
    /// </summary>
    public long LookupBelow(long timestamp)
    {
        int lo = 0, hi = Count - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (TimestampAt(mid) < timestamp) { found = mid; lo = mid + 1; } else hi = mid - 1;
        }
        return found < 0 ? -1 : OffsetAt(found);
    }

    /// <summary>Drops every entry at or past <paramref name="offset"/>.</summary>
    public void TruncateToOffset(long offset)
    {
        int keep = Count;
        while (keep > 0 && OffsetAt(keep - 1) >= offset) keep--;
        TruncateToEntries(keep);
    }
}
