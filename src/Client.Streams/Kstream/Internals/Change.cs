using Samsa.Serialization;
using Samsa.Streams.Internals.Engine;

namespace Samsa.Streams.Kstream.Internals;

/// <summary>A KTable update: the new value and, when downstream asked for it, the old one (Kafka's <c>Change</c>).</summary>
internal readonly record struct Change<TValue>(bool HasNew, TValue New, bool HasOld, TValue Old)
{
    /// <summary>An update from <paramref name="oldValue"/> to <paramref name="newValue"/>; null values are absent.</summary>
    public static Change<TValue> Of(TValue? newValue, TValue? oldValue) => new(newValue is not null, newValue!, oldValue is not null, oldValue!);

    /// <summary>With presence flags given explicitly (value types).</summary>
    public static Change<TValue> Of(bool hasNew, TValue? newValue, bool hasOld, TValue? oldValue) => new(hasNew, newValue!, hasOld, oldValue!);
}

/// <summary>
/// Serializes a change that carries only a new or only an old value: the value's bytes then one flag byte
/// (1 = new, 0 = old). Table re-grouping sends the two halves of an update as separate records.
/// </summary>
internal sealed class ChangeSerde<TValue>(UntypedSerde? inner) : UntypedSerde
{
    public override object Inner => inner!;

    public override UntypedSerde WithDefaults(StreamsConfig config, MessageComponent component, string where) =>
        new ChangeSerde<TValue>(Resolve(inner, config, component, where));

    public override byte[]? Serialize(object? value, string topic, MessageComponent component, Headers? headers)
    {
        var change = (Change<TValue>)value!;
        if (change.HasNew == change.HasOld)
            throw new StreamsException("A repartitioned table change must carry exactly one of the new and old values.");
        byte[] bytes = inner!.Serialize(change.HasNew ? change.New : change.Old, topic, component, headers) ?? [];
        var framed = new byte[bytes.Length + 1];
        bytes.CopyTo(framed, 0);
        framed[^1] = change.HasNew ? (byte)1 : (byte)0;
        return framed;
    }

    public override object? Deserialize(byte[]? data, string topic, MessageComponent component, Headers? headers)
    {
        if (data is null || data.Length == 0)
            throw new StreamsException($"A repartitioned table change from {topic} is empty.");
        var value = ProcessorNode.Cast<TValue>(inner!.Deserialize(data[..^1], topic, component, headers));
        return data[^1] == 1 ? Change<TValue>.Of(true, value, false, default) : Change<TValue>.Of(false, default, true, value);
    }
}
