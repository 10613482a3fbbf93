using System.Text.RegularExpressions;

namespace Samsa.Consumer;

/// <summary>
/// A Kafka consumer: manual assignment or group subscription, a background fetcher that prefetches while the
/// application works, and offsets committed to the group coordinator. Consume calls must not run concurrently with
/// each other (as in Kafka's Java client); the other members may be called from any thread.
/// </summary>
/// <typeparam name="TKey">Key type.</typeparam>
/// <typeparam name="TValue">Value type.</typeparam>
public interface IKafkaConsumer<TKey, TValue> : IAsyncDisposable
{
    /// <summary>The partitions currently assigned (manually or by the group).</summary>
    IReadOnlyCollection<TopicPartition> Assignment { get; }

    /// <summary>The subscribed topics (empty for manual assignment or a pattern subscription).</summary>
    IReadOnlyCollection<string> Subscription { get; }

    /// <summary>The group member id, or empty when not in a group.</summary>
    string MemberId { get; }

    /// <summary>Replaces the assignment; positions come from committed offsets (with a group) or <c>auto.offset.reset</c>.</summary>
    void Assign(IEnumerable<TopicPartition> partitions);

    /// <summary>Replaces the assignment with explicit start offsets (<see cref="Offsets"/> values allowed).</summary>
    void Assign(IEnumerable<TopicPartitionOffset> partitions);

    /// <summary>Adds partitions to the assignment, keeping the positions of those already assigned.</summary>
    void IncrementalAssign(IEnumerable<TopicPartitionOffset> partitions);

    /// <summary>Removes partitions from the assignment; their buffered data is dropped.</summary>
    void IncrementalUnassign(IEnumerable<TopicPartition> partitions);

    /// <summary>Removes every partition.</summary>
    void Unassign();

    /// <summary>Joins the group (<c>group.id</c>) with a subscription to <paramref name="topics"/>.</summary>
    void Subscribe(IEnumerable<string> topics);

    /// <summary>Joins the group with a subscription to every topic matching <paramref name="pattern"/>.</summary>
    void Subscribe(Regex pattern);

    /// <summary>Leaves the group's subscription (the assignment is revoked).</summary>
    void Unsubscribe();

    /// <summary>Waits for the next record. Cancel the token (or call <see cref="Wakeup"/>) to interrupt the wait.</summary>
    ValueTask<ConsumeResult<TKey, TValue>> ConsumeAsync(CancellationToken cancellationToken = default);

    /// <summary>Yields records as they arrive, until cancelled.</summary>
    IAsyncEnumerable<ConsumeResult<TKey, TValue>> ConsumeAllAsync(CancellationToken cancellationToken = default);

    /// <summary>Waits for at least one record and returns what is buffered, up to <paramref name="maxRecords"/> (default <c>max.poll.records</c>).</summary>
    ValueTask<IReadOnlyList<ConsumeResult<TKey, TValue>>> ConsumeBatchAsync(int maxRecords = 0, CancellationToken cancellationToken = default);

    /// <summary>
    /// Waits for at least one record and hands up to <paramref name="maxRecords"/> buffered records to
    /// <paramref name="handler"/> as raw bytes, without allocating per record. Returns how many were handled.
    /// </summary>
    ValueTask<int> ConsumeRawAsync(IRawRecordHandler handler, int maxRecords = 0, CancellationToken cancellationToken = default);

    /// <summary>Interrupts a consume call that is waiting, which then throws <see cref="OperationCanceledException"/> (Java's <c>wakeup()</c>).</summary>
    void Wakeup();

    /// <summary>Moves an assigned partition's position; <see cref="Offsets.Beginning"/> and <see cref="Offsets.End"/> are allowed.</summary>
    void Seek(TopicPartitionOffset position);

    /// <summary>Moves to the first available offset of each partition (resolved lazily).</summary>
    void SeekToBeginning(IEnumerable<TopicPartition> partitions);

    /// <summary>Moves to the end of each partition (resolved lazily).</summary>
    void SeekToEnd(IEnumerable<TopicPartition> partitions);

    /// <summary>The offset of the next record the application will get, waiting until it is known.</summary>
    ValueTask<long> PositionAsync(TopicPartition partition, CancellationToken cancellationToken = default);

    /// <summary>For each partition, the earliest offset whose timestamp is at least the given one (Offset -1 when none).</summary>
    ValueTask<IReadOnlyList<TopicPartitionOffset>> OffsetsForTimesAsync(IEnumerable<KeyValuePair<TopicPartition, long>> timestampsMs, CancellationToken cancellationToken = default);

    /// <summary>The partition's log start offset and high watermark (or last stable offset for read_committed), asked from its leader.</summary>
    ValueTask<(long Low, long High)> QueryWatermarkOffsetsAsync(TopicPartition partition, CancellationToken cancellationToken = default);

    /// <summary>Stops fetching from partitions; nothing is returned for them until <see cref="Resume"/>.</summary>
    void Pause(IEnumerable<TopicPartition> partitions);

    /// <summary>Resumes paused partitions.</summary>
    void Resume(IEnumerable<TopicPartition> partitions);

    /// <summary>The paused partitions.</summary>
    IReadOnlyCollection<TopicPartition> Paused { get; }

    /// <summary>Sets the offset the next commit stores for the record's partition (the record's offset + 1).</summary>
    void StoreOffset(ConsumeResult<TKey, TValue> result);

    /// <summary>Sets the offset the next commit stores for a partition.</summary>
    void StoreOffset(TopicPartitionOffset offset);

    /// <summary>Commits the stored offset (or else the position) of every assigned partition; returns what was committed.</summary>
    ValueTask<IReadOnlyList<TopicPartitionOffset>> CommitAsync(CancellationToken cancellationToken = default);

    /// <summary>Commits the given offsets (the offsets of the next records to read).</summary>
    ValueTask CommitAsync(IEnumerable<TopicPartitionOffset> offsets, CancellationToken cancellationToken = default);

    /// <summary>The group's committed offsets (Offset <see cref="Offsets.Unset"/> when none).</summary>
    ValueTask<IReadOnlyList<TopicPartitionOffset>> CommittedAsync(IEnumerable<TopicPartition> partitions, CancellationToken cancellationToken = default);

    /// <summary>Commits (with <c>enable.auto.commit</c>), leaves the group and stops fetching.</summary>
    ValueTask CloseAsync(CancellationToken cancellationToken = default);
}
