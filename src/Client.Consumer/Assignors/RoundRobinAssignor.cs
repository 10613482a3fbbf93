namespace Samsa.Consumer.Assignors;

/// <summary>
/// Kafka's <c>roundrobin</c> assignor: all partitions sorted by topic and partition are dealt to the members in
/// Kafka's member order, skipping members not subscribed to a partition's topic.
/// </summary>
public sealed class RoundRobinAssignor : IConsumerPartitionAssignor
{
    /// <inheritdoc />
    public string Name => "roundrobin";

    /// <inheritdoc />
    public IReadOnlyList<RebalanceProtocol> SupportedProtocols { get; } = [RebalanceProtocol.Eager];

    /// <inheritdoc />
    public byte[]? SubscriptionUserData(IReadOnlyCollection<string> topics, IReadOnlyCollection<TopicPartition> ownedPartitions, int generation) => null;

    /// <inheritdoc />
    public IReadOnlyDictionary<string, List<TopicPartition>> Assign(IReadOnlyDictionary<string, int> partitionsPerTopic, IReadOnlyDictionary<string, MemberSubscription> members)
    {
        var result = members.Keys.ToDictionary(m => m, _ => new List<TopicPartition>(), StringComparer.Ordinal);
        var ordered = members.Values.ToList();
        ordered.Sort(MemberSubscription.CompareForAssignment);
        if (ordered.Count == 0) return result;
        int cursor = 0;
        foreach (var topic in partitionsPerTopic.Keys.Order(StringComparer.Ordinal))
        {
            if (!ordered.Any(m => m.Topics.Contains(topic))) continue;
            for (int p = 0; p < partitionsPerTopic[topic]; p++)
            {
                while (!ordered[cursor % ordered.Count].Topics.Contains(topic)) cursor++;
                result[ordered[cursor % ordered.Count].MemberId].Add(new TopicPartition(topic, p));
                cursor++;
            }
        }
        return result;
    }
}
