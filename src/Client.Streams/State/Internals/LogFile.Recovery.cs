using System.Buffers.Binary;

namespace Samsa.Streams.State.Internals;

internal sealed partial class LogFile
{
    private const int ScanChunkBytes = 1 << 20;

    /// <summary>Replays the file into the index; truncates a torn tail; throws on damage followed by valid entries.</summary>
    private void Recover()
    {
        var handle = _file.SafeFileHandle;
        long length = RandomAccess.GetLength(handle);
        Span<byte> magic = stackalloc byte[FileHeaderSize];
        if (length < FileHeaderSize)
        {
            // New, or torn while being created: start a fresh file.
            RandomAccess.SetLength(handle, 0);
            RandomAccess.Write(handle, Magic, 0);
            _file.Flush(flushToDisk: true);
            TruncatedBytes = length;
            _fileLength = FileHeaderSize;
            return;
        }
        ReadExactly(handle, magic, 0);
        if (!magic.SequenceEqual(Magic)) throw new StateStoreCorruptedException(FilePath, 0, "not a Samsa key-value store file (bad magic)");

        using var reader = new FileStream(FilePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: ScanChunkBytes);
        reader.Seek(FileHeaderSize, SeekOrigin.Begin);
        long position = FileHeaderSize;
        var chunk = new byte[64 << 10];
        Span<byte> header = stackalloc byte[EntryHeaderSize];
        while (position < length)
        {
            if (!TryReadEntry(reader, position, length, header, chunk, out byte type, out byte[]? key, out int valueLength))
            {
                if (HasValidEntryAfter(position, length))
                    throw new StateStoreCorruptedException(FilePath, position, "a damaged entry is followed by valid entries");
                RandomAccess.SetLength(handle, position);
                _file.Flush(flushToDisk: true);
                TruncatedBytes = length - position;
                break;
            }
            var location = new Location(position, key!.Length, valueLength);
            if (type == PutType)
            {
                if (_index.Set(key, location, out var old))
                {
                    _liveBytes -= old.EntrySize;
                    _garbageBytes += old.EntrySize;
                }
                _liveBytes += location.EntrySize;
            }
            else
            {
                if (_index.Remove(key, out var old))
                {
                    _liveBytes -= old.EntrySize;
                    _garbageBytes += old.EntrySize;
                }
                _garbageBytes += location.EntrySize;
            }
            position += location.EntrySize;
        }
        _fileLength = position;
    }

    /// <summary>Reads and checks one entry from <paramref name="reader"/> (positioned at it); false when it is damaged or cut short.</summary>
    private bool TryReadEntry(FileStream reader, long position, long length, Span<byte> header, byte[] chunk,
        out byte type, out byte[]? key, out int valueLength)
    {
        key = null;
        valueLength = 0;
        type = 0;
        if (length - position < EntryHeaderSize || reader.ReadAtLeast(header, EntryHeaderSize, throwOnEndOfStream: false) < EntryHeaderSize) return false;
        if (!IsPlausibleHeader(header, position, length, out type, out int keyLength, out valueLength)) return false;
        key = new byte[keyLength]; // bounded: keyLength <= MaxKeyBytes and fits in the file
        if (reader.ReadAtLeast(key, keyLength, throwOnEndOfStream: false) < keyLength) return false;
        uint crc = StoreCrc.Update(StoreCrc.Update(StoreCrc.Seed, header[4..]), key);
        for (int remaining = valueLength; remaining > 0;)
        {
            int n = reader.ReadAtLeast(chunk.AsSpan(0, Math.Min(chunk.Length, remaining)), 1, throwOnEndOfStream: false);
            if (n <= 0) return false;
            crc = StoreCrc.Update(crc, chunk.AsSpan(0, n));
            remaining -= n;
        }
        return StoreCrc.Finish(crc) == BinaryPrimitives.ReadUInt32LittleEndian(header);
    }

    /// <summary>True when the header's type and lengths are valid and the entry fits in the file.</summary>
    private bool IsPlausibleHeader(ReadOnlySpan<byte> header, long position, long length, out byte type, out int keyLength, out int valueLength)
    {
        type = header[4];
        keyLength = BinaryPrimitives.ReadInt32LittleEndian(header[5..]);
        valueLength = BinaryPrimitives.ReadInt32LittleEndian(header[9..]);
        if (type is not (PutType or DeleteType)) return false;
        if (keyLength < 0 || keyLength > _options.MaxKeyBytes) return false;
        if (valueLength < 0 || valueLength > _options.MaxValueBytes || (type == DeleteType && valueLength != 0)) return false;
        return position + EntryHeaderSize + keyLength + (long)valueLength <= length;
    }

    /// <summary>Looks for any checksum-valid entry starting after <paramref name="position"/>: if one exists, the damage is not a torn tail.</summary>
    private bool HasValidEntryAfter(long position, long length)
    {
        var handle = _file.SafeFileHandle;
        var chunk = new byte[ScanChunkBytes + EntryHeaderSize];
        long start = position + 1;
        while (start + EntryHeaderSize <= length)
        {
            int count = (int)Math.Min(chunk.Length, length - start);
            ReadExactly(handle, chunk.AsSpan(0, count), start);
            int last = count - EntryHeaderSize;
            for (int i = 0; i <= last; i++)
            {
                long candidate = start + i;
                if (IsPlausibleHeader(chunk.AsSpan(i, EntryHeaderSize), candidate, length, out _, out int keyLength, out int valueLength)
                    && ChecksumMatches(candidate, EntryHeaderSize + keyLength + valueLength))
                    return true;
            }
            start += last + 1;
        }
        return false;
    }

    private bool ChecksumMatches(long offset, int size)
    {
        var handle = _file.SafeFileHandle;
        Span<byte> header = stackalloc byte[EntryHeaderSize];
        ReadExactly(handle, header, offset);
        uint crc = StoreCrc.Update(StoreCrc.Seed, header[4..]);
        var buffer = new byte[Math.Min(size - EntryHeaderSize, 64 << 10)];
        for (long at = offset + EntryHeaderSize, end = offset + size; at < end;)
        {
            int n = (int)Math.Min(buffer.Length, end - at);
            ReadExactly(handle, buffer.AsSpan(0, n), at);
            crc = StoreCrc.Update(crc, buffer.AsSpan(0, n));
            at += n;
        }
        return StoreCrc.Finish(crc) == BinaryPrimitives.ReadUInt32LittleEndian(header);
    }
}
