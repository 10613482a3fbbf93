namespace Samsa.Consumer.Assignors;

/// <summary>
/// Kafka's <c>range</c> assignor: for each topic, the members subscribed to it (in Kafka's member order) get
/// contiguous ranges of partitions; the first <c>partitions % members</c> members get one extra.
/// </summary>
public sealed class RangeAssignor : IConsumerPartitionAssignor
{
    /// <inheritdoc />
    public string Name => "range";

    /// <inheritdoc />
    public IReadOnlyList<RebalanceProtocol> SupportedProtocols { get; } = [RebalanceProtocol.Eager];

    /// <inheritdoc />
    public byte[]? SubscriptionUserData(IReadOnlyCollection<string> topics, IReadOnlyCollection<TopicPartition> ownedPartitions, int generation) => null;

    /// <inheritdoc />
    public IReadOnlyDictionary<string, List<TopicPartition>> Assign(IReadOnlyDictionary<string, int> partitionsPerTopic, IReadOnlyDictionary<string, MemberSubscription> members)
    {
        var result = members.Keys.ToDictionary(m => m, _ => new List<TopicPartition>(), StringComparer.Ordinal);
        foreach (var topic in partitionsPerTopic.Keys.Order(StringComparer.Ordinal))
        {
            var subscribers = members.Values.Where(m => m.Topics.Contains(topic)).ToList();
            if (subscribers.Count == 0) continue;
            subscribers.Sort(MemberSubscription.CompareForAssignment);
            int count = partitionsPerTopic[topic];
            int perMember = count / subscribers.Count, extra = count % subscribers.Count;
            int next = 0;
            for (int i = 0; i < subscribers.Count; i++)
            {
                int take = perMember + (i < extra ? 1 : 0);
                for (int p = 0; p < take; p++) result[subscribers[i].MemberId].Add(new TopicPartition(topic, next++));
            }
        }
        return result;
    }
}
