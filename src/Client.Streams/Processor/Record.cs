namespace Samsa.Streams.Processor;

/// <summary>A record flowing through a topology: key, value, timestamp and headers (Kafka's <c>api.Record</c>).</summary>
public readonly record struct Record<TKey, TValue>(TKey Key, TValue Value, long Timestamp, Headers? Headers = null)
{
    /// <summary>This record with another key.</summary>
    public Record<TNewKey, TValue> WithKey<TNewKey>(TNewKey key) => new(key, Value, Timestamp, Headers);

    /// <summary>This record with another value.</summary>
    public Record<TKey, TNewValue> WithValue<TNewValue>(TNewValue value) => new(Key, value, Timestamp, Headers);

    /// <summary>This record with another timestamp.</summary>
    public Record<TKey, TValue> WithTimestamp(long timestamp) => new(Key, Value, timestamp, Headers);
}

/// <summary>Where the record being processed came from; absent for records created by punctuators.</summary>
public readonly record struct RecordMetadata(string Topic, int Partition, long Offset);
