using Samsa.Client.Connections;
using Samsa.Protocol;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Primitives;

namespace Samsa.Producer.Internal;

/// <summary>
/// A Produce request written straight from the drained batches, with no <see cref="ProduceRequest"/> object graph: the
/// bytes are those the generated <see cref="ProduceRequest.Write"/> produces for the same content (versions 0-11,
/// flexible from 9; checked by a byte-equality test). Topics are written in order of first appearance and each topic's
/// partitions in batch order, as the generated request built from the same batches would be. Reused: the sender keeps
/// one per in-flight slot, so a steady stream of requests allocates nothing.
/// </summary>
internal sealed class ProduceRequestBody : IKafkaRequest<ProduceAcks>, IResponseSource<ProduceAcks>
{
    // What Write reads: a snapshot taken at Prepare, so the writer never touches the (pooled, mutable) batches.
    private ReadOnlyMemory<byte>[] _records = new ReadOnlyMemory<byte>[16];
    private string[] _topics = new string[16];
    private int[] _partitions = new int[16];
    private int _count;
    private ProduceAcks? _spare = new();

    /// <summary>The batches of this request, grouped by topic (see <see cref="Prepare"/>).</summary>
    public List<ProducerBatch> Batches { get; } = [];

    public short Acks { get; set; }

    public int TimeoutMs { get; set; }

    public string? TransactionalId { get; set; }

    short IKafkaMessage.LowestSupportedVersion => ProduceRequest.LowestSupportedVersion;

    short IKafkaMessage.HighestSupportedVersion => ProduceRequest.HighestSupportedVersion;

    ApiKey IKafkaApiMessage.ApiKey => ApiKey.Produce;

    /// <summary>
    /// The reused response object, or a new one if it is taken (a late response to a cancelled request may hold it;
    /// handing it out once keeps two responses from sharing it).
    /// </summary>
    public ProduceAcks NextResponse() => Interlocked.Exchange(ref _spare, null) ?? new ProduceAcks();

    /// <summary>Gives a response object back for the next request, after its results were taken and its buffer returned.</summary>
    public void ReturnResponse(ProduceAcks response) => Volatile.Write(ref _spare, response);

    /// <summary>The encoded record set of <see cref="Batches"/>[<paramref name="index"/>].</summary>
    public ReadOnlyMemory<byte> Records(int index) => _records[index];

    /// <summary>Groups <see cref="Batches"/> by topic (stable, first appearance); then set each batch's records with <see cref="SetRecords"/>.</summary>
    public void Prepare()
    {
        GroupByTopic(Batches);
        _count = Batches.Count;
        if (_records.Length < _count)
        {
            int size = Math.Max(_count, _records.Length * 2);
            _records = new ReadOnlyMemory<byte>[size];
            _topics = new string[size];
            _partitions = new int[size];
        }
        for (int i = 0; i < _count; i++)
        {
            _topics[i] = Batches[i].Queue.TopicName;
            _partitions[i] = Batches[i].Queue.Partition;
        }
    }

    /// <summary>Sets the encoded record set of <see cref="Batches"/>[<paramref name="index"/>].</summary>
    public void SetRecords(int index, ReadOnlyMemory<byte> records) => _records[index] = records;

    /// <summary>Forgets the batches (the object is reused).</summary>
    public void Clear()
    {
        _records.AsSpan(0, _count).Clear();
        _topics.AsSpan(0, _count).Clear();
        _count = 0;
        Batches.Clear();
    }

    /// <summary>
    /// Makes batches of the same topic adjacent, keeping first-appearance order. The sender drains topic by topic, so
    /// the batches usually are grouped already and this is one pass.
    /// </summary>
    internal static void GroupByTopic(List<ProducerBatch> batches)
    {
        for (int i = 1; i < batches.Count; i++)
        {
            string topic = batches[i].Queue.TopicName;
            if (ReferenceEquals(topic, batches[i - 1].Queue.TopicName)) continue;
            // A new run starts at i: if its topic appeared before, move the batch to the end of that topic's run.
            int at = -1;
            for (int j = 0; j < i - 1; j++)
            {
                if (ReferenceEquals(batches[j].Queue.TopicName, topic)) at = j;
            }
            if (at < 0) continue;
            var batch = batches[i];
            batches.RemoveAt(i);
            batches.Insert(at + 1, batch);
        }
    }

    public int ComputeSize(short version)
    {
        CheckVersion(version);
        bool flexible = version >= ProduceRequest.FirstFlexibleVersion;
        int size = (version >= 3 ? KafkaSize.NullableString(TransactionalId, flexible) : 0) + 2 + 4;
        size += KafkaSize.ArrayLength(CountTopics(), flexible);
        for (int i = 0; i < _count;)
        {
            int end = RunEnd(i);
            size += KafkaSize.NullableString(_topics[i], flexible);
            size += KafkaSize.ArrayLength(end - i, flexible);
            for (int p = i; p < end; p++)
            {
                size += 4 + KafkaSize.NullableBytes(_records[p].Length, isNull: false, flexible);
                if (flexible) size += 1; // no tagged fields
            }
            if (flexible) size += 1;
            i = end;
        }
        if (flexible) size += 1;
        return size;
    }

    public void Write(ref KafkaWriter writer, short version)
    {
        CheckVersion(version);
        bool flexible = version >= ProduceRequest.FirstFlexibleVersion;
        if (version >= 3) writer.WriteNullableString(TransactionalId, flexible);
        else if (TransactionalId is not null) throw new KafkaProtocolException($"ProduceRequest.TransactionalId needs version 3+, not {version}.");
        writer.WriteInt16(Acks);
        writer.WriteInt32(TimeoutMs);
        writer.WriteArrayLength(CountTopics(), flexible);
        for (int i = 0; i < _count;)
        {
            int end = RunEnd(i);
            writer.WriteNullableString(_topics[i], flexible);
            writer.WriteArrayLength(end - i, flexible);
            for (int p = i; p < end; p++)
            {
                writer.WriteInt32(_partitions[p]);
                writer.WriteNullableBytes(_records[p].Span, isNull: false, flexible);
                if (flexible) writer.WriteUnsignedVarInt(0);
            }
            if (flexible) writer.WriteUnsignedVarInt(0);
            i = end;
        }
        if (flexible) writer.WriteUnsignedVarInt(0);
    }

    /// <summary>Not supported: this type only writes requests; brokers read them with the generated <see cref="ProduceRequest"/>.</summary>
    void IKafkaMessage.Read(ref KafkaReader reader, short version) =>
        throw new NotSupportedException("ProduceRequestBody only writes requests; read them with the generated ProduceRequest.");

    private int CountTopics()
    {
        int topics = 0;
        for (int i = 0; i < _count; i = RunEnd(i)) topics++;
        return topics;
    }

    private int RunEnd(int start)
    {
        string topic = _topics[start];
        int end = start + 1;
        while (end < _count && ReferenceEquals(_topics[end], topic)) end++;
        return end;
    }

    private static void CheckVersion(short version)
    {
        if (version < ProduceRequest.LowestSupportedVersion || version > ProduceRequest.HighestSupportedVersion)
            throw new KafkaProtocolException($"ProduceRequest does not support version {version}.");
    }
}
