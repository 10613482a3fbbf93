using Samsa.Protocol.Records;

namespace Samsa.Consumer;

/// <summary>One consumed record with its deserialized key and value.</summary>
/// <typeparam name="TKey">Key type.</typeparam>
/// <typeparam name="TValue">Value type.</typeparam>
public sealed class ConsumeResult<TKey, TValue>
{
    /// <summary>The record's topic.</summary>
    public required string Topic { get; init; }

    /// <summary>The record's partition.</summary>
    public required int Partition { get; init; }

    /// <summary>The record's offset.</summary>
    public required long Offset { get; init; }

    /// <summary>The leader epoch of the batch the record came from, or -1 when unknown.</summary>
    public int LeaderEpoch { get; init; } = -1;

    /// <summary>Milliseconds since the Unix epoch (create or log-append time, see <see cref="TimestampType"/>).</summary>
    public long Timestamp { get; init; }

    /// <summary>Whether <see cref="Timestamp"/> was set by the producer or the broker.</summary>
    public TimestampType TimestampType { get; init; }

    /// <summary>The deserialized key.</summary>
    public TKey Key { get; init; } = default!;

    /// <summary>The deserialized value.</summary>
    public TValue Value { get; init; } = default!;

    private Headers? _headers;

    /// <summary>The record's headers (empty when it has none).</summary>
    [System.Diagnostics.CodeAnalysis.AllowNull]
    public Headers Headers
    {
        get => _headers ??= new Headers(0);
        init => _headers = value;
    }

    /// <summary>The record's partition.</summary>
    public TopicPartition TopicPartition => new(Topic, Partition);

    /// <summary>The position after this record: what committing it stores.</summary>
    public TopicPartitionOffset NextOffset => new(Topic, Partition, Offset + 1, LeaderEpoch);

    /// <inheritdoc />
    public override string ToString() => $"{Topic}-{Partition}@{Offset}";
}

/// <summary>
/// One record as raw bytes, valid only during the <see cref="IRawRecordHandler.OnRecord"/> call that receives it:
/// key, value and headers point into the fetch response (or the decompression buffer), nothing is copied.
/// </summary>
public readonly struct RawRecord
{
    internal RawRecord(string topic, int partition, int leaderEpoch, TimestampType timestampType, in RecordView view)
    {
        Topic = topic;
        Partition = partition;
        LeaderEpoch = leaderEpoch;
        TimestampType = timestampType;
        View = view;
    }

    /// <summary>The record's topic.</summary>
    public string Topic { get; }

    /// <summary>The record's partition.</summary>
    public int Partition { get; }

    /// <summary>The batch's leader epoch, or -1.</summary>
    public int LeaderEpoch { get; }

    /// <summary>The timestamp type of the record's batch.</summary>
    public TimestampType TimestampType { get; }

    /// <summary>The record itself: offset, timestamp, key, value and headers as slices.</summary>
    public RecordView View { get; }

    /// <summary>The record's offset.</summary>
    public long Offset => View.Offset;

    /// <summary>The record's timestamp in Unix milliseconds.</summary>
    public long Timestamp => View.Timestamp;

    /// <summary>The key bytes (empty when <see cref="RecordView.IsKeyNull"/>).</summary>
    public ReadOnlySpan<byte> Key => View.Key.Span;

    /// <summary>The value bytes (empty when <see cref="RecordView.IsValueNull"/>).</summary>
    public ReadOnlySpan<byte> Value => View.Value.Span;
}

/// <summary>
/// Receives records from <see cref="IKafkaConsumer{TKey, TValue}.ConsumeRawAsync"/> without any per-record
/// allocation. Keep one instance and reuse it.
/// </summary>
public interface IRawRecordHandler
{
    /// <summary>Handles one record; its memory is valid only during this call.</summary>
    void OnRecord(in RawRecord record);
}
