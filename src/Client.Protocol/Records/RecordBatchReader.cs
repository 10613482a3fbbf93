using System.Runtime.CompilerServices;
using System.Buffers.Binary;
using Samsa.Protocol.Compression;

namespace Samsa.Protocol.Records;

/// <summary>
/// Iterates the batches of a record set (a fetch response's <c>Records</c> field, or a log segment slice):
/// record batches (magic 2) and legacy messages (magic 0 and 1) alike. A truncated trailing batch, which a broker
/// may return at the end of a fetch, ends the iteration silently (<see cref="HasPartialBatch"/>); anything
/// malformed inside a complete batch throws <see cref="CorruptRecordException"/> or <see cref="KafkaProtocolException"/>.
/// </summary>
/// <remarks>
/// Compressed batches are decompressed on demand into one pooled buffer that is reused for every batch and
/// returned by <see cref="Dispose"/>. Views from <see cref="GetRecords"/> are valid until the next
/// <see cref="MoveNextBatch"/>, <see cref="Reset"/> or <see cref="Dispose"/>. Not thread-safe.
/// </remarks>
public sealed class RecordBatchReader : IDisposable
{
    // Bytes up to and including the magic byte, which sits at the same place in every format.
    private const int HeaderSizeUpToMagic = RecordBatchHeader.MagicOffset + 1;
    // Smallest encoded v2 record, its length varint included.
    private const int MinRecordSize = 7;

    private readonly bool _verifyCrc;
    private readonly Func<CompressionType, ICompressionCodec> _codecs;
    private readonly int _maxDecompressedSize;
    private PooledBufferWriter? _decompressed;
    private ReadOnlyMemory<byte> _records;
    private int _position;
    private ReadOnlyMemory<byte> _batch;
    private RecordBatchHeader _header;
    private RecordEnumerator _prepared;
    private bool _hasBatch;
    private bool _isPrepared;
    private bool _disposed;

    /// <summary>Creates a reader over <paramref name="records"/>.</summary>
    /// <param name="records">The record set: zero or more concatenated batches, the last possibly truncated.</param>
    /// <param name="verifyCrc">Check every batch's checksum, like the consumer's <c>check.crcs</c> (default true).</param>
    /// <param name="codecs">Resolves compression codecs; defaults to <see cref="CompressionCodecs.Get"/>.</param>
    /// <param name="maxDecompressedSize">Largest decompressed records section accepted.</param>
    public RecordBatchReader(ReadOnlyMemory<byte> records, bool verifyCrc = true, Func<CompressionType, ICompressionCodec>? codecs = null,
        int maxDecompressedSize = CompressionCodecs.DefaultMaxDecompressedSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxDecompressedSize);
        _records = records;
        _verifyCrc = verifyCrc;
        _codecs = codecs ?? CompressionCodecs.Get;
        _maxDecompressedSize = maxDecompressedSize;
    }

    /// <summary>Bytes of the record set consumed by the complete batches read so far.</summary>
    public int Position => _position;

    /// <summary>True when iteration stopped at a trailing batch that is not present in full.</summary>
    public bool HasPartialBatch { get; private set; }

    /// <summary>The current batch's header. Throws when <see cref="MoveNextBatch"/> has not returned true.</summary>
    public RecordBatchHeader Header => _hasBatch ? _header : throw NoBatch();

    /// <summary>The current batch's raw bytes, for example to store or forward it unchanged.</summary>
    public ReadOnlyMemory<byte> Batch => _hasBatch ? _batch : throw NoBatch();

    /// <summary>Starts over on a new record set, keeping the pooled buffer.</summary>
    public void Reset(ReadOnlyMemory<byte> records)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _records = records;
        _position = 0;
        _hasBatch = false;
        _isPrepared = false;
        HasPartialBatch = false;
    }

    /// <summary>
    /// Advances to the next complete batch, verifying its header and CRC. Returns false at the end of the record
    /// set or at a truncated trailing batch.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool MoveNextBatch()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _hasBatch = false;
        _isPrepared = false;
        int remaining = _records.Length - _position;
        if (remaining == 0 || HasPartialBatch) return false;
        if (remaining < HeaderSizeUpToMagic)
        {
            HasPartialBatch = true;
            return false;
        }
        ReadOnlySpan<byte> span = _records.Span[_position..];
        int length = BinaryPrimitives.ReadInt32BigEndian(span[RecordBatchHeader.BatchLengthOffset..]);
        if (length < LegacyMessage.MinSizeV0) throw new CorruptRecordException($"Batch size {length} is smaller than the smallest message.");
        if (length > remaining - RecordBatchHeader.LogOverhead)
        {
            HasPartialBatch = true;
            return false;
        }
        var batch = _records.Slice(_position, length + RecordBatchHeader.LogOverhead);
        byte magic = span[RecordBatchHeader.MagicOffset];
        if (magic == RecordBatchHeader.CurrentMagic) ReadBatchHeader(batch.Span);
        else if (magic <= 1) ReadLegacy(batch, magic);
        else throw new CorruptRecordException($"Unknown magic {magic} at position {_position}.");
        _batch = batch;
        _position += batch.Length;
        _hasBatch = true;
        return true;
    }

    /// <summary>
    /// Returns an enumerator over the current batch's records, decompressing the batch first if needed.
    /// Iterating an uncompressed batch allocates nothing.
    /// </summary>
    public RecordEnumerator GetRecords()
    {
        if (!_hasBatch) throw NoBatch();
        if (_isPrepared) return _prepared;
        var section = _batch[RecordBatchHeader.Size..];
        if (_header.Compression != CompressionType.None)
        {
            // A compacted-away batch keeps its compression attribute but has no records section to inflate.
            if (_header.RecordCount == 0) section = ReadOnlyMemory<byte>.Empty;
            else
            {
                section = Decompress(_header.Compression, section.Span);
                CheckRecordCount(section.Length);
            }
        }
        _prepared = RecordEnumerator.ForBatch(section, _header);
        _isPrepared = true;
        return _prepared;
    }

    /// <summary>Returns the pooled decompression buffer.</summary>
    public void Dispose()
    {
        _disposed = true;
        _hasBatch = false;
        _decompressed?.Dispose();
        _decompressed = null;
    }

    private void ReadBatchHeader(ReadOnlySpan<byte> batch)
    {
        if (batch.Length < RecordBatchHeader.Size) throw new CorruptRecordException($"Record batch of {batch.Length} bytes is smaller than its header.");
        _header = RecordBatchHeader.Read(batch);
        if (_verifyCrc && !RecordBatchHeader.IsCrcValid(batch))
            throw new CorruptRecordException($"Record batch at offset {_header.BaseOffset} failed its CRC-32C check.");
        if (_header.Compression == CompressionType.None) CheckRecordCount(batch.Length - RecordBatchHeader.Size);
    }

    private void CheckRecordCount(int sectionLength)
    {
        if (_header.RecordCount > sectionLength / MinRecordSize)
            throw new CorruptRecordException($"Record count {_header.RecordCount} cannot fit in {sectionLength} bytes.");
    }

    private void ReadLegacy(ReadOnlyMemory<byte> batch, byte magic)
    {
        var message = LegacyMessage.Parse(batch.Span, 0, _verifyCrc);
        if (message.Magic != magic) throw new CorruptRecordException("Legacy message magic changed while reading.");
        short attributes = (short)(message.Attributes & (RecordBatchHeader.CompressionMask | RecordBatchHeader.TimestampTypeFlag));
        var compression = (CompressionType)(message.Attributes & RecordBatchHeader.CompressionMask);
        int batchLength = batch.Length - RecordBatchHeader.LogOverhead;
        if (compression == CompressionType.None)
        {
            _header = new RecordBatchHeader(message.Offset, batchLength, -1, magic, message.Crc, attributes, 0, message.Timestamp, message.Timestamp, -1, -1, -1, 1);
            _prepared = RecordEnumerator.ForLegacy(batch, magic, 0, null, verifyCrc: false);
            _isPrepared = true;
            return;
        }
        if (message.ValueLength < 0) throw new CorruptRecordException($"Compressed legacy message at offset {message.Offset} has a null value.");
        var inner = Decompress(compression, batch.Span.Slice(message.ValueStart, message.ValueLength));
        ReadOnlySpan<byte> innerSpan = inner.Span;
        int count = 0;
        long first = 0, last = 0;
        for (int at = 0; at < innerSpan.Length;)
        {
            var innerMessage = LegacyMessage.Parse(innerSpan, at, _verifyCrc);
            if (count == 0) first = innerMessage.Offset;
            last = innerMessage.Offset;
            count++;
            at += innerMessage.TotalSize;
        }
        if (count == 0) throw new CorruptRecordException($"Compressed legacy message at offset {message.Offset} has no inner messages.");
        // Magic 1 stores inner offsets relative to the wrapper, whose own offset is that of the last inner message.
        long offsetDelta = magic == 1 ? message.Offset - last : 0;
        long lastOffsetDelta = last - first;
        if (lastOffsetDelta is < 0 or > int.MaxValue) throw new CorruptRecordException($"Inner offsets {first}..{last} are out of order.");
        long? fixedTimestamp = magic == 1 && (message.Attributes & RecordBatchHeader.TimestampTypeFlag) != 0 ? message.Timestamp : null;
        _header = new RecordBatchHeader(first + offsetDelta, batchLength, -1, magic, message.Crc, attributes, (int)lastOffsetDelta,
            message.Timestamp, message.Timestamp, -1, -1, -1, count);
        _prepared = RecordEnumerator.ForLegacy(inner, magic, offsetDelta, fixedTimestamp, verifyCrc: false);
        _isPrepared = true;
    }

    private ReadOnlyMemory<byte> Decompress(CompressionType type, ReadOnlySpan<byte> source)
    {
        _decompressed ??= new PooledBufferWriter(Math.Min(Math.Max(source.Length * 4, 4096), _maxDecompressedSize));
        _decompressed.Clear();
        try
        {
            _codecs(type).Decompress(source, _decompressed, _maxDecompressedSize);
        }
        catch (Exception ex) when (ex is not KafkaProtocolException and not OutOfMemoryException)
        {
            throw new KafkaCompressionException(type, "Decompression failed.", ex);
        }
        if (_decompressed.WrittenCount > _maxDecompressedSize)
            throw new KafkaCompressionException(type, $"Decompressed size {_decompressed.WrittenCount} exceeds {_maxDecompressedSize} bytes.");
        return _decompressed.WrittenMemory;
    }

    private static InvalidOperationException NoBatch() => new("No current batch: call MoveNextBatch first.");
}
