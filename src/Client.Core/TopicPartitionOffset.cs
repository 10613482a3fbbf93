namespace Samsa;

/// <summary>A position in a partition: the offset of the next record to read, or an offset to commit.</summary>
/// <param name="Topic">The topic name.</param>
/// <param name="Partition">The partition index.</param>
/// <param name="Offset">The offset; see <see cref="Offsets"/> for the special values.</param>
/// <param name="LeaderEpoch">The leader epoch the offset was read in, or -1 when unknown (KIP-320).</param>
public readonly record struct TopicPartitionOffset(string Topic, int Partition, long Offset, int LeaderEpoch = -1)
{
    /// <summary>Creates a position from a partition and an offset.</summary>
    public TopicPartitionOffset(TopicPartition topicPartition, long offset, int leaderEpoch = -1)
        : this(topicPartition.Topic, topicPartition.Partition, offset, leaderEpoch) { }

    /// <summary>The partition this position is in.</summary>
    public TopicPartition TopicPartition => new(Topic, Partition);

    /// <inheritdoc />
    public override string ToString() => $"{Topic}-{Partition}@{Offset}";
}

/// <summary>Special offsets, with Kafka's values.</summary>
public static class Offsets
{
    /// <summary>The earliest available offset (ListOffsets timestamp -2).</summary>
    public const long Beginning = -2;

    /// <summary>The offset after the last record (ListOffsets timestamp -1).</summary>
    public const long End = -1;

    /// <summary>No offset is stored or known.</summary>
    public const long Unset = -1001;
}
