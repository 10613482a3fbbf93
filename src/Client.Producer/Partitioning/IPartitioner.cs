namespace Samsa.Producer.Partitioning;

/// <summary>
/// Chooses the partition of a record that names none. Return <see cref="Partitioners.UseSticky"/> (-1) to let the
/// producer's built-in uniform sticky partitioner (KIP-794) choose, which is what the built-in partitioners do for
/// null keys.
/// </summary>
public interface IPartitioner
{
    /// <summary>Returns a partition in [0, <paramref name="partitionCount"/>) or -1 for the sticky choice.</summary>
    /// <param name="topic">The record's topic.</param>
    /// <param name="key">The serialized key (empty when null).</param>
    /// <param name="keyIsNull">True when the record has no key.</param>
    /// <param name="partitionCount">The topic's partition count, at least 1.</param>
    int Partition(string topic, ReadOnlySpan<byte> key, bool keyIsNull, int partitionCount);
}
