namespace Samsa;

/// <summary>A partition of a topic.</summary>
/// <param name="Topic">The topic name.</param>
/// <param name="Partition">The partition index.</param>
public readonly record struct TopicPartition(string Topic, int Partition) : IComparable<TopicPartition>
{
    /// <summary>Orders by topic (ordinal) and then partition, as Kafka's assignors sort partitions.</summary>
    public int CompareTo(TopicPartition other)
    {
        int byTopic = string.CompareOrdinal(Topic, other.Topic);
        return byTopic != 0 ? byTopic : Partition.CompareTo(other.Partition);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Topic}-{Partition}";
}
