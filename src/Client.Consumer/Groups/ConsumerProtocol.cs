using Samsa.Consumer.Assignors;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Primitives;

namespace Samsa.Consumer.Groups;

/// <summary>
/// The "consumer" embedded protocol of classic groups: subscriptions in JoinGroup metadata and assignments in
/// SyncGroup, each a version prefix followed by the body (Kafka's <c>ConsumerProtocol</c>).
/// </summary>
internal static class ConsumerProtocol
{
    public const string ProtocolType = "consumer";
    private const short SubscriptionVersion = 3;
    private const short AssignmentVersion = 1;

    public static byte[] WriteSubscription(IReadOnlyCollection<string> topics, byte[]? userData, IReadOnlyCollection<TopicPartition> owned, int generation, string? rack)
    {
        var message = new ConsumerProtocolSubscription
        {
            Topics = topics.OrderBy(t => t, StringComparer.Ordinal).ToList(),
            UserData = userData,
            OwnedPartitions = Group(owned).Select(g => new ConsumerProtocolSubscription.TopicPartition { Topic = g.Key, Partitions = g.Value }).ToList(),
            GenerationId = generation,
            RackId = string.IsNullOrEmpty(rack) ? null : rack,
        };
        var buffer = new byte[2 + message.ComputeSize(SubscriptionVersion)];
        var writer = new KafkaWriter(buffer);
        writer.WriteInt16(SubscriptionVersion);
        message.Write(ref writer, SubscriptionVersion);
        return buffer[..writer.Position];
    }

    public static MemberSubscription ReadSubscription(string memberId, string? instanceId, byte[] metadata)
    {
        var reader = new KafkaReader(metadata.AsMemory());
        short version = reader.ReadInt16();
        var message = new ConsumerProtocolSubscription();
        message.Read(ref reader, Math.Min(version, ConsumerProtocolSubscription.HighestSupportedVersion));
        var owned = version >= 1 ? message.OwnedPartitions.SelectMany(t => t.Partitions.Select(p => new TopicPartition(t.Topic, p))).ToList() : null;
        return new MemberSubscription(memberId, instanceId, message.Topics, message.UserData, owned, version >= 2 ? message.GenerationId : -1, message.RackId);
    }

    public static byte[] WriteAssignment(IReadOnlyCollection<TopicPartition> partitions)
    {
        var message = new ConsumerProtocolAssignment
        {
            AssignedPartitions = Group(partitions).Select(g => new ConsumerProtocolAssignment.TopicPartition { Topic = g.Key, Partitions = g.Value }).ToList(),
        };
        var buffer = new byte[2 + message.ComputeSize(AssignmentVersion)];
        var writer = new KafkaWriter(buffer);
        writer.WriteInt16(AssignmentVersion);
        message.Write(ref writer, AssignmentVersion);
        return buffer[..writer.Position];
    }

    public static List<TopicPartition> ReadAssignment(byte[] data)
    {
        if (data.Length < 2) return [];
        var reader = new KafkaReader(data.AsMemory());
        short version = reader.ReadInt16();
        var message = new ConsumerProtocolAssignment();
        message.Read(ref reader, Math.Min(version, ConsumerProtocolAssignment.HighestSupportedVersion));
        return message.AssignedPartitions.SelectMany(t => t.Partitions.Select(p => new TopicPartition(t.Topic, p))).ToList();
    }

    private static SortedDictionary<string, List<int>> Group(IEnumerable<TopicPartition> partitions)
    {
        var map = new SortedDictionary<string, List<int>>(StringComparer.Ordinal);
        foreach (var tp in partitions)
        {
            if (!map.TryGetValue(tp.Topic, out var list)) map[tp.Topic] = list = [];
            list.Add(tp.Partition);
        }
        foreach (var list in map.Values) list.Sort();
        return map;
    }
}
