using Samsa.Serialization;
using Samsa.Streams.State;

namespace Samsa.Streams.Testing;

/// <summary>Reads what a <see cref="TopologyTestDriver"/> wrote to a topic, oldest first (Kafka's <c>TestOutputTopic</c>).</summary>
public sealed class TestOutputTopic<TKey, TValue>
{
    private readonly TopologyTestDriver _driver;
    private readonly string _topic;
    private readonly IDeserializer<TKey> _keyDeserializer;
    private readonly IDeserializer<TValue> _valueDeserializer;

    internal TestOutputTopic(TopologyTestDriver driver, string topic, IDeserializer<TKey> keyDeserializer, IDeserializer<TValue> valueDeserializer)
    {
        _driver = driver;
        _topic = topic;
        _keyDeserializer = keyDeserializer;
        _valueDeserializer = valueDeserializer;
    }

    /// <summary>Records waiting to be read.</summary>
    public int QueueSize => _driver.OutputQueue(_topic).Count;

    /// <summary>True when nothing is waiting.</summary>
    public bool IsEmpty => QueueSize == 0;

    /// <summary>Reads the next record's value.</summary>
    public TValue ReadValue() => ReadRecord().Value;

    /// <summary>Reads the next record's key and value.</summary>
    public KeyValue<TKey, TValue> ReadKeyValue()
    {
        var record = ReadRecord();
        return new KeyValue<TKey, TValue>(record.Key, record.Value);
    }

    /// <summary>Reads the next record.</summary>
    public TestRecord<TKey, TValue> ReadRecord()
    {
        var queue = _driver.OutputQueue(_topic);
        if (queue.Count == 0)
            throw new InvalidOperationException($"Empty topic: {_topic}");
        var raw = queue.Dequeue();
        var key = _keyDeserializer.Deserialize(raw.Key, raw.Key is null, new SerializationContext(_topic, MessageComponent.Key, raw.Headers));
        var value = _valueDeserializer.Deserialize(raw.Value, raw.Value is null, new SerializationContext(_topic, MessageComponent.Value, raw.Headers));
        return new TestRecord<TKey, TValue>(key, value, raw.Timestamp, raw.Headers);
    }

    /// <summary>Reads every waiting value.</summary>
    public List<TValue> ReadValuesToList() => Drain(ReadValue);

    /// <summary>Reads every waiting key and value.</summary>
    public List<KeyValue<TKey, TValue>> ReadKeyValuesToList() => Drain(ReadKeyValue);

    /// <summary>Reads every waiting record.</summary>
    public List<TestRecord<TKey, TValue>> ReadRecordsToList() => Drain(ReadRecord);

    /// <summary>Reads every waiting record into a map: the last value of each key wins (a delete leaves a null value, as in Kafka); null keys throw.</summary>
#pragma warning disable CS8714 // null keys are rejected below
    public Dictionary<TKey, TValue> ReadKeyValuesToMap()
    {
        var map = new Dictionary<TKey, TValue>();
        while (!IsEmpty)
        {
            var kv = ReadKeyValue();
            if (kv.Key is null)
                throw new InvalidOperationException("A null key cannot be put in a map.");
            map[kv.Key] = kv.Value;
        }
        return map;
    }
#pragma warning restore CS8714

    private List<T> Drain<T>(Func<T> read)
    {
        var list = new List<T>();
        while (!IsEmpty)
            list.Add(read());
        return list;
    }
}
