using Samsa.Serialization;

namespace Samsa.Streams.Internals.Engine;

/// <summary>A serde over boxed values, so sources, sinks and stores of the untyped graph can share one code path.</summary>
internal abstract class UntypedSerde
{
    /// <summary>The wrapped typed serde.</summary>
    public abstract object Inner { get; }

    /// <summary>Serializes <paramref name="value"/>; null when the serializer writes a null.</summary>
    public abstract byte[]? Serialize(object? value, string topic, MessageComponent component, Headers? headers);

    /// <summary>Deserializes <paramref name="data"/> (null data is a null key or value).</summary>
    public abstract object? Deserialize(byte[]? data, string topic, MessageComponent component, Headers? headers);

    /// <summary>This serde with configured defaults filled in (for wrappers around a possibly missing inner serde).</summary>
    public virtual UntypedSerde WithDefaults(StreamsConfig config, MessageComponent component, string where) => this;

    /// <summary>Wraps a typed serde.</summary>
    public static UntypedSerde Of<T>(ISerde<T> serde) => new Typed<T>(serde);

    /// <summary>Wraps a serde whose type is only known at run time (the configured default serdes).</summary>
    public static UntypedSerde OfObject(object serde)
    {
        if (serde is UntypedSerde untyped)
            return untyped;
        var iface = serde.GetType().GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(ISerde<>))
            ?? throw new StreamsException($"Default serde {serde.GetType()} does not implement ISerde<T>.");
        var wrapper = typeof(Typed<>).MakeGenericType(iface.GetGenericArguments()[0]);
        return (UntypedSerde)Activator.CreateInstance(wrapper, serde)!;
    }

    /// <summary>The given serde, else the configured default, else a failure naming what is missing.</summary>
    public static UntypedSerde Resolve(UntypedSerde? given, StreamsConfig config, MessageComponent component, string where)
    {
        if (given is not null)
            return given.WithDefaults(config, component, where);
        object? fallback = component == MessageComponent.Key ? config.DefaultKeySerde : config.DefaultValueSerde;
        if (fallback is null)
            throw new StreamsException($"No {(component == MessageComponent.Key ? "key" : "value")} serde for {where}: pass one (Consumed, Produced, Grouped, Materialized...) or set StreamsConfig.Default{component}Serde.");
        return OfObject(fallback);
    }

    private sealed class Typed<T>(ISerde<T> serde) : UntypedSerde
    {
        // Serdes are shared by every task of the topology, and tasks run on several stream threads: one buffer per thread.
        [ThreadStatic]
        private static System.Buffers.ArrayBufferWriter<byte>? t_buffer;

        public override object Inner => serde;

        public override byte[]? Serialize(object? value, string topic, MessageComponent component, Headers? headers)
        {
            // A missing value of a value type (a table delete of a count) is a null record, not the type's default.
            if (value is null && typeof(T).IsValueType && Nullable.GetUnderlyingType(typeof(T)) is null)
                return null;
            var buffer = t_buffer ??= new System.Buffers.ArrayBufferWriter<byte>();
            buffer.ResetWrittenCount();
            return serde.Serializer.Serialize(ProcessorNode.Cast<T>(value), buffer, new SerializationContext(topic, component, headers))
                ? buffer.WrittenSpan.ToArray()
                : null;
        }

        public override object? Deserialize(byte[]? data, string topic, MessageComponent component, Headers? headers) =>
            serde.Deserializer.Deserialize(data, data is null, new SerializationContext(topic, component, headers));
    }
}

/// <summary>A store builder that needs the configuration (default serdes) to build; the DSL's stores are these.</summary>
internal interface IConfigurableStoreBuilder : State.IStoreBuilder
{
    /// <summary>A new, unopened store with defaults taken from <paramref name="config"/>.</summary>
    State.IStateStore Build(StreamsConfig config);
}
