using System.Buffers.Binary;
using Samsa.Serialization;
using Samsa.Streams.Internals.Engine;
using Samsa.Streams.Processor;
using Samsa.Streams.State;

namespace Samsa.Streams.Kstream.Internals;

/// <summary>Puts each record into its side's join window store after forwarding it (Kafka's <c>KStreamJoinWindow</c>).</summary>
internal sealed class KStreamJoinWindowProcessor<TKey, TValue>(string storeName) : DslProcessor<TKey, TValue, TKey, TValue>
{
    private IWindowStore<TKey, TValue> _store = null!;

    protected override void OnInit() => _store = Context.GetStateStore<IWindowStore<TKey, TValue>>(storeName);

    public override void Process(Record<TKey, TValue> record)
    {
        if (record.Key is null)
            return;
        Context.Forward(record);
        _store.Put(record.Key, record.Value, record.Timestamp);
    }
}

/// <summary>The largest timestamp either side of a stream-stream join has seen, shared by both sides of one task.</summary>
internal sealed class JoinTimeTracker
{
    public long StreamTime { get; private set; } = -1;

    public void Advance(long timestamp) => StreamTime = Math.Max(StreamTime, timestamp);
}

/// <summary>What a stream-stream join needs besides the side-specific parts.</summary>
/// <param name="Windows">The join windows.</param>
/// <param name="TrackerKey">Key of the shared time tracker.</param>
/// <param name="OuterStore">The store buffering records that found no partner yet (left and outer joins), or null.</param>
/// <param name="Joiner">The user's joiner as (left, right); a missing side is default.</param>
/// <param name="KeySerde">Key serde for the buffer (null: the default).</param>
/// <param name="LeftSerde">Left value serde for the buffer.</param>
/// <param name="RightSerde">Right value serde for the buffer.</param>
internal sealed record StreamJoinSpec<TKey, TLeft, TRight, TResult>(JoinWindows Windows, string TrackerKey, string? OuterStore, Func<TLeft?, TRight?, TResult> Joiner,
    ISerde<TKey>? KeySerde, ISerde<TLeft>? LeftSerde, ISerde<TRight>? RightSerde);

/// <summary>
/// One side of a windowed stream-stream join (Kafka's <c>KStreamKStreamJoin</c>, with the KIP-633 outer semantics):
/// a record joins every record of the other side within the window. In left and outer joins a record that found no
/// partner is buffered and emitted with a null partner only once its window has closed (stream time past its
/// timestamp plus the window and grace), unless a partner arrives first. Out-of-order records whose window is already
/// closed are emitted at once.
/// </summary>
/// <param name="spec">The join.</param>
/// <param name="isLeftSide">True for the processor of the left (this) stream.</param>
/// <param name="otherStoreName">The other side's window store.</param>
/// <param name="outer">True when this side's records are emitted without a partner (left side of a left join, both sides of an outer join).</param>
/// <param name="combine">The joiner oriented as (this side's value, other side's value).</param>
internal sealed class KStreamStreamJoinProcessor<TKey, TThis, TOther, TLeft, TRight, TResult>(StreamJoinSpec<TKey, TLeft, TRight, TResult> spec, bool isLeftSide,
    string otherStoreName, bool outer, Func<TThis?, TOther?, TResult> combine) : DslProcessor<TKey, TThis, TKey, TResult>
{
    private IWindowStore<TKey, TOther> _otherStore = null!;
    private IKeyValueStore<byte[]?, byte[]?>? _buffer;
    private JoinTimeTracker _time = null!;
    private UntypedSerde _keys = null!;
    private UntypedSerde _lefts = null!;
    private UntypedSerde _rights = null!;

    // Window bounds relative to a record of this side.
    private long Before => isLeftSide ? spec.Windows.BeforeMs : spec.Windows.AfterMs;

    private long After => isLeftSide ? spec.Windows.AfterMs : spec.Windows.BeforeMs;

    protected override void OnInit()
    {
        _otherStore = Context.GetStateStore<IWindowStore<TKey, TOther>>(otherStoreName);
        if (!Task.Shared.TryGetValue(spec.TrackerKey, out var tracker))
            Task.Shared[spec.TrackerKey] = tracker = new JoinTimeTracker();
        _time = (JoinTimeTracker)tracker;
        if (spec.OuterStore is null)
            return;
        _buffer = Context.GetStateStore<IKeyValueStore<byte[]?, byte[]?>>(spec.OuterStore);
        _keys = UntypedSerde.Resolve(DslSerdes.Wrap(spec.KeySerde), Task.Config, MessageComponent.Key, "stream-stream join");
        _lefts = UntypedSerde.Resolve(DslSerdes.Wrap(spec.LeftSerde), Task.Config, MessageComponent.Value, "stream-stream join");
        _rights = UntypedSerde.Resolve(DslSerdes.Wrap(spec.RightSerde), Task.Config, MessageComponent.Value, "stream-stream join");
    }

    public override void Process(Record<TKey, TThis> record)
    {
        if (record.Key is null || record.Value is null)
            return; // Kafka drops (and counts) these
        long timestamp = record.Timestamp;
        long timeFrom = Math.Max(0, timestamp - Before);
        long timeTo = Math.Max(0, timestamp + After);
        _time.Advance(timestamp);
        if (_buffer is not null && timestamp == _time.StreamTime)
            EmitClosedUnjoined(record.Headers);

        bool joined = false;
        using (var others = _otherStore.Fetch(record.Key, timeFrom, timeTo))
        {
            while (others.MoveNext())
            {
                joined = true;
                long otherTimestamp = others.Current.Key;
                _buffer?.Delete(BufferKey(!isLeftSide, record.Key, otherTimestamp));
                Context.Forward(new Record<TKey, TResult>(record.Key, combine(record.Value, others.Current.Value), Math.Max(timestamp, otherTimestamp), record.Headers));
            }
        }
        if (joined || !outer)
            return;
        if (_buffer is null || timeTo < _time.StreamTime)
        {
            Context.Forward(new Record<TKey, TResult>(record.Key, combine(record.Value, default), timestamp, record.Headers));
            return;
        }
        var side = isLeftSide ? _lefts : _rights;
        byte[] value = side.Serialize(record.Value, spec.OuterStore!, MessageComponent.Value, null) ?? [];
        _buffer.Put(BufferKey(isLeftSide, record.Key, timestamp), value);
    }

    /// <summary>Emits buffered records of either side whose window closed, oldest first.</summary>
    private void EmitClosedUnjoined(Headers? headers)
    {
        var expired = new List<(byte[] Key, byte[]? Value)>();
        using (var all = _buffer!.All())
        {
            while (all.MoveNext())
            {
                var entry = all.Current;
                long timestamp = BinaryPrimitives.ReadInt64BigEndian(entry.Key!);
                bool left = entry.Key![8] == 1;
                long lookBack = left ? spec.Windows.AfterMs : spec.Windows.BeforeMs;
                if (timestamp + lookBack + spec.Windows.GraceMs < _time.StreamTime)
                    expired.Add((entry.Key, entry.Value));
            }
        }
        foreach (var (key, value) in expired)
        {
            long timestamp = BinaryPrimitives.ReadInt64BigEndian(key);
            bool left = key[8] == 1;
            var recordKey = ProcessorNode.Cast<TKey>(_keys.Deserialize(key[9..], spec.OuterStore!, MessageComponent.Key, null));
            var result = left
                ? spec.Joiner(ProcessorNode.Cast<TLeft>(_lefts.Deserialize(value, spec.OuterStore!, MessageComponent.Value, null)), default)
                : spec.Joiner(default, ProcessorNode.Cast<TRight>(_rights.Deserialize(value, spec.OuterStore!, MessageComponent.Value, null)));
            _buffer!.Delete(key);
            Context.Forward(new Record<TKey, TResult>(recordKey, result, timestamp, headers));
        }
    }

    /// <summary>Timestamp (8 bytes, big-endian: buffer order is time order), side (1 = left), then the key's bytes.</summary>
    private byte[] BufferKey(bool leftSide, TKey key, long timestamp)
    {
        byte[] keyBytes = _keys.Serialize(key, spec.OuterStore!, MessageComponent.Key, null) ?? [];
        var bytes = new byte[9 + keyBytes.Length];
        BinaryPrimitives.WriteInt64BigEndian(bytes, timestamp);
        bytes[8] = leftSide ? (byte)1 : (byte)0;
        keyBytes.CopyTo(bytes, 9);
        return bytes;
    }
}
