using System.Buffers.Binary;

namespace Samsa.Protocol.Records;

/// <summary>
/// One legacy message (magic 0 or 1): offset int64, size int32, then crc uint32 (CRC-32 of the rest), magic int8,
/// attributes int8, timestamp int64 (magic 1 only), key and value (int32 length, -1 for null).
/// Positions are absolute in the span the message was parsed from.
/// </summary>
internal readonly struct LegacyMessage
{
    /// <summary>Smallest message size value for magic 0: crc, magic, attributes and two null lengths.</summary>
    public const int MinSizeV0 = 14;

    /// <summary>Smallest message size value for magic 1, which adds the timestamp.</summary>
    public const int MinSizeV1 = 22;

    public long Offset { get; init; }
    public int Size { get; init; }
    public uint Crc { get; init; }
    public byte Magic { get; init; }
    public byte Attributes { get; init; }
    public long Timestamp { get; init; }
    public int KeyStart { get; init; }
    public int KeyLength { get; init; }
    public int ValueStart { get; init; }
    public int ValueLength { get; init; }

    /// <summary>Total bytes of the message including offset and size.</summary>
    public int TotalSize => Size + RecordBatchHeader.LogOverhead;

    /// <summary>
    /// Parses the whole message at <paramref name="position"/>, which the caller knows is present in full
    /// (its size field fits the span). Throws <see cref="CorruptRecordException"/> when it is not well formed.
    /// </summary>
    public static LegacyMessage Parse(ReadOnlySpan<byte> span, int position, bool verifyCrc)
    {
        if (span.Length - position < RecordBatchHeader.LogOverhead) throw new CorruptRecordException("Truncated legacy message header.");
        long offset = BinaryPrimitives.ReadInt64BigEndian(span[position..]);
        int size = BinaryPrimitives.ReadInt32BigEndian(span[(position + 8)..]);
        int start = position + RecordBatchHeader.LogOverhead;
        if (size < MinSizeV0 || size > span.Length - start) throw new CorruptRecordException($"Invalid legacy message size {size}.");
        var message = span.Slice(start, size);
        uint crc = BinaryPrimitives.ReadUInt32BigEndian(message);
        byte magic = message[4];
        if (magic > 1) throw new CorruptRecordException($"Unexpected magic {magic} in a legacy message.");
        if (verifyCrc && Crc32.Compute(message[4..]) != crc) throw new CorruptRecordException($"Legacy message at offset {offset} failed its CRC-32 check.");
        byte attributes = message[5];
        int at = 6;
        long timestamp = -1;
        if (magic == 1)
        {
            if (size < MinSizeV1) throw new CorruptRecordException($"Invalid legacy message size {size} for magic 1.");
            timestamp = BinaryPrimitives.ReadInt64BigEndian(message[at..]);
            at += 8;
        }
        int keyLength = ReadLength(message, ref at, "key");
        int keyStart = start + at;
        at += Math.Max(keyLength, 0);
        int valueLength = ReadLength(message, ref at, "value");
        int valueStart = start + at;
        at += Math.Max(valueLength, 0);
        if (at != size) throw new CorruptRecordException($"Legacy message size {size} does not match its contents ({at} bytes).");
        return new LegacyMessage
        {
            Offset = offset, Size = size, Crc = crc, Magic = magic, Attributes = attributes, Timestamp = timestamp,
            KeyStart = keyStart, KeyLength = keyLength, ValueStart = valueStart, ValueLength = valueLength,
        };
    }

    private static int ReadLength(ReadOnlySpan<byte> message, ref int at, string what)
    {
        if (message.Length - at < 4) throw new CorruptRecordException($"Truncated legacy message {what} length.");
        int length = BinaryPrimitives.ReadInt32BigEndian(message[at..]);
        at += 4;
        if (length < -1 || length > message.Length - at) throw new CorruptRecordException($"Invalid legacy message {what} length {length}.");
        return length;
    }
}
