using Samsa.Streams.Processor;
using Samsa.Streams.State;

namespace Samsa.Streams.Kstream.Internals;

/// <summary>Store helpers of the table processors.</summary>
internal static class TableStores
{
    /// <summary>Writes the value, or deletes the key when there is none.</summary>
    public static void PutOrDelete<TKey, TValue>(ITimestampedKeyValueStore<TKey, TValue> store, TKey key, bool present, TValue value, long timestamp)
    {
        if (present)
            store.Put(key, new ValueAndTimestamp<TValue>(value, timestamp));
        else
            store.Delete(key);
    }
}

/// <summary>Upserts each record into the table's store and forwards the change (Kafka's <c>KTableSource</c>).</summary>
internal sealed class KTableSourceProcessor<TKey, TValue>(string storeName, TableInfo<TKey, TValue> info)
    : DslProcessor<TKey, TValue, TKey, Change<TValue>>
{
    private ITimestampedKeyValueStore<TKey, TValue> _store = null!;

    protected override void OnInit() => _store = TimestampedStore<TKey, TValue>(storeName);

    public override void Process(Record<TKey, TValue> record)
    {
        if (record.Key is null)
            return; // Kafka skips (and counts) table records with null keys
        bool hadOld = _store.TryGet(record.Key, out var old);
        bool present = record.Value is not null;
        TableStores.PutOrDelete(_store, record.Key, present, record.Value, record.Timestamp);
        bool sendOld = info.SendOldValues && hadOld;
        Context.Forward(record.WithValue(Change<TValue>.Of(present, record.Value, sendOld, sendOld ? old.Value : default)));
    }
}

/// <summary>Filters table changes; rows that stop matching become deletes (Kafka's <c>KTableFilter</c>).</summary>
internal sealed class KTableFilterProcessor<TKey, TValue>(Func<TKey, TValue, bool> predicate, bool filterNot, string? storeName, TableInfo<TKey, TValue> info)
    : DslProcessor<TKey, Change<TValue>, TKey, Change<TValue>>
{
    private ITimestampedKeyValueStore<TKey, TValue>? _store;

    protected override void OnInit() => _store = storeName is null ? null : TimestampedStore<TKey, TValue>(storeName);

    public override void Process(Record<TKey, Change<TValue>> record)
    {
        var change = record.Value;
        bool hasNew = change.HasNew && predicate(record.Key, change.New) != filterNot;
        bool sendOld = info.SendOldValues;
        bool hasOld = sendOld && change.HasOld && predicate(record.Key, change.Old) != filterNot;
        if (sendOld && !hasNew && !hasOld)
            return; // nothing changed downstream
        if (_store is not null)
            TableStores.PutOrDelete(_store, record.Key, hasNew, change.New, record.Timestamp);
        Context.Forward(record.WithValue(Change<TValue>.Of(hasNew, hasNew ? change.New : default, hasOld, hasOld ? change.Old : default)));
    }
}

/// <summary>Maps table values (Kafka's <c>KTableMapValues</c>).</summary>
internal sealed class KTableMapValuesProcessor<TKey, TValue, TValueOut>(Func<TKey, TValue, TValueOut> mapper, string? storeName, TableInfo<TKey, TValueOut> info)
    : DslProcessor<TKey, Change<TValue>, TKey, Change<TValueOut>>
{
    private ITimestampedKeyValueStore<TKey, TValueOut>? _store;

    protected override void OnInit() => _store = storeName is null ? null : TimestampedStore<TKey, TValueOut>(storeName);

    public override void Process(Record<TKey, Change<TValue>> record)
    {
        var change = record.Value;
        var newValue = change.HasNew ? mapper(record.Key, change.New) : default;
        bool hasOld = info.SendOldValues && change.HasOld;
        var oldValue = hasOld ? mapper(record.Key, change.Old) : default;
        if (_store is not null)
            TableStores.PutOrDelete(_store, record.Key, change.HasNew, newValue!, record.Timestamp);
        Context.Forward(record.WithValue(Change<TValueOut>.Of(change.HasNew, newValue, hasOld, oldValue)));
    }
}

/// <summary>Aggregates a grouped stream into a table (Kafka's <c>KStreamAggregate</c>); null keys and values are skipped.</summary>
internal sealed class KStreamAggregateProcessor<TKey, TValue, TAggregate>(string storeName, Func<TAggregate> initializer,
    Func<TKey, TValue, TAggregate, TAggregate> aggregator, TableInfo<TKey, TAggregate> info) : DslProcessor<TKey, TValue, TKey, Change<TAggregate>>
{
    private ITimestampedKeyValueStore<TKey, TAggregate> _store = null!;

    protected override void OnInit() => _store = TimestampedStore<TKey, TAggregate>(storeName);

    public override void Process(Record<TKey, TValue> record)
    {
        if (record.Key is null || record.Value is null)
            return;
        bool hadOld = _store.TryGet(record.Key, out var old);
        var aggregate = aggregator(record.Key, record.Value, hadOld ? old.Value : initializer());
        long timestamp = hadOld ? Math.Max(record.Timestamp, old.Timestamp) : record.Timestamp;
        _store.Put(record.Key, new ValueAndTimestamp<TAggregate>(aggregate, timestamp));
        bool sendOld = info.SendOldValues && hadOld;
        Context.Forward(new Record<TKey, Change<TAggregate>>(record.Key, Change<TAggregate>.Of(true, aggregate, sendOld, sendOld ? old.Value : default), timestamp, record.Headers));
    }
}

/// <summary>Combines a grouped stream's values (Kafka's <c>KStreamReduce</c>); null keys and values are skipped.</summary>
internal sealed class KStreamReduceProcessor<TKey, TValue>(string storeName, Func<TValue, TValue, TValue> reducer, TableInfo<TKey, TValue> info)
    : DslProcessor<TKey, TValue, TKey, Change<TValue>>
{
    private ITimestampedKeyValueStore<TKey, TValue> _store = null!;

    protected override void OnInit() => _store = TimestampedStore<TKey, TValue>(storeName);

    public override void Process(Record<TKey, TValue> record)
    {
        if (record.Key is null || record.Value is null)
            return;
        bool hadOld = _store.TryGet(record.Key, out var old);
        var reduced = hadOld ? reducer(old.Value, record.Value) : record.Value;
        long timestamp = hadOld ? Math.Max(record.Timestamp, old.Timestamp) : record.Timestamp;
        _store.Put(record.Key, new ValueAndTimestamp<TValue>(reduced, timestamp));
        bool sendOld = info.SendOldValues && hadOld;
        Context.Forward(new Record<TKey, Change<TValue>>(record.Key, Change<TValue>.Of(true, reduced, sendOld, sendOld ? old.Value : default), timestamp, record.Headers));
    }
}

/// <summary>
/// Re-keys table rows for a table aggregation (Kafka's <c>KTableRepartitionMap</c>): the old row is sent as a
/// subtraction to its old group first, then the new row as an addition to its new group.
/// </summary>
internal sealed class KTableRepartitionMapProcessor<TKey, TValue, TKeyOut, TValueOut>(Func<TKey, TValue, KeyValue<TKeyOut, TValueOut>> selector)
    : DslProcessor<TKey, Change<TValue>, TKeyOut, Change<TValueOut>>
{
    public override void Process(Record<TKey, Change<TValue>> record)
    {
        var change = record.Value;
        if (change.HasOld)
        {
            var old = selector(record.Key, change.Old);
            if (old.Key is not null && old.Value is not null)
                Context.Forward(new Record<TKeyOut, Change<TValueOut>>(old.Key, Change<TValueOut>.Of(false, default, true, old.Value), record.Timestamp, record.Headers));
        }
        if (change.HasNew)
        {
            var added = selector(record.Key, change.New);
            if (added.Key is not null && added.Value is not null)
                Context.Forward(new Record<TKeyOut, Change<TValueOut>>(added.Key, Change<TValueOut>.Of(true, added.Value, false, default), record.Timestamp, record.Headers));
        }
    }
}

/// <summary>
/// Folds re-grouped table rows into a per-key result: the old row is subtracted, the new one added (what Kafka's
/// <c>KTableAggregate</c> and <c>KTableReduce</c> share).
/// </summary>
internal abstract class KTableRegroupedProcessor<TKey, TValue, TResult>(string storeName, TableInfo<TKey, TResult> info)
    : DslProcessor<TKey, Change<TValue>, TKey, Change<TResult>>
{
    private ITimestampedKeyValueStore<TKey, TResult> _store = null!;

    protected override void OnInit() => _store = TimestampedStore<TKey, TResult>(storeName);

    /// <summary>The result without <paramref name="value"/>.</summary>
    protected abstract TResult Subtract(TKey key, TValue value, TResult result);

    /// <summary>The result with <paramref name="value"/>; <paramref name="has"/> is false when there is no result yet.</summary>
    protected abstract TResult Add(TKey key, TValue value, TResult result, bool has);

    public override void Process(Record<TKey, Change<TValue>> record)
    {
        if (record.Key is null)
            return;
        var change = record.Value;
        bool hadOld = _store.TryGet(record.Key, out var old);
        bool has = hadOld;
        var result = hadOld ? old.Value : default!;
        long timestamp = record.Timestamp;
        if (change.HasOld && hadOld)
        {
            result = Subtract(record.Key, change.Old, result);
            timestamp = Math.Max(record.Timestamp, old.Timestamp);
        }
        if (change.HasNew)
        {
            result = Add(record.Key, change.New, result, has);
            has = true;
            if (hadOld)
                timestamp = Math.Max(record.Timestamp, old.Timestamp);
        }
        TableStores.PutOrDelete(_store, record.Key, has, result, timestamp);
        bool sendOld = info.SendOldValues && hadOld;
        Context.Forward(new Record<TKey, Change<TResult>>(record.Key, Change<TResult>.Of(has, result, sendOld, sendOld ? old.Value : default), timestamp, record.Headers));
    }
}

/// <summary>Aggregates re-grouped table rows with an adder and a subtractor (Kafka's <c>KTableAggregate</c>).</summary>
internal sealed class KTableAggregateProcessor<TKey, TValue, TAggregate>(string storeName, Func<TAggregate> initializer,
    Func<TKey, TValue, TAggregate, TAggregate> adder, Func<TKey, TValue, TAggregate, TAggregate> subtractor, TableInfo<TKey, TAggregate> info)
    : KTableRegroupedProcessor<TKey, TValue, TAggregate>(storeName, info)
{
    protected override TAggregate Subtract(TKey key, TValue value, TAggregate result) => subtractor(key, value, result);

    protected override TAggregate Add(TKey key, TValue value, TAggregate result, bool has) => adder(key, value, has ? result : initializer());
}

/// <summary>Combines re-grouped table rows with an adder and a subtractor (Kafka's <c>KTableReduce</c>).</summary>
internal sealed class KTableReduceProcessor<TKey, TValue>(string storeName, Func<TValue, TValue, TValue> adder, Func<TValue, TValue, TValue> subtractor,
    TableInfo<TKey, TValue> info) : KTableRegroupedProcessor<TKey, TValue, TValue>(storeName, info)
{
    protected override TValue Subtract(TKey key, TValue value, TValue result) => subtractor(result, value);

    protected override TValue Add(TKey key, TValue value, TValue result, bool has) => has ? adder(result, value) : value;
}
