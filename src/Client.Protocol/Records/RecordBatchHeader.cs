using System.Buffers.Binary;
using Samsa.Protocol.Compression;

namespace Samsa.Protocol.Records;

/// <summary>
/// The fixed fields of one record batch (magic 2), or the equivalent view of a legacy message (magic 0 or 1),
/// plus static helpers that read, verify and patch a v2 batch header in place.
/// </summary>
public readonly struct RecordBatchHeader
{
    /// <summary>Size of a v2 batch header; the records follow it.</summary>
    public const int Size = 61;

    /// <summary>Bytes before the batch length's coverage starts: baseOffset (8) and batchLength (4).</summary>
    public const int LogOverhead = 12;

    /// <summary>The current magic value, 2.</summary>
    public const byte CurrentMagic = 2;

    internal const int BatchLengthOffset = 8;
    internal const int PartitionLeaderEpochOffset = 12;
    internal const int MagicOffset = 16;
    internal const int CrcOffset = 17;
    internal const int AttributesOffset = 21;
    internal const int LastOffsetDeltaOffset = 23;
    internal const int BaseTimestampOffset = 27;
    internal const int MaxTimestampOffset = 35;
    internal const int ProducerIdOffset = 43;
    internal const int ProducerEpochOffset = 51;
    internal const int BaseSequenceOffset = 53;
    internal const int RecordCountOffset = 57;

    internal const short CompressionMask = 0x07;
    internal const short TimestampTypeFlag = 0x08;
    internal const short TransactionalFlag = 0x10;
    internal const short ControlFlag = 0x20;
    internal const short DeleteHorizonFlag = 0x40;

    internal RecordBatchHeader(long baseOffset, int batchLength, int partitionLeaderEpoch, byte magic, uint crc, short attributes,
        int lastOffsetDelta, long baseTimestamp, long maxTimestamp, long producerId, short producerEpoch, int baseSequence, int recordCount)
    {
        BaseOffset = baseOffset;
        BatchLength = batchLength;
        PartitionLeaderEpoch = partitionLeaderEpoch;
        Magic = magic;
        Crc = crc;
        Attributes = attributes;
        LastOffsetDelta = lastOffsetDelta;
        BaseTimestamp = baseTimestamp;
        MaxTimestamp = maxTimestamp;
        ProducerId = producerId;
        ProducerEpoch = producerEpoch;
        BaseSequence = baseSequence;
        RecordCount = recordCount;
    }

    /// <summary>Offset of the first record (for legacy compressed messages, of the first inner message).</summary>
    public long BaseOffset { get; }

    /// <summary>Bytes after the length field: the whole batch is <see cref="TotalSize"/> bytes.</summary>
    public int BatchLength { get; }

    /// <summary>Leader epoch stamped by the broker on append; -1 when unknown or legacy.</summary>
    public int PartitionLeaderEpoch { get; }

    /// <summary>Format version: 2 for record batches, 0 or 1 for legacy messages.</summary>
    public byte Magic { get; }

    /// <summary>The stored checksum: CRC-32C for magic 2, CRC-32 for legacy messages.</summary>
    public uint Crc { get; }

    /// <summary>Raw attributes (legacy attributes widened to 16 bits).</summary>
    public short Attributes { get; }

    /// <summary>Offset of the last record minus <see cref="BaseOffset"/>.</summary>
    public int LastOffsetDelta { get; }

    /// <summary>Timestamp that record timestamp deltas are relative to (or the delete horizon, see <see cref="HasDeleteHorizon"/>).</summary>
    public long BaseTimestamp { get; }

    /// <summary>Largest record timestamp, or the log append time when <see cref="TimestampType"/> is LogAppendTime.</summary>
    public long MaxTimestamp { get; }

    /// <summary>Idempotent or transactional producer id; -1 when none.</summary>
    public long ProducerId { get; }

    /// <summary>Producer epoch; -1 when none.</summary>
    public short ProducerEpoch { get; }

    /// <summary>Sequence number of the first record; -1 when none.</summary>
    public int BaseSequence { get; }

    /// <summary>Number of records the batch declares.</summary>
    public int RecordCount { get; }

    /// <summary>Codec of the records section (attribute bits 0-2).</summary>
    public CompressionType Compression => (CompressionType)(Attributes & CompressionMask);

    /// <summary>Meaning of record timestamps (attribute bit 3); <see cref="TimestampType.None"/> for magic 0.</summary>
    public TimestampType TimestampType =>
        Magic == 0 ? TimestampType.None : (Attributes & TimestampTypeFlag) != 0 ? TimestampType.LogAppendTime : TimestampType.CreateTime;

    /// <summary>True when the batch belongs to a transaction (attribute bit 4).</summary>
    public bool IsTransactional => (Attributes & TransactionalFlag) != 0;

    /// <summary>True when the batch holds a control record such as a commit or abort marker (attribute bit 5).</summary>
    public bool IsControl => (Attributes & ControlFlag) != 0;

    /// <summary>True when <see cref="BaseTimestamp"/> holds the compaction delete horizon (attribute bit 6).</summary>
    public bool HasDeleteHorizon => (Attributes & DeleteHorizonFlag) != 0;

    /// <summary>Offset of the last record.</summary>
    public long LastOffset => BaseOffset + LastOffsetDelta;

    /// <summary>The offset a reader continues from after this batch.</summary>
    public long NextOffset => LastOffset + 1;

    /// <summary>Total bytes of the batch on the wire, including baseOffset and batchLength.</summary>
    public int TotalSize => BatchLength + LogOverhead;

    /// <summary>Sequence number of the last record (wrapping past int.MaxValue to 0), or -1 when the batch has none.</summary>
    public int LastSequence
    {
        get
        {
            if (BaseSequence < 0) return -1;
            return BaseSequence > int.MaxValue - LastOffsetDelta ? LastOffsetDelta - (int.MaxValue - BaseSequence) - 1 : BaseSequence + LastOffsetDelta;
        }
    }

    /// <summary>
    /// Reads the header of the v2 batch at the start of <paramref name="batch"/> without checking its CRC.
    /// Throws <see cref="KafkaProtocolException"/> when fewer than <see cref="Size"/> bytes are present, and
    /// <see cref="CorruptRecordException"/> when the magic is not 2 or the lengths are impossible.
    /// </summary>
    public static RecordBatchHeader Read(ReadOnlySpan<byte> batch)
    {
        if (batch.Length < Size) throw new KafkaProtocolException($"Truncated record batch header: {batch.Length} of {Size} bytes.");
        var header = new RecordBatchHeader(
            BinaryPrimitives.ReadInt64BigEndian(batch),
            BinaryPrimitives.ReadInt32BigEndian(batch[BatchLengthOffset..]),
            BinaryPrimitives.ReadInt32BigEndian(batch[PartitionLeaderEpochOffset..]),
            batch[MagicOffset],
            BinaryPrimitives.ReadUInt32BigEndian(batch[CrcOffset..]),
            BinaryPrimitives.ReadInt16BigEndian(batch[AttributesOffset..]),
            BinaryPrimitives.ReadInt32BigEndian(batch[LastOffsetDeltaOffset..]),
            BinaryPrimitives.ReadInt64BigEndian(batch[BaseTimestampOffset..]),
            BinaryPrimitives.ReadInt64BigEndian(batch[MaxTimestampOffset..]),
            BinaryPrimitives.ReadInt64BigEndian(batch[ProducerIdOffset..]),
            BinaryPrimitives.ReadInt16BigEndian(batch[ProducerEpochOffset..]),
            BinaryPrimitives.ReadInt32BigEndian(batch[BaseSequenceOffset..]),
            BinaryPrimitives.ReadInt32BigEndian(batch[RecordCountOffset..]));
        if (header.Magic != CurrentMagic) throw new CorruptRecordException($"Expected record batch magic 2 but found {header.Magic}.");
        if (header.BatchLength < Size - LogOverhead) throw new CorruptRecordException($"Record batch length {header.BatchLength} is smaller than the header.");
        if (header.LastOffsetDelta < 0) throw new CorruptRecordException($"Negative lastOffsetDelta {header.LastOffsetDelta}.");
        if (header.RecordCount < 0) throw new CorruptRecordException($"Negative record count {header.RecordCount}.");
        return header;
    }

    /// <summary>
    /// Computes the CRC-32C of a whole v2 batch (the bytes from the attributes to the end of the batch).
    /// </summary>
    public static uint ComputeCrc(ReadOnlySpan<byte> batch) => Crc32C.Compute(CrcCovered(batch));

    /// <summary>True when the stored CRC of the v2 batch in <paramref name="batch"/> matches its contents.</summary>
    public static bool IsCrcValid(ReadOnlySpan<byte> batch) =>
        ComputeCrc(batch) == BinaryPrimitives.ReadUInt32BigEndian(batch[CrcOffset..]);

    /// <summary>Recomputes and stores the CRC of the v2 batch in <paramref name="batch"/>.</summary>
    public static void UpdateCrc(Span<byte> batch) =>
        BinaryPrimitives.WriteUInt32BigEndian(batch[CrcOffset..], ComputeCrc(batch));

    /// <summary>Sets the base offset of a v2 batch, as the broker does on append. Outside the CRC: no recompute.</summary>
    public static void SetBaseOffset(Span<byte> batch, long baseOffset)
    {
        CheckPatchable(batch);
        BinaryPrimitives.WriteInt64BigEndian(batch, baseOffset);
    }

    /// <summary>Sets the partition leader epoch of a v2 batch. Outside the CRC: no recompute.</summary>
    public static void SetPartitionLeaderEpoch(Span<byte> batch, int partitionLeaderEpoch)
    {
        CheckPatchable(batch);
        BinaryPrimitives.WriteInt32BigEndian(batch[PartitionLeaderEpochOffset..], partitionLeaderEpoch);
    }

    /// <summary>
    /// Sets the timestamp type and max timestamp of a v2 batch (for LogAppendTime topics the broker stamps its
    /// clock here) and recomputes the CRC.
    /// </summary>
    public static void SetMaxTimestamp(Span<byte> batch, TimestampType timestampType, long maxTimestamp)
    {
        CheckPatchable(batch);
        if (timestampType == TimestampType.None) throw new ArgumentOutOfRangeException(nameof(timestampType), "Record batches always have a timestamp type.");
        short attributes = BinaryPrimitives.ReadInt16BigEndian(batch[AttributesOffset..]);
        attributes = timestampType == TimestampType.LogAppendTime ? (short)(attributes | TimestampTypeFlag) : (short)(attributes & ~TimestampTypeFlag);
        BinaryPrimitives.WriteInt16BigEndian(batch[AttributesOffset..], attributes);
        BinaryPrimitives.WriteInt64BigEndian(batch[MaxTimestampOffset..], maxTimestamp);
        UpdateCrc(batch);
    }

    /// <summary>
    /// Sets the producer id, epoch and base sequence of a v2 batch (an idempotent producer assigns sequences
    /// when it drains a batch) and recomputes the CRC.
    /// </summary>
    public static void SetProducerState(Span<byte> batch, long producerId, short producerEpoch, int baseSequence)
    {
        CheckPatchable(batch);
        BinaryPrimitives.WriteInt64BigEndian(batch[ProducerIdOffset..], producerId);
        BinaryPrimitives.WriteInt16BigEndian(batch[ProducerEpochOffset..], producerEpoch);
        BinaryPrimitives.WriteInt32BigEndian(batch[BaseSequenceOffset..], baseSequence);
        UpdateCrc(batch);
    }

    private static ReadOnlySpan<byte> CrcCovered(ReadOnlySpan<byte> batch)
    {
        CheckPatchable(batch);
        return batch.Slice(AttributesOffset, BinaryPrimitives.ReadInt32BigEndian(batch[BatchLengthOffset..]) + LogOverhead - AttributesOffset);
    }

    private static void CheckPatchable(ReadOnlySpan<byte> batch)
    {
        if (batch.Length < Size) throw new KafkaProtocolException($"Truncated record batch header: {batch.Length} of {Size} bytes.");
        if (batch[MagicOffset] != CurrentMagic) throw new CorruptRecordException($"Expected record batch magic 2 but found {batch[MagicOffset]}.");
        int length = BinaryPrimitives.ReadInt32BigEndian(batch[BatchLengthOffset..]);
        if (length < Size - LogOverhead || length > batch.Length - LogOverhead)
            throw new CorruptRecordException($"Record batch length {length} does not fit the {batch.Length} bytes given.");
    }
}
