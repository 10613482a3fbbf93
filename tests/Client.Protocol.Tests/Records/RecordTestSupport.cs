using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Samsa.Protocol.Compression;
using Samsa.Protocol.Records;

namespace Samsa.Protocol.Tests.Records;

/// <summary>A trivial reversible codec for tests: int32 length prefix, then every byte XOR 0xA5, reversed.</summary>
internal sealed class TestCodec(CompressionType type) : ICompressionCodec
{
    public CompressionType Type { get; } = type;

    public static ICompressionCodec Resolve(CompressionType type) => type switch
    {
        CompressionType.Gzip or CompressionType.Snappy or CompressionType.Lz4 or CompressionType.Zstd => new TestCodec(type),
        _ => throw new KafkaCompressionException(type, "Test resolver: unsupported codec."),
    };

    public void Compress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination, int? level = null)
    {
        var span = destination.GetSpan(source.Length + 4);
        BinaryPrimitives.WriteInt32BigEndian(span, source.Length);
        for (int i = 0; i < source.Length; i++) span[4 + i] = (byte)(source[source.Length - 1 - i] ^ 0xA5);
        destination.Advance(source.Length + 4);
    }

    public void Decompress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination, int maxDecompressedSize)
    {
        if (source.Length < 4) throw new KafkaCompressionException(Type, "Too short.");
        int length = BinaryPrimitives.ReadInt32BigEndian(source);
        if (length != source.Length - 4) throw new KafkaCompressionException(Type, "Length mismatch.");
        if (length > maxDecompressedSize) throw new KafkaCompressionException(Type, "Too large.");
        var span = destination.GetSpan(length);
        for (int i = 0; i < length; i++) span[i] = (byte)(source[source.Length - 1 - i] ^ 0xA5);
        destination.Advance(length);
    }
}

/// <summary>Bit-at-a-time reference checksums, deliberately independent of the production code.</summary>
internal static class ReferenceCrc
{
    public static uint Crc32C(ReadOnlySpan<byte> data) => Bitwise(data, 0x82F63B78u);

    public static uint Crc32(ReadOnlySpan<byte> data) => Bitwise(data, 0xEDB88320u);

    private static uint Bitwise(ReadOnlySpan<byte> data, uint polynomial)
    {
        uint crc = 0xFFFFFFFFu;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ polynomial : crc >> 1;
        }
        return ~crc;
    }
}

/// <summary>A fully materialized record, for comparing round trips.</summary>
internal sealed record DecodedRecord(long Offset, long Timestamp, byte[]? Key, byte[]? Value, (string Key, byte[]? Value)[] Headers)
{
    public static DecodedRecord From(RecordView view)
    {
        var headers = new List<(string, byte[]?)>();
        foreach (var header in view.Headers) headers.Add((header.GetKey(), header.IsValueNull ? null : header.Value.ToArray()));
        return new DecodedRecord(view.Offset, view.Timestamp, view.IsKeyNull ? null : view.Key.ToArray(),
            view.IsValueNull ? null : view.Value.ToArray(), headers.ToArray());
    }

    public bool Same(DecodedRecord other) =>
        Offset == other.Offset && Timestamp == other.Timestamp && Equal(Key, other.Key) && Equal(Value, other.Value)
        && Headers.Length == other.Headers.Length
        && Headers.Zip(other.Headers).All(p => p.First.Key == p.Second.Key && Equal(p.First.Value, p.Second.Value));

    private static bool Equal(byte[]? a, byte[]? b) => a is null ? b is null : b is not null && a.AsSpan().SequenceEqual(b);
}

internal static class RecordSets
{
    /// <summary>Reads every batch and record of a record set into lists.</summary>
    public static List<(RecordBatchHeader Header, List<DecodedRecord> Records)> ReadAll(ReadOnlyMemory<byte> records, bool verifyCrc = true)
    {
        var result = new List<(RecordBatchHeader, List<DecodedRecord>)>();
        using var reader = new RecordBatchReader(records, verifyCrc, TestCodec.Resolve);
        while (reader.MoveNextBatch())
        {
            var list = new List<DecodedRecord>();
            foreach (var record in reader.GetRecords()) list.Add(DecodedRecord.From(record));
            result.Add((reader.Header, list));
        }
        return result;
    }

    public static byte[] Concat(params ReadOnlyMemory<byte>[] parts) => parts.SelectMany(p => p.ToArray()).ToArray();

    public static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);
}

/// <summary>Writes legacy messages (magic 0 and 1) for test data, with the reference CRC-32.</summary>
internal static class LegacyWriter
{
    public static byte[] Message(byte magic, long offset, byte attributes, long timestamp, byte[]? key, byte[]? value)
    {
        var body = new List<byte> { magic, attributes };
        if (magic == 1) body.AddRange(BigEndian(timestamp));
        AddBytes(body, key);
        AddBytes(body, value);
        byte[] crcCovered = body.ToArray();
        var message = new List<byte>();
        message.AddRange(BigEndian(offset));
        message.AddRange(BigEndian(crcCovered.Length + 4));
        message.AddRange(BigEndian(ReferenceCrc.Crc32(crcCovered)));
        message.AddRange(crcCovered);
        return message.ToArray();
    }

    /// <summary>A compressed wrapper whose value is the test codec's encoding of <paramref name="inner"/>.</summary>
    public static byte[] Wrapper(byte magic, long offset, CompressionType codec, bool logAppendTime, long timestamp, byte[] inner)
    {
        var writer = new ArrayBufferWriter<byte>();
        new TestCodec(codec).Compress(inner, writer);
        byte attributes = (byte)((byte)codec | (logAppendTime ? 0x08 : 0));
        return Message(magic, offset, attributes, timestamp, null, writer.WrittenSpan.ToArray());
    }

    private static void AddBytes(List<byte> to, byte[]? bytes)
    {
        if (bytes is null)
        {
            to.AddRange(BigEndian(-1));
            return;
        }
        to.AddRange(BigEndian(bytes.Length));
        to.AddRange(bytes);
    }

    public static byte[] BigEndian(long value)
    {
        var b = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(b, value);
        return b;
    }

    public static byte[] BigEndian(int value)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(b, value);
        return b;
    }

    public static byte[] BigEndian(uint value)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, value);
        return b;
    }
}
