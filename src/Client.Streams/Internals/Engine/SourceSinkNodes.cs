using Samsa.Serialization;
using Samsa.Streams.Processor;

namespace Samsa.Streams.Internals.Engine;

/// <summary>Deserializes input records and forwards them.</summary>
internal sealed class SourceNode(string name, UntypedSerde? keySerde, UntypedSerde? valueSerde) : ProcessorNode(name)
{
    private UntypedSerde? _keySerde = keySerde;
    private UntypedSerde? _valueSerde = valueSerde;
    private TaskContext? _task;

    public override void Init(TaskContext task)
    {
        _task = task;
        _keySerde = UntypedSerde.Resolve(_keySerde, task.Config, MessageComponent.Key, $"source {Name}");
        _valueSerde = UntypedSerde.Resolve(_valueSerde, task.Config, MessageComponent.Value, $"source {Name}");
    }

    /// <summary>Turns raw bytes into a record; exceptions are the deserializers'.</summary>
    public Record<object?, object?> Deserialize(ConsumedRecord raw)
    {
        object? key = _keySerde!.Deserialize(raw.Key, raw.Topic, MessageComponent.Key, raw.Headers);
        object? value = _valueSerde!.Deserialize(raw.Value, raw.Topic, MessageComponent.Value, raw.Headers);
        return new Record<object?, object?>(key, value, raw.Timestamp, raw.Headers);
    }

    public override void Process(Record<object?, object?> record)
    {
        foreach (var child in Children)
            _task!.Forward(child, record);
    }
}

/// <summary>Serializes records and hands them to the task's record collector.</summary>
internal sealed class SinkNode : ProcessorNode
{
    private readonly string? _topic;
    private readonly Func<object?, object?, RecordContext, string>? _topicExtractor;
    private readonly Func<string, object?, object?, int, int?>? _partitioner;
    private UntypedSerde? _keySerde;
    private UntypedSerde? _valueSerde;
    private TaskContext? _task;

    public SinkNode(string name, string? topic, Func<object?, object?, RecordContext, string>? topicExtractor,
        UntypedSerde? keySerde, UntypedSerde? valueSerde, Func<string, object?, object?, int, int?>? partitioner) : base(name)
    {
        _topic = topic;
        _topicExtractor = topicExtractor;
        _keySerde = keySerde;
        _valueSerde = valueSerde;
        _partitioner = partitioner;
    }

    public override void Init(TaskContext task)
    {
        _task = task;
        _keySerde = UntypedSerde.Resolve(_keySerde, task.Config, MessageComponent.Key, $"sink {Name}");
        _valueSerde = UntypedSerde.Resolve(_valueSerde, task.Config, MessageComponent.Value, $"sink {Name}");
    }

    public override void Process(Record<object?, object?> record)
    {
        var task = _task!;
        if (record.Timestamp < 0)
            throw new StreamsException($"Sink {Name}: invalid (negative) timestamp {record.Timestamp} for the output record.");
        var meta = task.CurrentMetadata;
        string topic = _topic ?? _topicExtractor!(record.Key, record.Value,
            new RecordContext(meta?.Topic, meta?.Partition ?? -1, meta?.Offset ?? -1, record.Timestamp, record.Headers));
        var headers = record.Headers;
        byte[]? key = _keySerde!.Serialize(record.Key, topic, MessageComponent.Key, headers);
        byte[]? value = _valueSerde!.Serialize(record.Value, topic, MessageComponent.Value, headers);
        int? partition = null;
        if (_partitioner is not null && task.Collector.PartitionCount(topic) is int count)
            partition = _partitioner(topic, record.Key, record.Value, count);
        task.Collector.Send(topic, partition, key, value, headers, record.Timestamp);
    }
}
