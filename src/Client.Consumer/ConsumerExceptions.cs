using Samsa.Client;
using Samsa.Protocol;

namespace Samsa.Consumer;

/// <summary>
/// The position of a partition is out of the log's range and <c>auto.offset.reset</c> is <c>none</c> (Java's
/// <c>OffsetOutOfRangeException</c> / <c>NoOffsetForPartitionException</c>). Seek to continue.
/// </summary>
public sealed class OffsetOutOfRangeException : KafkaException
{
    /// <summary>Creates the exception.</summary>
    public OffsetOutOfRangeException(TopicPartition topicPartition, long offset)
        : base(ErrorCode.OffsetOutOfRange, offset < 0
            ? $"{topicPartition} has no committed offset and auto.offset.reset is none."
            : $"Offset {offset} is out of range for {topicPartition} and auto.offset.reset is none.", isRetriable: false)
    {
        TopicPartition = topicPartition;
        Offset = offset;
    }

    /// <summary>The partition.</summary>
    public TopicPartition TopicPartition { get; }

    /// <summary>The offset that was out of range (negative when there was none).</summary>
    public long Offset { get; }
}

/// <summary>
/// The application did not consume within <c>max.poll.interval.ms</c>: the consumer left its group and its partitions
/// were reassigned (they were reported as lost). The next consume call rejoins the group.
/// </summary>
public sealed class MaxPollIntervalExceededException : KafkaException
{
    /// <summary>Creates the exception.</summary>
    public MaxPollIntervalExceededException(string message) : base(ErrorCode.None, message, isRetriable: false) { }
}

/// <summary>
/// A commit failed because the group rebalanced and this member no longer owns the partitions (Java's
/// <c>CommitFailedException</c>), or with a non-retriable broker error.
/// </summary>
public sealed class CommitFailedException : KafkaException
{
    /// <summary>Creates the exception.</summary>
    public CommitFailedException(ErrorCode errorCode, string message) : base(errorCode, message, isRetriable: false) { }
}

/// <summary>A record could not be deserialized. The consumer has moved past it, as Confluent.Kafka does.</summary>
public sealed class ConsumeException : KafkaException
{
    /// <summary>Creates the exception.</summary>
    public ConsumeException(TopicPartitionOffset record, string message, Exception innerException)
        : base(ErrorCode.None, message, isRetriable: false, innerException) => Record = record;

    /// <summary>Where the record is.</summary>
    public TopicPartitionOffset Record { get; }
}

/// <summary>
/// A consumer setting does not fit the others (Java's <c>ConfigException</c>), for example a classic-protocol option such
/// as <c>session.timeout.ms</c> set with <c>group.protocol=consumer</c>. Thrown when the consumer is built.
/// </summary>
public sealed class ConsumerConfigException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public ConsumerConfigException(string key, string message) : base($"Invalid Kafka configuration '{key}': {message}", key) => Key = key;

    /// <summary>The Kafka name of the offending option.</summary>
    public string Key { get; }
}
