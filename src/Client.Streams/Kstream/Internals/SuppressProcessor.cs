using Samsa.Streams.Processor;
using Samsa.Streams.State;
using Samsa.Streams.State.Internals;

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
    private readonly Dictionary<byte[], SuppressEntry<TKey, TValue>> _entries = new(BytesComparer.Instance); // by serialized key, as the store
    private readonly SortedSet<SuppressEntry<TKey, TValue>> _order = new(Comparer<SuppressEntry<TKey, TValue>>.Create(static (a, b) =>
        a.BufferTime != b.BufferTime ? a.BufferTime.CompareTo(b.BufferTime) : a.Sequence.CompareTo(b.Sequence)));
    private IKeyValueStore<byte[]?, byte[]?> _store = null!;
    private SuppressBufferCodec<TKey, TValue> _codec = null!;
    private bool _loaded;
    private long _sequence;
    private long _bytes;
    private long _observedStreamTime = -1;

    protected override void OnInit()
    {
        _store = Context.GetStateStore<IKeyValueStore<byte[]?, byte[]?>>(options.StoreName);
        _codec = new SuppressBufferCodec<TKey, TValue>(options.StoreName, keySerdeFor(Task.Config), valueSerdeFor(Task.Config));
    }

    public override void Process(Record<TKey, Change<TValue>> record)
    {
        if (record.Key is null)
            return;
        EnsureLoaded();
        _observedStreamTime = Math.Max(_observedStreamTime, record.Timestamp);
        var change = record.Value;
        byte[] keyBytes = _codec.KeyBytes(record.Key);
        if (!_entries.TryGetValue(keyBytes, out var entry))
        {
            long bufferTime = options.BufferTime is { } time ? time(record.Key) : record.Timestamp;
            entry = new SuppressEntry<TKey, TValue>(record.Key, keyBytes, bufferTime, _sequence++, change.HasOld, change.Old);
            _entries[keyBytes] = entry;
            _order.Add(entry);
        }
        entry.HasNew = change.HasNew;
        entry.New = change.New;
        entry.Timestamp = record.Timestamp;
        entry.Headers = record.Headers;
        byte[] encoded = _codec.Encode(entry);
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

    private void Emit(SuppressEntry<TKey, TValue> entry)
    {
        _order.Remove(entry);
        _entries.Remove(entry.KeyBytes);
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
        var restored = new List<(long Time, long Sequence, SuppressEntry<TKey, TValue> Entry)>();
        using (var all = _store.All())
        {
            while (all.MoveNext())
            {
                var (keyBytes, encoded) = (all.Current.Key!, all.Current.Value!);
                var entry = _codec.Decode(_codec.Key(keyBytes), keyBytes, encoded, out long sequence);
                restored.Add((entry.BufferTime, sequence, entry));
            }
        }
        // Entries of equal buffer time keep their original order.
        foreach (var (_, _, decoded) in restored.OrderBy(r => r.Time).ThenBy(r => r.Sequence))
        {
            var entry = new SuppressEntry<TKey, TValue>(decoded.Key, decoded.KeyBytes, decoded.BufferTime, _sequence++, decoded.HasPrior, decoded.Prior)
            {
                HasNew = decoded.HasNew, New = decoded.New, Timestamp = decoded.Timestamp, Headers = decoded.Headers, Size = decoded.Size,
            };
            _entries[entry.KeyBytes] = entry;
            _order.Add(entry);
            _bytes += entry.Size;
        }
    }
}
