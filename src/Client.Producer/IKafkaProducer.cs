namespace Samsa.Producer;

/// <summary>
/// A Kafka producer: thread-safe, batching records per partition and sending them from one background loop.
/// Idempotent by default (acks=all, no duplicates or reordering on retries); transactional with a <c>transactional.id</c>.
/// </summary>
/// <typeparam name="TKey">Key type.</typeparam>
/// <typeparam name="TValue">Value type.</typeparam>
public interface IKafkaProducer<TKey, TValue> : IAsyncDisposable
{
    /// <summary>
    /// Produces one record and completes when the broker acknowledged it (or it failed). Waits asynchronously up to
    /// <c>max.block.ms</c> for metadata and buffer space; then fails with <see cref="Client.KafkaTimeoutException"/>.
    /// </summary>
    Task<DeliveryResult<TKey, TValue>> ProduceAsync(string topic, Message<TKey, TValue> message, CancellationToken cancellationToken = default);

    /// <summary>Produces one record to an explicit partition (see <see cref="ProduceAsync(string, Message{TKey,TValue}, CancellationToken)"/>).</summary>
    Task<DeliveryResult<TKey, TValue>> ProduceAsync(TopicPartition topicPartition, Message<TKey, TValue> message, CancellationToken cancellationToken = default);

    /// <summary>
    /// Produces one record without a task: the fast path. Blocks up to <c>max.block.ms</c> when metadata is missing or
    /// <c>buffer.memory</c> is used up, then throws <see cref="Client.KafkaTimeoutException"/>. Serialization and size
    /// errors throw here; delivery errors go to <paramref name="deliveryHandler"/>, which runs on the producer's I/O
    /// thread and must be quick.
    /// </summary>
    void Produce(string topic, Message<TKey, TValue> message, Action<DeliveryReport<TKey, TValue>>? deliveryHandler = null);

    /// <summary>Produces one record to an explicit partition (see <see cref="Produce(string, Message{TKey,TValue}, Action{DeliveryReport{TKey,TValue}}?)"/>).</summary>
    void Produce(TopicPartition topicPartition, Message<TKey, TValue> message, Action<DeliveryReport<TKey, TValue>>? deliveryHandler = null);

    /// <summary>Sends every buffered record now and waits until all are acknowledged or failed; returns the number still pending at the timeout.</summary>
    int Flush(TimeSpan timeout);

    /// <summary>Sends every buffered record now and completes when all are acknowledged or failed.</summary>
    Task FlushAsync(CancellationToken cancellationToken = default);

    /// <summary>Registers the transactional id with its coordinator, fencing older producers and finishing their open transaction.</summary>
    Task InitTransactionsAsync(CancellationToken cancellationToken = default);

    /// <summary>Starts a transaction (local only; partitions are added as records go to them).</summary>
    void BeginTransaction();

    /// <summary>Adds consumer offsets to the transaction, committed atomically with its records (consume-transform-produce).</summary>
    Task SendOffsetsToTransactionAsync(IEnumerable<TopicPartitionOffset> offsets, ConsumerGroupMetadata groupMetadata, CancellationToken cancellationToken = default);

    /// <summary>Flushes and commits the transaction.</summary>
    Task CommitTransactionAsync(CancellationToken cancellationToken = default);

    /// <summary>Drops unsent records (they fail), waits for in-flight ones and aborts the transaction.</summary>
    Task AbortTransactionAsync(CancellationToken cancellationToken = default);
}

/// <summary>A consumer's group identity, for <see cref="IKafkaProducer{TKey,TValue}.SendOffsetsToTransactionAsync"/> (KIP-447).</summary>
/// <param name="GroupId">The consumer group.</param>
/// <param name="GenerationId">The group generation, or -1.</param>
/// <param name="MemberId">The member id, or empty.</param>
/// <param name="GroupInstanceId">The static member id, or null.</param>
public sealed record ConsumerGroupMetadata(string GroupId, int GenerationId = -1, string MemberId = "", string? GroupInstanceId = null);
