using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using Samsa.Protocol.Compression;
using Samsa.Protocol.Primitives;

namespace Samsa.Protocol.Records;

/// <summary>
/// Builds one v2 record batch. Records are encoded as they are appended, straight into a pooled buffer;
/// <see cref="Build"/> compresses the records section if asked and writes the header and CRC. Reusable:
/// <see cref="Reset"/> starts a new batch on the same buffers. Not thread-safe.
/// </summary>
public sealed class RecordBatchBuilder : IDisposable
{
    private readonly Func<CompressionType, ICompressionCodec> _codecs;
    private byte[] _buffer;
    private int _length;
    private int _count;
    private long _baseTimestamp;
    private long _maxTimestamp;
    private PooledBufferWriter? _compressed;

    /// <summary>Creates a builder.</summary>
    /// <param name="initialCapacity">Initial buffer size in bytes; it grows as needed.</param>
    /// <param name="codecs">Resolves compression codecs; defaults to <see cref="CompressionCodecs.Get"/>.</param>
    public RecordBatchBuilder(int initialCapacity = 16 * 1024, Func<CompressionType, ICompressionCodec>? codecs = null)
    {
        _codecs = codecs ?? CompressionCodecs.Get;
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(initialCapacity, 256));
        Reset();
    }

    /// <summary>Base offset written into the batch (the broker assigns the real one); default 0.</summary>
    public long BaseOffset { get; set; }

    /// <summary>Partition leader epoch; default -1.</summary>
    public int PartitionLeaderEpoch { get; set; }

    /// <summary>Producer id; default -1 (none).</summary>
    public long ProducerId { get; set; }

    /// <summary>Producer epoch; default -1 (none).</summary>
    public short ProducerEpoch { get; set; }

    /// <summary>Sequence number of the first record; default -1 (none).</summary>
    public int BaseSequence { get; set; }

    /// <summary>Marks the batch as part of a transaction.</summary>
    public bool IsTransactional { get; set; }

    /// <summary>Marks the batch as a control batch (see <see cref="AppendEndTransactionMarker"/>).</summary>
    public bool IsControl { get; set; }

    /// <summary>Timestamp type written into the attributes; default <see cref="TimestampType.CreateTime"/>.</summary>
    public TimestampType TimestampType { get; set; }

    /// <summary>Codec applied to the records section by <see cref="Build"/>; default none.</summary>
    public CompressionType Compression { get; set; }

    /// <summary>Codec-specific compression level, or null for the codec's default.</summary>
    public int? CompressionLevel { get; set; }

    /// <summary>Records appended so far.</summary>
    public int Count => _count;

    /// <summary>Uncompressed size of the batch so far, header included.</summary>
    public int SizeInBytes => _length;

    /// <summary>
    /// Bytes the record would add to <see cref="SizeInBytes"/> if appended now (lengths of -1 mean null),
    /// so that a caller can check a size limit first.
    /// </summary>
    public int MeasureRecord(long timestamp, int keyLength, int valueLength, ReadOnlySpan<RecordHeader> headers = default)
    {
        int body = BodySize(timestamp, keyLength, valueLength, headers);
        return KafkaSize.VarInt(body) + body;
    }

    /// <summary>Appends a record; a null key or value is written as null.</summary>
    public void Append(long timestamp, byte[]? key, byte[]? value, ReadOnlySpan<RecordHeader> headers = default) =>
        Append(timestamp, key, key is null, value, value is null, headers);

    /// <summary>Appends a record from spans; the flags say whether the key or value is null rather than empty.</summary>
    /// <remarks>Compiled fully optimized at once: a producer calls it once per record from the first record on.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Append(long timestamp, ReadOnlySpan<byte> key, bool keyIsNull, ReadOnlySpan<byte> value, bool valueIsNull,
        ReadOnlySpan<RecordHeader> headers = default)
    {
        if (_count == 0)
        {
            _baseTimestamp = timestamp;
            _maxTimestamp = timestamp;
        }
        else if (timestamp > _maxTimestamp)
        {
            _maxTimestamp = timestamp;
        }
        int keyLength = keyIsNull ? -1 : key.Length;
        int valueLength = valueIsNull ? -1 : value.Length;
        int body = BodySize(timestamp, keyLength, valueLength, headers);
        int total = KafkaSize.VarInt(body) + body;
        EnsureCapacity(total);

        Span<byte> span = _buffer.AsSpan(_length, total);
        int at = 0;
        Varint.WriteInt(span, ref at, body);
        span[at++] = 0; // attributes: unused
        Varint.WriteLong(span, ref at, timestamp - _baseTimestamp);
        Varint.WriteInt(span, ref at, _count);
        Varint.WriteInt(span, ref at, keyLength);
        if (keyLength > 0)
        {
            key.CopyTo(span[at..]);
            at += keyLength;
        }
        Varint.WriteInt(span, ref at, valueLength);
        if (valueLength > 0)
        {
            value.CopyTo(span[at..]);
            at += valueLength;
        }
        Varint.WriteInt(span, ref at, headers.Length);
        foreach (ref readonly RecordHeader header in headers)
        {
            int keyBytes = Encoding.UTF8.GetByteCount(header.Key);
            Varint.WriteInt(span, ref at, keyBytes);
            at += Encoding.UTF8.GetBytes(header.Key, span[at..]);
            if (header.IsValueNull)
            {
                Varint.WriteInt(span, ref at, -1);
            }
            else
            {
                Varint.WriteInt(span, ref at, header.Value.Length);
                header.Value.Span.CopyTo(span[at..]);
                at += header.Value.Length;
            }
        }
        Debug.Assert(at == total, "Record size was computed wrongly.");
        _length += total;
        _count++;
    }

    /// <summary>
    /// Appends a commit or abort marker and marks the batch as a transactional control batch; a control batch
    /// holds this one record only.
    /// </summary>
    public void AppendEndTransactionMarker(long timestamp, ControlRecordType type, int coordinatorEpoch)
    {
        if (_count != 0) throw new InvalidOperationException("A control batch holds exactly one record.");
        Span<byte> key = stackalloc byte[ControlRecord.KeySize];
        Span<byte> value = stackalloc byte[ControlRecord.EndTransactionMarkerSize];
        ControlRecord.WriteKey(key, type);
        ControlRecord.WriteEndTransactionMarker(value, coordinatorEpoch);
        IsControl = true;
        IsTransactional = true;
        Append(timestamp, key, false, value, false);
    }

    /// <summary>
    /// Writes the header and CRC (compressing the records first if <see cref="Compression"/> is set) and returns the
    /// whole batch. The memory belongs to the builder: it is valid until the next append, build, reset or dispose.
    /// </summary>
    public ReadOnlyMemory<byte> Build()
    {
        if (_count == 0) throw new InvalidOperationException("Cannot build a record batch without records.");
        if (Compression == CompressionType.None)
        {
            WriteHeader(_buffer.AsSpan(0, _length));
            return _buffer.AsMemory(0, _length);
        }
        _compressed ??= new PooledBufferWriter(_length);
        _compressed.Clear();
        _compressed.GetSpan(RecordBatchHeader.Size);
        _compressed.Advance(RecordBatchHeader.Size);
        _codecs(Compression).Compress(_buffer.AsSpan(RecordBatchHeader.Size, _length - RecordBatchHeader.Size), _compressed, CompressionLevel);
        WriteHeader(_compressed.WrittenSpan);
        return _compressed.WrittenMemory;
    }

    /// <summary>Discards the records and restores every setting to its default, keeping the buffers.</summary>
    public void Reset()
    {
        _length = RecordBatchHeader.Size;
        _count = 0;
        _baseTimestamp = -1;
        _maxTimestamp = -1;
        BaseOffset = 0;
        PartitionLeaderEpoch = -1;
        ProducerId = -1;
        ProducerEpoch = -1;
        BaseSequence = -1;
        IsTransactional = false;
        IsControl = false;
        TimestampType = TimestampType.CreateTime;
        Compression = CompressionType.None;
        CompressionLevel = null;
    }

    /// <summary>Returns the pooled buffers.</summary>
    public void Dispose()
    {
        byte[] buffer = _buffer;
        _buffer = [];
        _length = 0;
        _count = 0;
        if (buffer.Length > 0) ArrayPool<byte>.Shared.Return(buffer);
        _compressed?.Dispose();
        _compressed = null;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int BodySize(long timestamp, int keyLength, int valueLength, ReadOnlySpan<RecordHeader> headers)
    {
        long baseTimestamp = _count == 0 ? timestamp : _baseTimestamp;
        int size = 1 + KafkaSize.VarLong(timestamp - baseTimestamp) + KafkaSize.VarInt(_count)
            + KafkaSize.VarInt(keyLength) + Math.Max(keyLength, 0)
            + KafkaSize.VarInt(valueLength) + Math.Max(valueLength, 0)
            + KafkaSize.VarInt(headers.Length);
        foreach (ref readonly RecordHeader header in headers)
        {
            int keyBytes = Encoding.UTF8.GetByteCount(header.Key);
            int valueBytes = header.IsValueNull ? -1 : header.Value.Length;
            size += KafkaSize.VarInt(keyBytes) + keyBytes + KafkaSize.VarInt(valueBytes) + Math.Max(valueBytes, 0);
        }
        return size;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void EnsureCapacity(int extra)
    {
        if (_buffer.Length == 0) throw new ObjectDisposedException(nameof(RecordBatchBuilder));
        if (_buffer.Length - _length >= extra) return;
        long target = Math.Max((long)_buffer.Length * 2, (long)_length + extra);
        if (target > Array.MaxLength) throw new InvalidOperationException("Record batch would exceed the maximum array length.");
        byte[] next = ArrayPool<byte>.Shared.Rent((int)target);
        _buffer.AsSpan(0, _length).CopyTo(next);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = next;
    }

    private void WriteHeader(Span<byte> batch)
    {
        short attributes = (short)((int)Compression & RecordBatchHeader.CompressionMask);
        if (TimestampType == TimestampType.LogAppendTime) attributes |= RecordBatchHeader.TimestampTypeFlag;
        if (IsTransactional) attributes |= RecordBatchHeader.TransactionalFlag;
        if (IsControl) attributes |= RecordBatchHeader.ControlFlag;
        BinaryPrimitives.WriteInt64BigEndian(batch, BaseOffset);
        BinaryPrimitives.WriteInt32BigEndian(batch[RecordBatchHeader.BatchLengthOffset..], batch.Length - RecordBatchHeader.LogOverhead);
        BinaryPrimitives.WriteInt32BigEndian(batch[RecordBatchHeader.PartitionLeaderEpochOffset..], PartitionLeaderEpoch);
        batch[RecordBatchHeader.MagicOffset] = RecordBatchHeader.CurrentMagic;
        BinaryPrimitives.WriteInt16BigEndian(batch[RecordBatchHeader.AttributesOffset..], attributes);
        BinaryPrimitives.WriteInt32BigEndian(batch[RecordBatchHeader.LastOffsetDeltaOffset..], _count - 1);
        BinaryPrimitives.WriteInt64BigEndian(batch[RecordBatchHeader.BaseTimestampOffset..], _baseTimestamp);
        BinaryPrimitives.WriteInt64BigEndian(batch[RecordBatchHeader.MaxTimestampOffset..], _maxTimestamp);
        BinaryPrimitives.WriteInt64BigEndian(batch[RecordBatchHeader.ProducerIdOffset..], ProducerId);
        BinaryPrimitives.WriteInt16BigEndian(batch[RecordBatchHeader.ProducerEpochOffset..], ProducerEpoch);
        BinaryPrimitives.WriteInt32BigEndian(batch[RecordBatchHeader.BaseSequenceOffset..], BaseSequence);
        BinaryPrimitives.WriteInt32BigEndian(batch[RecordBatchHeader.RecordCountOffset..], _count);
        RecordBatchHeader.UpdateCrc(batch);
    }
}
