namespace Samsa.Streams.State.Internals;

internal sealed partial class LogFile
{
    /// <summary>Rewrites the file when garbage passes both the size floor and the ratio.</summary>
    private void MaybeCompact()
    {
        if (_garbageBytes < _options.CompactionMinGarbageBytes) return;
        if (_garbageBytes <= _options.CompactionGarbageRatio * (_liveBytes + _garbageBytes)) return;
        Compact();
    }

    /// <summary>
    /// Copies live entries (in file order, bytes unchanged) to <c>data.log.compacting</c>, fsyncs it and renames it
    /// over <c>data.log</c>; a crash before the rename leaves the old file, which is intact, and the leftover is
    /// deleted on the next open.
    /// </summary>
    internal void Compact()
    {
        lock (_lock) CompactLocked();
    }

    private void CompactLocked()
    {
        EnsureOpen();
        FlushPending();
        var nodes = new List<OrderedBytesMap<Location>.Node>(_index.Count);
        var cursor = _index.Range(null, null, reverse: false);
        while (cursor.Next() is { } node) nodes.Add(node);
        cursor.Close();
        nodes.Sort(static (a, b) => a.Value.Offset.CompareTo(b.Value.Offset));

        string temporary = Path.Combine(StoreDirectory, CompactingFileName);
        var moved = new Location[nodes.Count];
        long offset = FileHeaderSize;
        try
        {
            using (var output = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1 << 20))
            {
                output.Write(Magic);
                byte[] buffer = new byte[64 << 10];
                for (int i = 0; i < nodes.Count; i++)
                {
                    var location = nodes[i].Value;
                    int size = location.EntrySize;
                    if (buffer.Length < size) buffer = new byte[size];
                    ReadExactly(_file.SafeFileHandle, buffer.AsSpan(0, size), location.Offset);
                    output.Write(buffer, 0, size);
                    moved[i] = location with { Offset = offset };
                    offset += size;
                }
                output.Flush(flushToDisk: true);
            }
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }

        _file.Dispose();
        File.Move(temporary, FilePath, overwrite: true);
        _file = new FileStream(FilePath, FileMode.Open, FileAccess.ReadWrite, FileShare.Read, bufferSize: 0);
        for (int i = 0; i < nodes.Count; i++) nodes[i].Value = moved[i];
        _fileLength = offset;
        _liveBytes = offset - FileHeaderSize;
        _garbageBytes = 0;
        Compactions++;
    }
}
