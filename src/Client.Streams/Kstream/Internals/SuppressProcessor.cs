using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Samsa.Serialization;
using Samsa.Streams.Processor;
using Samsa.Streams.State;

namespace Samsa.Streams.Kstream.Internals;

/// <summary>
/// A suppression's settings: buffer store, limits, and when a buffered key is due. A key is due once stream time
/// reaches its buffer time plus <see cref="DelayMs"/>; the buffer time is the window end (<see cref="BufferTime"/>
/// set) or the timestamp of the key's first buffered update.
/// </summary>
internal sealed record SuppressOptions<TKey>(string StoreName, BufferConfig Buffer, long DelayMs, Func<TKey, long>? BufferTime, bool DropTombstones);

/// <summary>
/// Kafka's <c>KTableSuppressProcessor</c>: buffers the latest update per key in a changelog-backed store and forwards
/// it when due, oldest buffer time first. The buffer keeps each key's first buffer time, the old value from before
/// its first buffered update, and the latest update's value, timestamp and headers.
/// </summary>
internal sealed class KTableSuppressProcessor<TKey, TValue>(SuppressOptions<TKey> options, Func<StreamsConfig, ISerde<TKey>> keySerdeFor,
    Func<StreamsConfig, ISerde<TValue>> valueSerdeFor, TableInfo<TKey, TValue> info) : DslProcessor<TKey, Change<TValue>, TKey, Change<TValue>>
{
    private readonly Dictionary<object, Entry> _entries = []; // by key (never null in a table)
    private readonly SortedSet<Entry> _order = new(Comparer<Entry>.Create(static (a, b) =>
        a.BufferTime != b.BufferTime ? a.BufferTime.CompareTo(b.BufferTime) : a.Sequence.CompareTo(b.Sequence)));
    private IKeyValueStore<byte[]?, byte[]?> _store = null!;
    private ISerde<TKey> _keys = null!;
    private ISerde<TValue> _values = null!;
    private bool _loaded;
    private long _sequence;
    private long _bytes;
    private long _observedStreamTime = -1;

    private sealed class Entry(TKey key, byte[] keyBytes, long bufferTime, long sequence, bool hasPrior, TValue prior)
    {
        public TKey Key => key;
        public byte[] KeyBytes => keyBytes;
        public long BufferTime => bufferTime;
        public long Sequence => sequence;
        public bool HasPrior => hasPrior;
        public TValue Prior => prior;
        public bool HasNew;
        public TValue New = default!;
        public long Timestamp;
        public Headers? Headers;
        public long Size;
    }

    protected override void OnInit()
    {
        _store = Context.GetStateStore<IKeyValueStore<byte[]?, byte[]?>>(options.StoreName);
        _keys = keySerdeFor(Task.Config);
        _values = valueSerdeFor(Task.Config);
    }

    public override void Process(Record<TKey, Change<TValue>> record)
    {
        if (record.Key is null)
            return;
        EnsureLoaded();
        _observedStreamTime = Math.Max(_observedStreamTime, record.Timestamp);
        var change = record.Value;
        if (!_entries.TryGetValue(record.Key, out var entry))
        {
            long bufferTime = options.BufferTime is { } time ? time(record.Key) : record.Timestamp;
            byte[] keyBytes = Serialize(_keys.Serializer, record.Key, MessageComponent.Key) ?? [];
            entry = new Entry(record.Key, keyBytes, bufferTime, _sequence++, change.HasOld, change.Old);
            _entries[record.Key] = entry;
            _order.Add(entry);
        }
        entry.HasNew = change.HasNew;
        entry.New = change.New;
        entry.Timestamp = record.Timestamp;
        entry.Headers = record.Headers;
        byte[] encoded = Encode(entry);
        _store.Put(entry.KeyBytes, encoded);
        _bytes += entry.KeyBytes.Length + encoded.Length - entry.Size;
        entry.Size = entry.KeyBytes.Length + encoded.Length;
        EnforceConstraints();
    }

    private void EnforceConstraints()
    {
        long expiry = _observedStreamTime - options.DelayMs;
        while (_order.Count > 0 && _order.Min!.BufferTime <= expiry)
            Emit(_order.Min);
        if (!OverCapacity)
            return;
        if (options.Buffer.FullStrategy == BufferFullStrategy.ShutDown)
            throw new StreamsException(
                $"task [{Task.TaskId}] Suppression buffer {options.StoreName} exceeded its max capacity. Currently [{_entries.Count}/{options.Buffer.MaxRecordCount}] records and [{_bytes}/{options.Buffer.MaxByteCount}] bytes.");
        while (OverCapacity)
            Emit(_order.Min!);
    }

    private bool OverCapacity => _entries.Count > options.Buffer.MaxRecordCount || _bytes > options.Buffer.MaxByteCount;

    private void Emit(Entry entry)
    {
        _order.Remove(entry);
        _entries.Remove(entry.Key!);
        _store.Delete(entry.KeyBytes);
        _bytes -= entry.Size;
        if (!entry.HasNew && options.DropTombstones)
            return;
        bool sendOld = info.SendOldValues && entry.HasPrior;
        Context.Forward(new Record<TKey, Change<TValue>>(entry.Key,
            Change<TValue>.Of(entry.HasNew, entry.New, sendOld, sendOld ? entry.Prior : default), entry.Timestamp, entry.Headers));
    }

    /// <summary>Loads the buffer from its store on first use (after the runtime restored the changelog).</summary>
    private void EnsureLoaded()
    {
        if (_loaded)
            return;
        _loaded = true;
        var restored = new List<(long Time, long Sequence, Entry Entry)>();
        using (var all = _store.All())
        {
            while (all.MoveNext())
            {
                var (keyBytes, encoded) = (all.Current.Key!, all.Current.Value!);
                var key = _keys.Deserializer.Deserialize(keyBytes, false, new SerializationContext(options.StoreName, MessageComponent.Key));
                var entry = Decode(key, keyBytes, encoded, out long sequence);
                restored.Add((entry.BufferTime, sequence, entry));
            }
        }
        // Entries of equal buffer time keep their original order.
        foreach (var (_, _, decoded) in restored.OrderBy(r => r.Time).ThenBy(r => r.Sequence))
        {
            var entry = new Entry(decoded.Key, decoded.KeyBytes, decoded.BufferTime, _sequence++, decoded.HasPrior, decoded.Prior)
            {
                HasNew = decoded.HasNew, New = decoded.New, Timestamp = decoded.Timestamp, Headers = decoded.Headers, Size = decoded.Size,
            };
            _entries[entry.Key!] = entry;
            _order.Add(entry);
            _bytes += entry.Size;
        }
    }

    private byte[]? Serialize<T>(ISerializer<T> serializer, T value, MessageComponent component)
    {
        var buffer = new ArrayBufferWriter<byte>();
        return serializer.Serialize(value, buffer, new SerializationContext(options.StoreName, component)) ? buffer.WrittenSpan.ToArray() : null;
    }

    // Entry layout: buffer time, sequence, timestamp (8 bytes each), prior and new value (4-byte length, -1 = absent,
    // then bytes), header count, then per header a length-prefixed UTF-8 key and a length-prefixed value (-1 = null).
    private byte[] Encode(Entry entry)
    {
        var output = new ArrayBufferWriter<byte>();
        WriteInt64(output, entry.BufferTime);
        WriteInt64(output, entry.Sequence);
        WriteInt64(output, entry.Timestamp);
        WriteBytes(output, entry.HasPrior ? Serialize(_values.Serializer, entry.Prior, MessageComponent.Value) : null);
        WriteBytes(output, entry.HasNew ? Serialize(_values.Serializer, entry.New, MessageComponent.Value) : null);
        WriteInt32(output, entry.Headers?.Count ?? 0);
        foreach (var header in (IEnumerable<Header>?)entry.Headers ?? [])
        {
            WriteBytes(output, Encoding.UTF8.GetBytes(header.Key));
            WriteBytes(output, header.Value);
        }
        return output.WrittenSpan.ToArray();
    }

    private Entry Decode(TKey key, byte[] keyBytes, byte[] encoded, out long sequence)
    {
        var span = new ReadOnlySpan<byte>(encoded);
        long bufferTime = ReadInt64(ref span);
        sequence = ReadInt64(ref span);
        long timestamp = ReadInt64(ref span);
        var prior = ReadBytes(ref span, out bool hasPrior);
        var added = ReadBytes(ref span, out bool hasNew);
        var context = new SerializationContext(options.StoreName, MessageComponent.Value);
        int headerCount = ReadInt32(ref span);
        Headers? headers = headerCount > 0 ? new Headers(headerCount) : null;
        for (int i = 0; i < headerCount; i++)
        {
            string name = Encoding.UTF8.GetString(ReadBytes(ref span, out _));
            var value = ReadBytes(ref span, out bool hasValue);
            headers!.Add(name, hasValue ? value.ToArray() : null);
        }
        return new Entry(key, keyBytes, bufferTime, sequence, hasPrior, hasPrior ? _values.Deserializer.Deserialize(prior, false, context) : default!)
        {
            HasNew = hasNew,
            New = hasNew ? _values.Deserializer.Deserialize(added, false, context) : default!,
            Timestamp = timestamp,
            Headers = headers,
            Size = keyBytes.Length + encoded.Length,
        };
    }

    private static void WriteInt64(ArrayBufferWriter<byte> output, long value)
    {
        BinaryPrimitives.WriteInt64BigEndian(output.GetSpan(8), value);
        output.Advance(8);
    }

    private static void WriteInt32(ArrayBufferWriter<byte> output, int value)
    {
        BinaryPrimitives.WriteInt32BigEndian(output.GetSpan(4), value);
        output.Advance(4);
    }

    private static void WriteBytes(ArrayBufferWriter<byte> output, byte[]? bytes)
    {
        WriteInt32(output, bytes?.Length ?? -1);
        if (bytes is not null)
            output.Write(bytes);
    }

    private static long ReadInt64(ref ReadOnlySpan<byte> span)
    {
        long value = BinaryPrimitives.ReadInt64BigEndian(span);
        span = span[8..];
        return value;
    }

    private static int ReadInt32(ref ReadOnlySpan<byte> span)
    {
        int value = BinaryPrimitives.ReadInt32BigEndian(span);
        span = span[4..];
        return value;
    }

    private static ReadOnlySpan<byte> ReadBytes(ref ReadOnlySpan<byte> span, out bool present)
    {
        int length = ReadInt32(ref span);
        present = length >= 0;
        if (!present)
            return default;
        var bytes = span[..length];
        span = span[length..];
        return bytes;
    }
}
