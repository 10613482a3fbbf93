using System.Runtime.InteropServices;
using Samsa.Broker.Mini.Cluster;
using Samsa.Protocol.Compression;
using Samsa.Protocol.Records;

namespace Samsa.Broker.Mini.Handlers;

internal sealed partial class ProduceHandler
{
    /// <summary>
    /// A validated batch: its header and the bytes to store, which the append may rewrite (offsets, leader epoch): the
    /// request's own bytes (the connection hands each request its own frame), or a recompressed copy.
    /// </summary>
    private readonly record struct Validated(ApiError Error, int RecordIndex, RecordBatchHeader Header, Memory<byte> Stored)
    {
        public static Validated Failed(ErrorCode code, string message, int recordIndex = -1) => new(new ApiError(code, message), recordIndex, default, Memory<byte>.Empty);
    }

    /// <summary>Kafka's LogValidator checks for a produce request's record set, in Kafka's order.</summary>
    private static Validated Validate(ReadOnlyMemory<byte>? records, PartitionState partition, TopicConfig config, long now)
    {
        if (records is not { Length: > 0 } set)
            return Validated.Failed(ErrorCode.InvalidRecord, "Produce requests with version 3 are only allowed to contain exactly one record batch.");
        var span = set.Span;
        if (span.Length < RecordBatchHeader.Size)
            return Validated.Failed(ErrorCode.CorruptMessage, $"Record set of {span.Length} bytes is smaller than a batch header.");
        long length = PartitionLogLength(span);
        if (length < RecordBatchHeader.Size - RecordBatchHeader.LogOverhead || length + RecordBatchHeader.LogOverhead > span.Length)
            return Validated.Failed(ErrorCode.CorruptMessage, "Record batch length does not match the record set.");
        if (length + RecordBatchHeader.LogOverhead < span.Length)
            return Validated.Failed(ErrorCode.InvalidRecord, "Produce requests with version 3 are only allowed to contain exactly one record batch.");
        if (span[16] != RecordBatchHeader.CurrentMagic)
            return Validated.Failed(ErrorCode.InvalidRecord, $"Produce requests to inter.broker.protocol.version 3.0+ must use magic 2, not {span[16]}.");
        if (span.Length > config.MaxMessageBytes)
            return Validated.Failed(ErrorCode.MessageTooLarge, $"The request included a message larger than the max message size the server will accept ({span.Length} > {config.MaxMessageBytes}).");
        if (!RecordBatchHeader.IsCrcValid(span))
            return Validated.Failed(ErrorCode.CorruptMessage, $"Record batch for {partition.Name} failed its CRC check.");
        var header = RecordBatchHeader.Read(span);
        if (header.IsControl) return Validated.Failed(ErrorCode.InvalidRecord, "Clients cannot produce control records.");
        if (header.RecordCount != header.LastOffsetDelta + 1 || header.RecordCount <= 0)
            return Validated.Failed(ErrorCode.CorruptMessage, "Record count does not match the batch's last offset delta.");

        bool canDecode = header.Compression == CompressionType.None || CodecAvailable(header.Compression);
        var target = config.TargetCompression;
        bool recompress = target is { } t && t != header.Compression && canDecode && (t == CompressionType.None || CodecAvailable(t));
        if (!canDecode) return new Validated(ApiError.None, -1, header, MemoryMarshal.AsMemory(set));

        var scan = ScanRecords(set, header, partition, config, now, recompress ? target : null);
        if (scan.Error.IsError) return scan;
        return new Validated(ApiError.None, -1, RecordBatchHeader.Read(scan.Stored.Span), scan.Stored);
    }

    private static Validated ScanRecords(ReadOnlyMemory<byte> set, in RecordBatchHeader header, PartitionState partition, TopicConfig config, long now,
        CompressionType? recompressTo)
    {
        using var reader = new RecordBatchReader(set, verifyCrc: false);
        using var builder = recompressTo is null ? null : new RecordBatchBuilder(set.Length + 256)
        {
            Compression = recompressTo.Value,
            ProducerId = header.ProducerId,
            ProducerEpoch = header.ProducerEpoch,
            BaseSequence = header.BaseSequence,
            IsTransactional = header.IsTransactional,
            TimestampType = header.TimestampType,
        };
        try
        {
            reader.MoveNextBatch();
            int index = 0;
            long expectedOffset = header.BaseOffset;
            foreach (var record in reader.GetRecords())
            {
                if (record.Offset != expectedOffset++)
                    return Validated.Failed(ErrorCode.InvalidRecord, "Record offsets in the batch are not consecutive.", index);
                if (config.Compact && record.IsKeyNull)
                    return Validated.Failed(ErrorCode.InvalidRecord, $"Compacted topic cannot accept message without key in topic partition {partition.Name}.", index);
                if (header.TimestampType == TimestampType.CreateTime)
                {
                    if (record.Timestamp < now && now - record.Timestamp > config.TimestampBeforeMaxMs)
                        return Validated.Failed(ErrorCode.InvalidTimestamp, $"Timestamp {record.Timestamp} of message with offset {record.Offset} is out of range. The timestamp should be within [{now - config.TimestampBeforeMaxMs}, {now + config.TimestampAfterMaxMs}]", index);
                    if (record.Timestamp > now && record.Timestamp - now > config.TimestampAfterMaxMs)
                        return Validated.Failed(ErrorCode.InvalidTimestamp, $"Timestamp {record.Timestamp} of message with offset {record.Offset} is out of range. The timestamp should be within [{now - config.TimestampBeforeMaxMs}, {now + config.TimestampAfterMaxMs}]", index);
                }
                if (builder is not null) AppendCopy(builder, record);
                index++;
            }
            if (index != header.RecordCount) return Validated.Failed(ErrorCode.CorruptMessage, "Record count does not match the records present.");
        }
        catch (KafkaProtocolException ex)
        {
            return Validated.Failed(ErrorCode.CorruptMessage, $"Record batch for {partition.Name} is corrupt: {ex.Message}");
        }
        Memory<byte> stored = builder is null ? MemoryMarshal.AsMemory(set) : builder.Build().ToArray();
        return new Validated(ApiError.None, -1, default, stored);
    }

    private static void AppendCopy(RecordBatchBuilder builder, RecordView record)
    {
        var headers = new List<RecordHeader>(record.Headers.Count);
        foreach (var h in record.Headers) headers.Add(new RecordHeader(h.GetKey(), h.Value, h.IsValueNull));
        builder.Append(record.Timestamp, record.Key.Span, record.IsKeyNull, record.Value.Span, record.IsValueNull, headers.ToArray());
    }

    private static bool CodecAvailable(CompressionType type)
    {
        try
        {
            CompressionCodecs.Get(type);
            return true;
        }
        catch (KafkaCompressionException)
        {
            return false;
        }
    }

    private static long PartitionLogLength(ReadOnlySpan<byte> span) => Storage.PartitionLog.ReadBatchLength(span);
}
