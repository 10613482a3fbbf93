using Samsa.Protocol;
using Samsa.Protocol.Primitives;

namespace Samsa.Consumer.Assignors;

/// <summary>
/// The user data formats of Kafka's sticky assignors, shared with the Java client and librdkafka:
/// <list type="bullet">
/// <item><c>sticky</c> (v1): <c>[topic: string, partitions: [int32]]</c> previous assignment, then <c>generation: int32</c>
/// (v0 has no generation).</item>
/// <item><c>cooperative-sticky</c>: <c>generation: int32</c> only; owned partitions travel in the subscription itself.</item>
/// </list>
/// All with the classic (non-compact) encoding.
/// </summary>
internal static class StickyUserData
{
    public const int NoGeneration = -1;

    public static byte[] WriteSticky(IReadOnlyCollection<TopicPartition> owned, int generation)
    {
        var byTopic = owned.GroupBy(tp => tp.Topic).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        int size = 4 + 4;
        foreach (var g in byTopic) size += KafkaSize.NullableString(g.Key, compact: false) + 4 + 4 * g.Count();
        var bytes = new byte[size];
        var writer = new KafkaWriter(bytes);
        writer.WriteArrayLength(byTopic.Count, compact: false);
        foreach (var g in byTopic)
        {
            writer.WriteNullableString(g.Key, compact: false);
            writer.WriteArrayLength(g.Count(), compact: false);
            foreach (var tp in g.OrderBy(tp => tp.Partition)) writer.WriteInt32(tp.Partition);
        }
        writer.WriteInt32(generation);
        return bytes;
    }

    /// <summary>Reads sticky user data (v0 or v1); returns false when the bytes are not in that format.</summary>
    public static bool TryReadSticky(ReadOnlySpan<byte> data, out List<TopicPartition> owned, out int generation)
    {
        owned = [];
        generation = NoGeneration;
        try
        {
            var reader = new KafkaReader(data);
            int topics = reader.ReadArrayLength(compact: false, elementMinSize: 6);
            for (int t = 0; t < topics; t++)
            {
                string topic = reader.ReadString(compact: false);
                int partitions = reader.ReadArrayLength(compact: false, elementMinSize: 4);
                for (int p = 0; p < partitions; p++) owned.Add(new TopicPartition(topic, reader.ReadInt32()));
            }
            if (reader.Remaining >= 4) generation = reader.ReadInt32();
            return reader.End;
        }
        catch (KafkaProtocolException)
        {
            owned = [];
            generation = NoGeneration;
            return false;
        }
    }

    public static byte[] WriteCooperative(int generation)
    {
        var bytes = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes, generation);
        return bytes;
    }

    /// <summary>Reads cooperative-sticky user data (4-byte generation); anything else yields <see cref="NoGeneration"/>.</summary>
    public static int ReadCooperativeGeneration(ReadOnlySpan<byte> data) =>
        data.Length == 4 ? System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(data) : NoGeneration;
}
