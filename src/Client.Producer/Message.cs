using Samsa.Protocol;

namespace Samsa.Producer;

/// <summary>A record to produce.</summary>
/// <typeparam name="TKey">Key type.</typeparam>
/// <typeparam name="TValue">Value type.</typeparam>
public class Message<TKey, TValue>
{
    /// <summary>The key; null (for reference types) produces a null key, which the default partitioner spreads stickily.</summary>
    public TKey Key { get; set; } = default!;

    /// <summary>The value; a null value is a tombstone.</summary>
    public TValue Value { get; set; } = default!;

    /// <summary>Headers, or null for none.</summary>
    public Headers? Headers { get; set; }

    /// <summary>Create time; <see cref="Timestamp.Default"/> means "now" when the record is produced.</summary>
    public Timestamp Timestamp { get; set; }

    /// <summary>An explicit partition, or null to let the partitioner choose.</summary>
    public int? Partition { get; set; }
}

/// <summary>A record timestamp in Unix milliseconds; the default (0 ticks, <see cref="IsDefault"/>) means "use the current time".</summary>
/// <param name="UnixTimestampMs">Milliseconds since the Unix epoch.</param>
/// <param name="Type">Create time or log-append time.</param>
public readonly record struct Timestamp(long UnixTimestampMs, Protocol.Records.TimestampType Type = Protocol.Records.TimestampType.CreateTime)
{
    /// <summary>"Not set": the producer uses the current time.</summary>
    public static Timestamp Default => default;

    /// <summary>True when no timestamp was given.</summary>
    public bool IsDefault => UnixTimestampMs == 0 && Type == Protocol.Records.TimestampType.CreateTime;

    /// <summary>A create-time timestamp from a <see cref="DateTimeOffset"/>.</summary>
    public Timestamp(DateTimeOffset time) : this(time.ToUnixTimeMilliseconds()) { }

    /// <summary>The timestamp as a <see cref="DateTimeOffset"/> (UTC).</summary>
    public DateTimeOffset UtcDateTime => DateTimeOffset.FromUnixTimeMilliseconds(UnixTimestampMs);
}

/// <summary>Whether a record was written, as far as the producer knows.</summary>
public enum PersistenceStatus
{
    /// <summary>The record was not written (it failed before or without reaching a broker).</summary>
    NotPersisted,
    /// <summary>The record may or may not have been written (a request timed out or a connection broke).</summary>
    PossiblyPersisted,
    /// <summary>The broker acknowledged the record.</summary>
    Persisted,
}

/// <summary>The outcome of <see cref="IKafkaProducer{TKey,TValue}.ProduceAsync(string, Message{TKey,TValue}, CancellationToken)"/>.</summary>
/// <typeparam name="TKey">Key type.</typeparam>
/// <typeparam name="TValue">Value type.</typeparam>
public class DeliveryResult<TKey, TValue>
{
    /// <summary>The topic.</summary>
    public required string Topic { get; init; }

    /// <summary>The partition.</summary>
    public int Partition { get; init; }

    /// <summary>The record's offset, or -1 when unknown (acks=0, or a duplicate the broker did not re-acknowledge).</summary>
    public long Offset { get; init; }

    /// <summary>The record's timestamp (create time, or the broker's log-append time).</summary>
    public Timestamp Timestamp { get; init; }

    /// <summary>The message that was produced.</summary>
    public required Message<TKey, TValue> Message { get; init; }

    /// <summary>Persisted for an acknowledged record (or PossiblyPersisted with acks=0).</summary>
    public PersistenceStatus Status { get; init; }

    /// <summary>Topic, partition and offset together.</summary>
    public TopicPartitionOffset TopicPartitionOffset => new(Topic, Partition, Offset);
}

/// <summary>
/// What the delivery callback of <see cref="IKafkaProducer{TKey,TValue}.Produce(string, Message{TKey,TValue}, Action{DeliveryReport{TKey,TValue}}?)"/>
/// receives: a struct, so reporting allocates nothing.
/// </summary>
/// <typeparam name="TKey">Key type.</typeparam>
/// <typeparam name="TValue">Value type.</typeparam>
public readonly struct DeliveryReport<TKey, TValue>
{
    internal DeliveryReport(string topic, int partition, long offset, Timestamp timestamp, Message<TKey, TValue> message,
        ErrorCode error, Exception? exception, PersistenceStatus status)
    {
        Topic = topic;
        Partition = partition;
        Offset = offset;
        Timestamp = timestamp;
        Message = message;
        Error = error;
        Exception = exception;
        Status = status;
    }

    /// <summary>The topic.</summary>
    public string Topic { get; }

    /// <summary>The partition, or -1 when none was chosen.</summary>
    public int Partition { get; }

    /// <summary>The offset, or -1.</summary>
    public long Offset { get; }

    /// <summary>The record's timestamp.</summary>
    public Timestamp Timestamp { get; }

    /// <summary>The message.</summary>
    public Message<TKey, TValue> Message { get; }

    /// <summary><see cref="ErrorCode.None"/> on success, else the broker or local error.</summary>
    public ErrorCode Error { get; }

    /// <summary>The failure, or null on success.</summary>
    public Exception? Exception { get; }

    /// <summary>True when the record failed.</summary>
    public bool IsError => Exception is not null;

    /// <summary>Whether the record was written.</summary>
    public PersistenceStatus Status { get; }

    /// <summary>Topic, partition and offset together.</summary>
    public TopicPartitionOffset TopicPartitionOffset => new(Topic, Partition, Offset);
}
