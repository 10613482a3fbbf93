using System.Buffers;
using System.Buffers.Binary;
using Samsa.Protocol.Compression;
using Samsa.Protocol.Records;

namespace Samsa.Broker.Mini.Storage;

/// <summary>One record of a stored batch as the cleaner sees it: offset, key (null when absent) and whether it is a tombstone.</summary>
internal readonly ref struct CleanerRecord(long offset, ReadOnlySpan<byte> key, bool keyIsNull, bool isTombstone)
{
    public long Offset { get; } = offset;

    public ReadOnlySpan<byte> Key { get; } = key;

    public bool KeyIsNull { get; } = keyIsNull;

    public bool IsTombstone { get; } = isTombstone;
}

/// <summary>Decides per record whether compaction keeps it.</summary>
internal delegate bool RecordPredicate(in CleanerRecord record);

/// <summary>
/// Rewrites one stored v2 batch keeping only some of its records, the way Kafka's cleaner does: base offset, last
/// offset delta, base timestamp, producer id/epoch/base sequence and attributes stay as they were, so every kept
/// record keeps its offset and timestamp (its stored bytes are copied verbatim, deltas included) and the next batch
/// still follows on. A compressed batch is recompressed with its own codec.
/// </summary>
internal static class BatchFilter
{
    private const int AttributesOffset = 21;
    private const int RecordCountOffset = 57;
    private const int BatchLengthOffset = 8;
    private const short CompressionMask = 0x07;

    /// <summary>Walks every record of <paramref name="batch"/> (decompressing if needed).</summary>
    public static void ForEach(ReadOnlyMemory<byte> batch, RecordPredicate visit) => Filter(batch, visit, keepEmpty: false, rewrite: false);

    /// <summary>
    /// The batch with only the records <paramref name="keep"/> accepts: <paramref name="batch"/> itself when all are
    /// kept, an empty array when none are (unless <paramref name="keepEmpty"/>, which leaves a record-less header that
    /// preserves the producer's last sequence, as Kafka does), else a new batch.
    /// </summary>
    public static ReadOnlyMemory<byte> Filter(ReadOnlyMemory<byte> batch, RecordPredicate keep, bool keepEmpty) =>
        Filter(batch, keep, keepEmpty, rewrite: true);

    private static ReadOnlyMemory<byte> Filter(ReadOnlyMemory<byte> batch, RecordPredicate keep, bool keepEmpty, bool rewrite)
    {
        var header = RecordBatchHeader.Read(batch.Span);
        ReadOnlySpan<byte> section = batch.Span[RecordBatchHeader.Size..];
        byte[]? rented = null;
        try
        {
            if (header.Compression != CompressionType.None)
            {
                var decompressed = new ArrayBufferWriter<byte>(Math.Max(section.Length * 4, 256));
                CompressionCodecs.Get(header.Compression).Decompress(section, decompressed, CompressionCodecs.DefaultMaxDecompressedSize);
                section = decompressed.WrittenSpan;
            }
            int kept = 0;
            int keptBytes = 0;
            if (rewrite) rented = ArrayPool<byte>.Shared.Rent(Math.Max(section.Length, 1));
            int at = 0;
            for (int i = 0; i < header.RecordCount; i++)
            {
                int start = at;
                int length = ReadVarLongAsInt(section, ref at);
                int end = at + length;
                int p = at + 1; // attributes
                ReadVarLong(section, ref p); // timestamp delta
                int offsetDelta = ReadVarLongAsInt(section, ref p);
                int keyLength = ReadVarLongAsInt(section, ref p);
                var key = keyLength > 0 ? section.Slice(p, keyLength) : ReadOnlySpan<byte>.Empty;
                p += Math.Max(keyLength, 0);
                int valueLength = ReadVarLongAsInt(section, ref p);
                var record = new CleanerRecord(header.BaseOffset + offsetDelta, key, keyLength < 0, valueLength < 0);
                if (keep(record))
                {
                    kept++;
                    if (rewrite)
                    {
                        section[start..end].CopyTo(rented.AsSpan(keptBytes));
                        keptBytes += end - start;
                    }
                }
                at = end;
            }
            if (!rewrite || kept == header.RecordCount) return batch;
            if (kept == 0 && !keepEmpty) return Array.Empty<byte>();
            return Build(batch.Span[..RecordBatchHeader.Size], header, rented.AsSpan(0, keptBytes), kept);
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>A zigzag varint (the record format's signed varints).</summary>
    private static long ReadVarLong(ReadOnlySpan<byte> span, ref int position)
    {
        ulong raw = 0;
        for (int shift = 0; shift < 70; shift += 7)
        {
            if (position >= span.Length) throw new KafkaProtocolException("Truncated varint in a stored record.");
            byte b = span[position++];
            raw |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return (long)(raw >> 1) ^ -(long)(raw & 1);
        }
        throw new KafkaProtocolException("Varint longer than 10 bytes in a stored record.");
    }

    private static int ReadVarLongAsInt(ReadOnlySpan<byte> span, ref int position) => checked((int)ReadVarLong(span, ref position));

    private static byte[] Build(ReadOnlySpan<byte> originalHeader, in RecordBatchHeader header, ReadOnlySpan<byte> records, int count)
    {
        var compression = count == 0 ? CompressionType.None : header.Compression;
        var output = new ArrayBufferWriter<byte>(RecordBatchHeader.Size + records.Length);
        output.Write(originalHeader);
        if (compression == CompressionType.None) output.Write(records);
        else CompressionCodecs.Get(compression).Compress(records, output);
        byte[] result = output.WrittenSpan.ToArray();
        short attributes = (short)((header.Attributes & ~CompressionMask) | ((int)compression & CompressionMask));
        BinaryPrimitives.WriteInt16BigEndian(result.AsSpan(AttributesOffset), attributes);
        BinaryPrimitives.WriteInt32BigEndian(result.AsSpan(RecordCountOffset), count);
        BinaryPrimitives.WriteInt32BigEndian(result.AsSpan(BatchLengthOffset), result.Length - RecordBatchHeader.LogOverhead);
        RecordBatchHeader.UpdateCrc(result);
        return result;
    }
}
