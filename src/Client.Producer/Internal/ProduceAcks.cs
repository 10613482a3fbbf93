using System.Buffers;
using System.Text;
using Samsa.Protocol;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Primitives;

namespace Samsa.Producer.Internal;

/// <summary>What the sender needs from one partition of a Produce response.</summary>
internal struct PartitionAck
{
    /// <summary>The response mentioned the partition.</summary>
    public bool Found;

    public short ErrorCode;

    public long BaseOffset;

    /// <summary>The broker's append time (LogAppendTime topics), or -1.</summary>
    public long LogAppendTimeMs;

    /// <summary>The partition-level error message (v8+), usually null.</summary>
    public string? ErrorMessage;

    /// <summary>Records the broker rejected (INVALID_RECORD, v8+), or null.</summary>
    public List<ProduceResponse.BatchIndexAndErrorMessage>? RecordErrors;
}

/// <summary>
/// A Produce response read without building the <see cref="ProduceResponse"/> object graph. The connection's read loop
/// calls <see cref="Read"/>, which checks the whole body (a malformed frame fails the request there, as the generated
/// reader does), takes the throttle time and keeps a pooled copy of the body; the sender then matches it to the
/// request's batches with <see cref="Match"/> and returns the copy with <see cref="Dispose"/>. Strings are read only on
/// the error path, so a successful response costs this object alone. Field layout as in the generated reader (v0-11);
/// a test checks both agree.
/// </summary>
internal sealed class ProduceAcks : IKafkaResponse, IDisposable
{
    private byte[]? _body;
    private int _length;
    private short _version;

    /// <summary>The broker's throttle time (v1+), read by the connection.</summary>
    public int ThrottleTimeMs { get; private set; }

    short IKafkaMessage.LowestSupportedVersion => ProduceResponse.LowestSupportedVersion;

    short IKafkaMessage.HighestSupportedVersion => ProduceResponse.HighestSupportedVersion;

    ApiKey IKafkaApiMessage.ApiKey => ApiKey.Produce;

    public void Read(ref KafkaReader reader, short version)
    {
        if (version < ProduceResponse.LowestSupportedVersion || version > ProduceResponse.HighestSupportedVersion)
            throw new KafkaProtocolException($"ProduceResponse does not support version {version}.");
        var body = reader.RemainingSpan;
        var walker = new KafkaReader(body);
        ThrottleTimeMs = Walk(ref walker, version, null, default);
        reader.Skip(walker.Position);
        _version = version;
        _length = walker.Position;
        _body = ArrayPool<byte>.Shared.Rent(Math.Max(_length, 1));
        body[.._length].CopyTo(_body);
    }

    /// <summary>Writes the body as received (for tests and diagnostics).</summary>
    public void Write(ref KafkaWriter writer, short version) => writer.WriteSpan(Body);

    public int ComputeSize(short version) => _length;

    private ReadOnlySpan<byte> Body => _body is null ? default : _body.AsSpan(0, _length);

    /// <summary>
    /// Fills <paramref name="acks"/>[i] with the result for <paramref name="batches"/>[i]; batches the response does not
    /// mention keep <see cref="PartitionAck.Found"/> false.
    /// </summary>
    public void Match(List<ProducerBatch> batches, Span<PartitionAck> acks)
    {
        acks[..batches.Count].Clear();
        var reader = new KafkaReader(Body);
        Walk(ref reader, _version, batches, acks);
    }

    /// <summary>Returns the pooled copy of the body.</summary>
    public void Dispose()
    {
        var body = _body;
        _body = null;
        _length = 0;
        if (body is not null) ArrayPool<byte>.Shared.Return(body);
    }

    /// <summary>Reads the body once; with <paramref name="batches"/>, records each partition's result. Returns the throttle time.</summary>
    private static int Walk(ref KafkaReader reader, short version, List<ProducerBatch>? batches, Span<PartitionAck> acks)
    {
        bool flexible = version >= ProduceResponse.FirstFlexibleVersion;
        int topics = reader.ReadArrayLength(flexible);
        if (topics < 0) throw new KafkaProtocolException("Non-nullable Responses was null.");
        int cursor = 0;
        for (int t = 0; t < topics; t++)
        {
            var name = ReadStringBytes(ref reader, flexible, "Name");
            int runStart = -1, runEnd = -1;
            if (batches is not null) FindTopicRun(batches, name, out runStart, out runEnd);
            int partitions = reader.ReadArrayLength(flexible);
            if (partitions < 0) throw new KafkaProtocolException("Non-nullable PartitionResponses was null.");
            if (runStart >= 0) cursor = runStart;
            for (int p = 0; p < partitions; p++)
            {
                int index = reader.ReadInt32();
                short error = reader.ReadInt16();
                long baseOffset = reader.ReadInt64();
                long appendTime = version >= 2 ? reader.ReadInt64() : -1;
                if (version >= 5) reader.ReadInt64(); // log start offset
                List<ProduceResponse.BatchIndexAndErrorMessage>? recordErrors = null;
                string? message = null;
                if (version >= 8)
                {
                    int count = reader.ReadArrayLength(flexible);
                    if (count < 0) throw new KafkaProtocolException("Non-nullable RecordErrors was null.");
                    for (int r = 0; r < count; r++)
                    {
                        var item = new ProduceResponse.BatchIndexAndErrorMessage();
                        item.Read(ref reader, version);
                        (recordErrors ??= new List<ProduceResponse.BatchIndexAndErrorMessage>(count)).Add(item);
                    }
                    message = reader.ReadNullableString(flexible);
                }
                if (flexible) SkipTaggedFields(ref reader); // CurrentLeader (tag 0): the sender refreshes metadata instead
                if (runStart < 0) continue;
                int at = FindPartition(batches!, runStart, runEnd, ref cursor, index);
                if (at < 0) continue;
                acks[at] = new PartitionAck
                {
                    Found = true,
                    ErrorCode = error,
                    BaseOffset = baseOffset,
                    LogAppendTimeMs = appendTime,
                    ErrorMessage = message,
                    RecordErrors = recordErrors,
                };
            }
            if (flexible) SkipTaggedFields(ref reader);
        }
        int throttle = version >= 1 ? reader.ReadInt32() : 0;
        if (flexible) SkipTaggedFields(ref reader); // NodeEndpoints (tag 0)
        return throttle;
    }

    private static void FindTopicRun(List<ProducerBatch> batches, ReadOnlySpan<byte> name, out int start, out int end)
    {
        start = end = -1;
        for (int i = 0; i < batches.Count; i++)
        {
            if (!NameEquals(name, batches[i].Queue.TopicName)) continue;
            string topic = batches[i].Queue.TopicName;
            start = i;
            end = i + 1;
            while (end < batches.Count && ReferenceEquals(batches[end].Queue.TopicName, topic)) end++;
            return;
        }
    }

    /// <summary>The batch of <paramref name="partition"/> in [start, end); brokers answer in request order, so the cursor is tried first.</summary>
    private static int FindPartition(List<ProducerBatch> batches, int start, int end, ref int cursor, int partition)
    {
        int length = end - start;
        for (int k = 0; k < length; k++)
        {
            int i = start + (cursor - start + k) % length;
            if (batches[i].Queue.Partition != partition) continue;
            cursor = i + 1 < end ? i + 1 : start;
            return i;
        }
        return -1;
    }

    private static bool NameEquals(ReadOnlySpan<byte> utf8, string name) =>
        Ascii.IsValid(utf8) ? Ascii.Equals(utf8, name) : Encoding.UTF8.GetString(utf8) == name;

    private static ReadOnlySpan<byte> ReadStringBytes(ref KafkaReader reader, bool flexible, string field)
    {
        int length = flexible ? (int)reader.ReadUnsignedVarInt() - 1 : reader.ReadInt16();
        if (length < 0) throw new KafkaProtocolException($"Non-nullable {field} was null.");
        return reader.ReadSpan(length);
    }

    private static void SkipTaggedFields(ref KafkaReader reader)
    {
        uint count = reader.ReadUnsignedVarInt();
        for (uint i = 0; i < count; i++)
        {
            reader.ReadUnsignedVarInt();
            reader.Skip(reader.ReadTaggedFieldSize());
        }
    }
}
