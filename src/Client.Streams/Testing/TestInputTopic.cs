using Samsa.Serialization;

namespace Samsa.Streams.Testing;

/// <summary>
/// Pipes records into a topic of a <see cref="TopologyTestDriver"/> (Kafka's <c>TestInputTopic</c>). Each record is
/// processed completely, including downstream repartition topics, before the call returns. Records without a
/// timestamp get the topic's current time, which then moves by the auto-advance step.
/// </summary>
public sealed class TestInputTopic<TKey, TValue>
{
    private readonly TopologyTestDriver _driver;
    private readonly string _topic;
    private readonly ISerializer<TKey> _keySerializer;
    private readonly ISerializer<TValue> _valueSerializer;
    private readonly TimeSpan _autoAdvance;
    private long _currentTime;

    internal TestInputTopic(TopologyTestDriver driver, string topic, ISerializer<TKey> keySerializer, ISerializer<TValue> valueSerializer, long startTime, TimeSpan autoAdvance)
    {
        if (autoAdvance < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(autoAdvance), "Auto-advance must not be negative.");
        _driver = driver;
        _topic = topic;
        _keySerializer = keySerializer;
        _valueSerializer = valueSerializer;
        _currentTime = startTime;
        _autoAdvance = autoAdvance;
    }

    /// <summary>Moves the time used for records without a timestamp.</summary>
    public void AdvanceTime(TimeSpan advance)
    {
        if (advance < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(advance), "Time cannot move backwards.");
        _currentTime += (long)advance.TotalMilliseconds;
    }

    /// <summary>Pipes a value with a null key.</summary>
    public void PipeInput(TValue value) => PipeInput(new TestRecord<TKey, TValue>(default!, value));

    /// <summary>Pipes a key and value at the current time.</summary>
    public void PipeInput(TKey key, TValue value) => PipeInput(new TestRecord<TKey, TValue>(key, value));

    /// <summary>Pipes a key and value with a timestamp in ms.</summary>
    public void PipeInput(TKey key, TValue value, long timestampMs) => PipeInput(new TestRecord<TKey, TValue>(key, value, timestampMs));

    /// <summary>Pipes a key and value with a timestamp.</summary>
    public void PipeInput(TKey key, TValue value, DateTimeOffset timestamp) => PipeInput(key, value, timestamp.ToUnixTimeMilliseconds());

    /// <summary>Pipes a record.</summary>
    public void PipeInput(TestRecord<TKey, TValue> record)
    {
        long timestamp = record.Timestamp ?? NextTime();
        var keyContext = new SerializationContext(_topic, MessageComponent.Key, record.Headers);
        var valueContext = new SerializationContext(_topic, MessageComponent.Value, record.Headers);
        _driver.Pipe(_topic, Serialize(_keySerializer, record.Key, keyContext), Serialize(_valueSerializer, record.Value, valueContext), timestamp, record.Headers);
    }

    /// <summary>Pipes values with null keys.</summary>
    public void PipeValueList(IEnumerable<TValue> values)
    {
        foreach (var value in values)
            PipeInput(value);
    }

    /// <summary>Pipes keys and values at the current time.</summary>
    public void PipeKeyValueList(IEnumerable<KeyValuePair<TKey, TValue>> pairs)
    {
        foreach (var pair in pairs)
            PipeInput(pair.Key, pair.Value);
    }

    /// <summary>Pipes records.</summary>
    public void PipeRecordList(IEnumerable<TestRecord<TKey, TValue>> records)
    {
        foreach (var record in records)
            PipeInput(record);
    }

    private long NextTime()
    {
        long time = _currentTime;
        _currentTime += (long)_autoAdvance.TotalMilliseconds;
        return time;
    }

    private static byte[]? Serialize<T>(ISerializer<T> serializer, T value, in SerializationContext context)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        return serializer.Serialize(value, buffer, context) ? buffer.WrittenSpan.ToArray() : null;
    }
}
