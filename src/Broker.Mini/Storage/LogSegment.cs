using Samsa.Protocol.Records;

namespace Samsa.Broker.Mini.Storage;

/// <summary>Where one batch sits in a segment, plus what the offset and time indexes need about it.</summary>
internal readonly record struct BatchEntry(
    int Position, int Size, long BaseOffset, long LastOffset, long MaxTimestamp, long MaxTimestampSoFar, int LeaderEpoch);

/// <summary>
/// One log segment: batches laid end to end in a growable buffer (mirrored to a file in disk mode), with a dense
/// in-memory index (one entry per batch) serving as both the offset index and the time index.
/// Bytes below <see cref="Length"/> never change, so readers may keep slices of an older buffer after a regrowth.
/// </summary>
internal sealed class LogSegment : IDisposable
{
    private byte[] _buffer;
    private readonly List<BatchEntry> _entries = new();
    private FileStream? _file;

    public LogSegment(long baseOffset, long createdMs, string? path, int initialCapacity = 4096)
    {
        BaseOffset = baseOffset;
        CreatedMs = createdMs;
        LastModifiedMs = createdMs;
        Path = path;
        _buffer = new byte[Math.Max(initialCapacity, 256)];
        if (path is not null)
            _file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 1, FileOptions.None);
    }

    public long BaseOffset { get; }

    /// <summary>Wall-clock time of the segment's creation, for segment.ms rolls.</summary>
    public long CreatedMs { get; }

    public string? Path { get; }

    /// <summary>Wall-clock time of the last append (the file's last write time after recovery): the cleaner's tombstone clock.</summary>
    public long LastModifiedMs { get; set; }

    /// <summary>False only once the cleaner has seen that this segment holds no tombstone.</summary>
    public bool MayHaveTombstones { get; set; } = true;

    public int Length { get; private set; }

    public IReadOnlyList<BatchEntry> Entries => _entries;

    public bool IsEmpty => _entries.Count == 0;

    /// <summary>The next offset after this segment's last batch, or the base offset when empty.</summary>
    public long NextOffset => _entries.Count == 0 ? BaseOffset : _entries[^1].LastOffset + 1;

    public long MaxTimestamp => _entries.Count == 0 ? -1 : _entries[^1].MaxTimestampSoFar;

    /// <summary>Appends a batch whose offsets are already assigned; writes it through to the file in disk mode.</summary>
    public void Append(ReadOnlySpan<byte> batch, in RecordBatchHeader header, bool writeFile = true)
    {
        EnsureCapacity(Length + batch.Length);
        batch.CopyTo(_buffer.AsSpan(Length));
        if (_file is not null && writeFile)
        {
            _file.Position = Length;
            _file.Write(batch);
            _file.Flush();
        }
        long soFar = Math.Max(header.MaxTimestamp, _entries.Count == 0 ? -1 : _entries[^1].MaxTimestampSoFar);
        _entries.Add(new BatchEntry(Length, batch.Length, header.BaseOffset, header.LastOffset, header.MaxTimestamp, soFar,
            header.PartitionLeaderEpoch));
        Length += batch.Length;
    }

    /// <summary>The index of the first batch whose last offset is at least <paramref name="offset"/>, or Count.</summary>
    public int FindByOffset(long offset)
    {
        int lo = 0, hi = _entries.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_entries[mid].LastOffset < offset) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    /// <summary>The index of the first batch whose running max timestamp reaches <paramref name="timestamp"/>, or Count.</summary>
    public int FindByTimestamp(long timestamp)
    {
        int lo = 0, hi = _entries.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_entries[mid].MaxTimestampSoFar < timestamp) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    /// <summary>The stored bytes of one batch (no copy).</summary>
    public ReadOnlyMemory<byte> BatchBytes(int entry) => _buffer.AsMemory(_entries[entry].Position, _entries[entry].Size);

    /// <summary>
    /// Whole batches from entry <paramref name="first"/> on, at most <paramref name="maxBytes"/> (but at least one batch when
    /// <paramref name="minOneBatch"/>), stopping before any batch that starts at or beyond <paramref name="upperBound"/>.
    /// Returns a slice of the stored bytes, not a copy.
    /// </summary>
    public ReadOnlyMemory<byte> Read(int first, int maxBytes, bool minOneBatch, long upperBound)
    {
        int start = first < _entries.Count ? _entries[first].Position : Length;
        int end = start;
        for (int i = first; i < _entries.Count; i++)
        {
            var e = _entries[i];
            if (e.BaseOffset >= upperBound) break;
            if (end - start + e.Size > maxBytes && !(minOneBatch && i == first)) break;
            end = e.Position + e.Size;
        }
        return _buffer.AsMemory(start, end - start);
    }

    /// <summary>Drops every batch from entry <paramref name="entry"/> on (recovery and truncation).</summary>
    public void TruncateFromEntry(int entry)
    {
        if (entry >= _entries.Count) return;
        int position = _entries[entry].Position;
        _entries.RemoveRange(entry, _entries.Count - entry);
        Length = position;
        _file?.SetLength(position);
    }

    /// <summary>Cuts the file to <paramref name="length"/> bytes (a torn tail found at recovery).</summary>
    public void TruncateFile(long length) => _file?.SetLength(length);

    public void DeleteFile()
    {
        _file?.Dispose();
        _file = null;
        if (Path is not null && File.Exists(Path)) File.Delete(Path);
    }

    public void Dispose()
    {
        _file?.Dispose();
        _file = null;
    }

    private void EnsureCapacity(int needed)
    {
        if (needed <= _buffer.Length) return;
        long size = _buffer.Length;
        while (size < needed) size *= 2;
        var grown = new byte[Math.Min(size, Array.MaxLength)];
        _buffer.AsSpan(0, Length).CopyTo(grown);
        _buffer = grown;
    }
}
