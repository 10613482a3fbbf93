using System.Buffers.Binary;
using System.Text;

namespace Samsa.Broker.Mini.Coordinators;

/// <summary>
/// The record format of <c>__transaction_state</c>, byte-compatible with Kafka's non-flexible version 0:
/// key <c>int16 0, string transactionalId</c>; value <c>int16 0, int64 producerId, int16 producerEpoch,
/// int32 transactionTimeoutMs, int8 state, [string topic, [int32 partition]] partitions, int64 lastUpdateTimestamp,
/// int64 startTimestamp</c>. The latest record of an id wins on replay; a null value is a tombstone.
/// </summary>
internal static class TransactionStore
{
    public static byte[] Key(string transactionalId)
    {
        var utf8 = Encoding.UTF8.GetBytes(transactionalId);
        var key = new byte[4 + utf8.Length];
        BinaryPrimitives.WriteInt16BigEndian(key, 0);
        BinaryPrimitives.WriteInt16BigEndian(key.AsSpan(2), (short)utf8.Length);
        utf8.CopyTo(key, 4);
        return key;
    }

    public static byte[] Value(TransactionMetadata txn)
    {
        var topics = txn.Partitions.GroupBy(p => p.Topic, StringComparer.Ordinal).ToList();
        using var stream = new MemoryStream();
        Int16(stream, 0);
        Int64(stream, txn.ProducerId);
        Int16(stream, txn.ProducerEpoch);
        Int32(stream, txn.TimeoutMs);
        stream.WriteByte((byte)txn.State);
        Int32(stream, topics.Count);
        foreach (var topic in topics)
        {
            String(stream, topic.Key);
            Int32(stream, topic.Count());
            foreach (var (_, partition) in topic) Int32(stream, partition);
        }
        Int64(stream, txn.LastUpdateTimestamp);
        Int64(stream, txn.StartTimestamp);
        return stream.ToArray();
    }

    /// <summary>Decodes a record into metadata (null when the value is a tombstone or the key is not a transaction key).</summary>
    public static (string? Id, TransactionMetadata? Txn) Decode(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, bool valueIsNull)
    {
        if (key.Length < 4 || BinaryPrimitives.ReadInt16BigEndian(key) != 0) return (null, null);
        int length = BinaryPrimitives.ReadInt16BigEndian(key[2..]);
        string id = Encoding.UTF8.GetString(key.Slice(4, length));
        if (valueIsNull) return (id, null);
        int pos = 2;
        var txn = new TransactionMetadata(id)
        {
            ProducerId = ReadInt64(value, ref pos),
            ProducerEpoch = ReadInt16(value, ref pos),
            TimeoutMs = ReadInt32(value, ref pos),
        };
        txn.State = (TxnState)(sbyte)value[pos++];
        int topics = ReadInt32(value, ref pos);
        for (int t = 0; t < topics; t++)
        {
            int nameLength = ReadInt16(value, ref pos);
            string topic = Encoding.UTF8.GetString(value.Slice(pos, nameLength));
            pos += nameLength;
            int partitions = ReadInt32(value, ref pos);
            for (int p = 0; p < partitions; p++) txn.Partitions.Add((topic, ReadInt32(value, ref pos)));
        }
        txn.LastUpdateTimestamp = ReadInt64(value, ref pos);
        txn.StartTimestamp = ReadInt64(value, ref pos);
        return (id, txn);
    }

    private static void Int16(Stream s, short v)
    {
        Span<byte> b = stackalloc byte[2];
        BinaryPrimitives.WriteInt16BigEndian(b, v);
        s.Write(b);
    }

    private static void Int32(Stream s, int v)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(b, v);
        s.Write(b);
    }

    private static void Int64(Stream s, long v)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(b, v);
        s.Write(b);
    }

    private static void String(Stream s, string v)
    {
        var utf8 = Encoding.UTF8.GetBytes(v);
        Int16(s, (short)utf8.Length);
        s.Write(utf8);
    }

    private static short ReadInt16(ReadOnlySpan<byte> d, ref int pos) { short v = BinaryPrimitives.ReadInt16BigEndian(d[pos..]); pos += 2; return v; }

    private static int ReadInt32(ReadOnlySpan<byte> d, ref int pos) { int v = BinaryPrimitives.ReadInt32BigEndian(d[pos..]); pos += 4; return v; }

    private static long ReadInt64(ReadOnlySpan<byte> d, ref int pos) { long v = BinaryPrimitives.ReadInt64BigEndian(d[pos..]); pos += 8; return v; }
}
