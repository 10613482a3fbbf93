using System.Buffers;
using System.Buffers.Binary;
using Samsa.Serialization;
using Samsa.Streams.State;

namespace Samsa.Streams.Kstream;

/// <summary>
/// Serdes for windowed keys in Kafka's layouts (Kafka's <c>WindowedSerdes</c>): a time-windowed key is the key's
/// bytes then the window start (8 bytes, big-endian); a session-windowed key is the key's bytes, the end, then the start.
/// </summary>
public static class WindowedSerdes
{
    /// <summary>Time-windowed keys; the window end is start + <paramref name="windowSizeMs"/>.</summary>
    public static ISerde<Windowed<TKey>> TimeWindowed<TKey>(ISerde<TKey> inner, long windowSizeMs) => new TimeWindowedSerde<TKey>(inner, windowSizeMs);

    /// <summary>Session-windowed keys.</summary>
    public static ISerde<Windowed<TKey>> SessionWindowed<TKey>(ISerde<TKey> inner) => new SessionWindowedSerde<TKey>(inner);

    private abstract class WindowedSerdeBase<TKey>(ISerde<TKey> inner, int suffix) : ISerde<Windowed<TKey>>, ISerializer<Windowed<TKey>>, IDeserializer<Windowed<TKey>>
    {
        public ISerializer<Windowed<TKey>> Serializer => this;

        public IDeserializer<Windowed<TKey>> Deserializer => this;

        public bool Serialize(Windowed<TKey> value, IBufferWriter<byte> destination, in SerializationContext context)
        {
            var key = new ArrayBufferWriter<byte>();
            inner.Serializer.Serialize(value.Key, key, context);
            destination.Write(key.WrittenSpan);
            WriteWindow(value.Window, destination.GetSpan(suffix));
            destination.Advance(suffix);
            return true;
        }

        public Windowed<TKey> Deserialize(ReadOnlySpan<byte> data, bool isNull, in SerializationContext context)
        {
            if (isNull)
                return default;
            if (data.Length < suffix)
                throw new SerializationException($"A windowed key needs at least {suffix} bytes.");
            var key = inner.Deserializer.Deserialize(data[..^suffix], false, context);
            return new Windowed<TKey>(key, ReadWindow(data[^suffix..]));
        }

        protected abstract void WriteWindow(TimeWindow window, Span<byte> destination);

        protected abstract TimeWindow ReadWindow(ReadOnlySpan<byte> source);
    }

    private sealed class TimeWindowedSerde<TKey>(ISerde<TKey> inner, long windowSizeMs) : WindowedSerdeBase<TKey>(inner, 8)
    {
        protected override void WriteWindow(TimeWindow window, Span<byte> destination) => BinaryPrimitives.WriteInt64BigEndian(destination, window.Start);

        protected override TimeWindow ReadWindow(ReadOnlySpan<byte> source)
        {
            long start = BinaryPrimitives.ReadInt64BigEndian(source);
            return new TimeWindow(start, start + windowSizeMs);
        }
    }

    private sealed class SessionWindowedSerde<TKey>(ISerde<TKey> inner) : WindowedSerdeBase<TKey>(inner, 16)
    {
        protected override void WriteWindow(TimeWindow window, Span<byte> destination)
        {
            BinaryPrimitives.WriteInt64BigEndian(destination, window.End);
            BinaryPrimitives.WriteInt64BigEndian(destination[8..], window.Start);
        }

        protected override TimeWindow ReadWindow(ReadOnlySpan<byte> source) =>
            new(BinaryPrimitives.ReadInt64BigEndian(source[8..]), BinaryPrimitives.ReadInt64BigEndian(source));
    }
}
