using System.Buffers.Binary;
using System.Text;
using Samsa.Protocol.Records;

namespace Samsa.Broker.Mini.Coordinators;

/// <summary>
/// The record formats of <c>__consumer_offsets</c>, byte-compatible with Kafka's (non-flexible versions):
/// OffsetCommitKey v1 (group, topic, partition), OffsetCommitValue v3 (offset, leader epoch, metadata, commit
/// timestamp) or v1 when an explicit expiry was asked for (offset, metadata, commit and expire timestamps),
/// GroupMetadataKey v2 (group) and GroupMetadataValue v3 (protocol type, generation, protocol, leader, state
/// timestamp, members). Members are written as an empty array: after a restart members rejoin, and the generation
/// carries on from the saved one. A null value is a tombstone.
/// </summary>
internal static class OffsetStore
{
    public static byte[] OffsetKey(string group, string topic, int partition)
    {
        var w = new Writer();
        w.Int16(1).String(group).String(topic).Int32(partition);
        return w.ToArray();
    }

    public static byte[] GroupKey(string group)
    {
        var w = new Writer();
        w.Int16(2).String(group);
        return w.ToArray();
    }

    public static byte[] OffsetValue(CommittedOffset o, bool explicitExpiry)
    {
        var w = new Writer();
        if (explicitExpiry) w.Int16(1).Int64(o.Offset).String(o.Metadata).Int64(o.CommitTimestamp).Int64(o.ExpireTimestamp);
        else w.Int16(3).Int64(o.Offset).Int32(o.LeaderEpoch).String(o.Metadata).Int64(o.CommitTimestamp);
        return w.ToArray();
    }

    public static byte[] GroupValue(Group g, long nowMs)
    {
        var w = new Writer();
        w.Int16(3).String(g.ProtocolType ?? "").Int32(g.Generation).String(g.ProtocolName).String(g.LeaderId).Int64(nowMs).Int32(0);
        return w.ToArray();
    }

    /// <summary>A decoded record: an offset (Topic set) or a group (Topic null); Value null for a tombstone.</summary>
    public readonly record struct Entry(string Group, string? Topic, int Partition, CommittedOffset? Offset, string? ProtocolType, int Generation, bool IsTombstone);

    public static Entry? Decode(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, bool valueIsNull)
    {
        var k = new Reader(key);
        short keyVersion = k.Int16();
        if (keyVersion is 0 or 1)
        {
            string group = k.String()!, topic = k.String()!;
            int partition = k.Int32();
            if (valueIsNull) return new Entry(group, topic, partition, null, null, 0, true);
            var v = new Reader(value);
            short version = v.Int16();
            long offset = v.Int64();
            int epoch = version >= 3 ? v.Int32() : -1;
            string metadata = v.String() ?? "";
            long commit = v.Int64();
            long expire = version is 1 ? v.Int64() : -1;
            return new Entry(group, topic, partition, new CommittedOffset(offset, epoch, metadata, commit, expire), null, 0, false);
        }
        if (keyVersion == 2)
        {
            string group = k.String()!;
            if (valueIsNull) return new Entry(group, null, 0, null, null, 0, true);
            var v = new Reader(value);
            v.Int16();
            string protocolType = v.String() ?? "";
            int generation = v.Int32();
            return new Entry(group, null, 0, null, protocolType, generation, false);
        }
        return null;
    }

    /// <summary>Builds one uncompressed batch of the given records (base offset and epoch are set by the caller).</summary>
    public static byte[] Batch(IEnumerable<(byte[] Key, byte[]? Value)> records, long nowMs)
    {
        using var builder = new RecordBatchBuilder(1024) { ProducerId = -1, ProducerEpoch = -1, BaseSequence = -1 };
        foreach (var (key, value) in records) builder.Append(nowMs, key, value);
        return builder.Build().ToArray();
    }

    private sealed class Writer
    {
        private readonly List<byte> _bytes = new();

        public Writer Int16(short v) { Span<byte> b = stackalloc byte[2]; BinaryPrimitives.WriteInt16BigEndian(b, v); _bytes.AddRange(b); return this; }

        public Writer Int32(int v) { Span<byte> b = stackalloc byte[4]; BinaryPrimitives.WriteInt32BigEndian(b, v); _bytes.AddRange(b); return this; }

        public Writer Int64(long v) { Span<byte> b = stackalloc byte[8]; BinaryPrimitives.WriteInt64BigEndian(b, v); _bytes.AddRange(b); return this; }

        public Writer String(string? s)
        {
            if (s is null) return Int16(-1);
            var utf8 = Encoding.UTF8.GetBytes(s);
            Int16((short)utf8.Length);
            _bytes.AddRange(utf8);
            return this;
        }

        public byte[] ToArray() => _bytes.ToArray();
    }

    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _pos;

        public short Int16() { short v = BinaryPrimitives.ReadInt16BigEndian(_data[_pos..]); _pos += 2; return v; }

        public int Int32() { int v = BinaryPrimitives.ReadInt32BigEndian(_data[_pos..]); _pos += 4; return v; }

        public long Int64() { long v = BinaryPrimitives.ReadInt64BigEndian(_data[_pos..]); _pos += 8; return v; }

        public string? String()
        {
            short len = Int16();
            if (len < 0) return null;
            string s = Encoding.UTF8.GetString(_data.Slice(_pos, len));
            _pos += len;
            return s;
        }
    }
}
