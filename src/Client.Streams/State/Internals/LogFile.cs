using System.Buffers.Binary;

namespace Samsa.Streams.State.Internals;

/// <summary>
/// A log-structured bytes map on disk (the persistent store engine, in place of RocksDB). One append-only file
/// <c>data.log</c>: an 8-byte magic, then entries <c>[crc32c u32][type u8][key length i32][value length i32][key][value]</c>
/// (little-endian; the CRC covers everything after itself; type 1 puts, type 2 deletes). All keys live in an in-memory
/// sorted index pointing at their entry; values are read from the file (CRC-checked) when asked for. Writes gather in a
/// small buffer; <see cref="Flush"/> writes and fsyncs it. Overwritten entries and tombstones are garbage: once it is
/// large enough, the live entries are copied to a new file which atomically replaces the old one. Opening replays the
/// file; a damaged tail (a torn write) is truncated, damage followed by valid entries throws
/// <see cref="StateStoreCorruptedException"/>. Lengths read from disk are validated before anything is allocated.
/// Operations take an internal lock, so interactive queries may read while the owning task writes.
/// </summary>
internal sealed partial class LogFile : IDisposable
{
    public const string DataFileName = "data.log";
    private const string CompactingFileName = "data.log.compacting";
    internal const int FileHeaderSize = 8;
    internal const int EntryHeaderSize = 13;
    internal const byte PutType = 1;
    internal const byte DeleteType = 2;

    private readonly LogStructuredStoreOptions _options;
    private readonly OrderedBytesMap<Location> _index = new();
    private readonly byte[] _pending;
    private readonly Lock _lock = new();
    private byte[] _readBuffer = new byte[256];
    private FileStream _file;
    private int _pendingLength;
    private long _fileLength;
    private long _liveBytes;
    private long _garbageBytes;
    private bool _closed;

    private LogFile(string directory, LogStructuredStoreOptions options, FileStream file)
    {
        StoreDirectory = directory;
        FilePath = Path.Combine(directory, DataFileName);
        _options = options;
        _pending = new byte[options.WriteBufferBytes];
        _file = file;
    }

    /// <summary>The file's 8-byte magic: format name and version.</summary>
    internal static ReadOnlySpan<byte> Magic => "SAMSAKV1"u8;

    /// <summary>The directory holding the store.</summary>
    public string StoreDirectory { get; }

    /// <summary>The data file.</summary>
    public string FilePath { get; }

    /// <summary>Live keys.</summary>
    public int Count => _index.Count;

    /// <summary>Bytes of garbage (overwritten entries and tombstones) in the file.</summary>
    internal long GarbageBytes => _garbageBytes;

    /// <summary>Bytes of live entries.</summary>
    internal long LiveBytes => _liveBytes;

    /// <summary>The logical file length, buffered writes included.</summary>
    internal long Length => _fileLength + _pendingLength;

    /// <summary>How many times the file was rewritten since it was opened.</summary>
    internal int Compactions { get; private set; }

    /// <summary>Bytes cut from a torn tail when the file was opened.</summary>
    internal long TruncatedBytes { get; private set; }

    /// <summary>Opens (or creates) the store in <paramref name="directory"/> and replays it.</summary>
    public static LogFile Open(string directory, LogStructuredStoreOptions options)
    {
        Directory.CreateDirectory(directory);
        string leftover = Path.Combine(directory, CompactingFileName);
        if (File.Exists(leftover)) File.Delete(leftover); // an interrupted rewrite: the original is intact
        var stream = new FileStream(Path.Combine(directory, DataFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, bufferSize: 0);
        var log = new LogFile(directory, options, stream);
        try
        {
            log.Recover();
            return log;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>The value of <paramref name="key"/>, or null.</summary>
    public byte[]? Get(byte[] key)
    {
        lock (_lock)
        {
            EnsureOpen();
            return _index.TryGetValue(key, out var location) ? ReadValue(location) : null;
        }
    }

    /// <summary>Writes <paramref name="value"/> (null deletes); returns true when the key existed.</summary>
    public bool Put(byte[] key, byte[]? value)
    {
        lock (_lock) return PutLocked(key, value);
    }

    private bool PutLocked(byte[] key, byte[]? value)
    {
        EnsureOpen();
        if (key.Length > _options.MaxKeyBytes) throw new ArgumentException($"Key of {key.Length} bytes exceeds the store limit of {_options.MaxKeyBytes}.", nameof(key));
        if (value is not null && value.Length > _options.MaxValueBytes)
            throw new ArgumentException($"Value of {value.Length} bytes exceeds the store limit of {_options.MaxValueBytes}.", nameof(value));
        bool existed;
        if (value is null)
        {
            existed = _index.Remove(key, out var old);
            if (!existed) return false; // nothing in the file to shadow
            _liveBytes -= old.EntrySize;
            _garbageBytes += old.EntrySize;
            var tombstone = Append(DeleteType, key, default);
            _garbageBytes += tombstone.EntrySize;
        }
        else
        {
            var location = Append(PutType, key, value);
            existed = _index.Set(key, location, out var old);
            _liveBytes += location.EntrySize;
            if (existed)
            {
                _liveBytes -= old.EntrySize;
                _garbageBytes += old.EntrySize;
            }
        }
        MaybeCompact();
        return existed;
    }

    /// <summary>Entries between the inclusive bounds (null is open).</summary>
    public IKeyValueIterator<byte[], byte[]> Range(byte[]? from, byte[]? to, bool reverse) =>
        new MapIterator<Location>(_index.Range(from, to, reverse), ReadNode);

    /// <summary>Writes buffered entries and fsyncs the file.</summary>
    public void Flush()
    {
        lock (_lock)
        {
            EnsureOpen();
            FlushPending();
            _file.Flush(flushToDisk: true);
        }
    }

    /// <summary>Flushes and closes the file.</summary>
    public void Dispose()
    {
        lock (_lock) DisposeLocked();
    }

    private void DisposeLocked()
    {
        if (_closed) return;
        try
        {
            FlushPending();
            _file.Flush(flushToDisk: true);
        }
        finally
        {
            _closed = true;
            _file.Dispose();
            _index.Clear();
        }
    }

    /// <summary>Closes the file and deletes the store directory.</summary>
    public void Destroy()
    {
        lock (_lock)
        {
            _closed = true;
            _file.Dispose();
            _index.Clear();
            if (Directory.Exists(StoreDirectory)) Directory.Delete(StoreDirectory, recursive: true);
        }
    }

    private void EnsureOpen() => ObjectDisposedException.ThrowIf(_closed, this);

    private Location Append(byte type, byte[] key, ReadOnlySpan<byte> value)
    {
        int size = EntryHeaderSize + key.Length + value.Length;
        var location = new Location(_fileLength + _pendingLength, key.Length, value.Length);
        if (size > _pending.Length - _pendingLength) FlushPending();
        if (size > _pending.Length)
        {
            var entry = new byte[size];
            Encode(entry, type, key, value);
            RandomAccess.Write(_file.SafeFileHandle, entry, _fileLength);
            _fileLength += size;
            return location;
        }
        Encode(_pending.AsSpan(_pendingLength, size), type, key, value);
        _pendingLength += size;
        return location;
    }

    private static void Encode(Span<byte> entry, byte type, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        entry[4] = type;
        BinaryPrimitives.WriteInt32LittleEndian(entry[5..], key.Length);
        BinaryPrimitives.WriteInt32LittleEndian(entry[9..], value.Length);
        key.CopyTo(entry[EntryHeaderSize..]);
        value.CopyTo(entry[(EntryHeaderSize + key.Length)..]);
        BinaryPrimitives.WriteUInt32LittleEndian(entry, StoreCrc.Finish(StoreCrc.Update(StoreCrc.Seed, entry[4..])));
    }

    private void FlushPending()
    {
        if (_pendingLength == 0) return;
        RandomAccess.Write(_file.SafeFileHandle, _pending.AsSpan(0, _pendingLength), _fileLength);
        _fileLength += _pendingLength;
        _pendingLength = 0;
    }

    private byte[]? ReadNode(OrderedBytesMap<Location>.Node node)
    {
        lock (_lock) return node.Removed ? null : ReadValue(node.Value);
    }

    private byte[] ReadValue(Location location)
    {
        EnsureOpen();
        int size = location.EntrySize;
        Span<byte> entry;
        if (location.Offset >= _fileLength)
        {
            entry = _pending.AsSpan((int)(location.Offset - _fileLength), size);
        }
        else
        {
            if (_readBuffer.Length < size) _readBuffer = new byte[Math.Max(size, _readBuffer.Length * 2)];
            entry = _readBuffer.AsSpan(0, size);
            ReadExactly(_file.SafeFileHandle, entry, location.Offset);
            uint expected = BinaryPrimitives.ReadUInt32LittleEndian(entry);
            if (StoreCrc.Finish(StoreCrc.Update(StoreCrc.Seed, entry[4..])) != expected)
                throw new StateStoreCorruptedException(FilePath, location.Offset, "entry checksum mismatch on read");
        }
        return entry.Slice(EntryHeaderSize + location.KeyLength, location.ValueLength).ToArray();
    }

    private void ReadExactly(Microsoft.Win32.SafeHandles.SafeFileHandle handle, Span<byte> destination, long offset)
    {
        while (!destination.IsEmpty)
        {
            int read = RandomAccess.Read(handle, destination, offset);
            if (read <= 0) throw new StateStoreCorruptedException(FilePath, offset, "file ends inside an entry");
            destination = destination[read..];
            offset += read;
        }
    }

    /// <summary>Where an entry lives.</summary>
    internal readonly record struct Location(long Offset, int KeyLength, int ValueLength)
    {
        public int EntrySize => EntryHeaderSize + KeyLength + ValueLength;
    }
}
