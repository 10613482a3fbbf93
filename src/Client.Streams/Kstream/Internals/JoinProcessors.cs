using Samsa.Streams.Processor;
using Samsa.Streams.State;

namespace Samsa.Streams.Kstream.Internals;

/// <summary>Joins stream records with a table's current value (Kafka's <c>KStreamKTableJoin</c>); also used for global tables.</summary>
internal sealed class KStreamTableJoinProcessor<TKey, TValue, TTableKey, TTableValue, TResult>(Func<IValueGetter<TTableKey, TTableValue>> getterFactory,
    Func<TKey, TValue, TTableKey> keyMapper, Func<TValue, TTableValue?, TResult> joiner, bool leftJoin) : DslProcessor<TKey, TValue, TKey, TResult>
{
    private IValueGetter<TTableKey, TTableValue> _getter = null!;

    protected override void OnInit()
    {
        _getter = getterFactory();
        _getter.Init(Task);
    }

    public override void Process(Record<TKey, TValue> record)
    {
        if (record.Key is null || record.Value is null)
            return; // Kafka drops (and counts) these
        var tableKey = keyMapper(record.Key, record.Value);
        if (tableKey is not null && _getter.TryGet(tableKey, out var found))
            Context.Forward(record.WithValue(joiner(record.Value, found.Value)));
        else if (leftJoin)
            Context.Forward(record.WithValue(joiner(record.Value, default)));
    }
}

/// <summary>How one side of a table-table join treats a missing value on the other side.</summary>
internal enum TableJoinSide
{
    /// <summary>Both values required.</summary>
    Inner,
    /// <summary>The left side of a left join: the right value is optional.</summary>
    LeftOfLeftJoin,
    /// <summary>The right side of a left join: the left value is required, the right one optional.</summary>
    RightOfLeftJoin,
    /// <summary>Either side of an outer join.</summary>
    Outer,
}

/// <summary>
/// One side of a table-table join (Kafka's <c>KTableKTableInnerJoin</c>, <c>LeftJoin</c>, <c>RightJoin</c>,
/// <c>OuterJoin</c>): joins each change of this side with the other side's current value.
/// <paramref name="combine"/> takes (this side's value, other side's value) and calls the user's joiner in the right order.
/// </summary>
internal sealed class KTableTableJoinProcessor<TKey, TThis, TOther, TResult>(Func<IValueGetter<TKey, TOther>> otherGetter,
    Func<TThis?, TOther?, TResult> combine, TableJoinSide side, TableInfo<TKey, TResult> result) : DslProcessor<TKey, Change<TThis>, TKey, Change<TResult>>
{
    private IValueGetter<TKey, TOther> _other = null!;

    protected override void OnInit()
    {
        _other = otherGetter();
        _other.Init(Task);
    }

    public override void Process(Record<TKey, Change<TThis>> record)
    {
        if (record.Key is null)
            return;
        var change = record.Value;
        bool hasOther = _other.TryGet(record.Key, out var other);
        var otherValue = hasOther ? other.Value : default;
        bool sendOld = result.SendOldValues;
        bool hasNew, hasOld;
        switch (side)
        {
            case TableJoinSide.Inner:
                if (!hasOther)
                    return;
                hasNew = change.HasNew;
                hasOld = sendOld && change.HasOld;
                break;
            case TableJoinSide.RightOfLeftJoin:
                if (!hasOther)
                    return;
                hasNew = true;
                hasOld = sendOld;
                break;
            case TableJoinSide.LeftOfLeftJoin:
                if (!hasOther && !change.HasNew && !change.HasOld)
                    return;
                hasNew = change.HasNew;
                hasOld = sendOld && change.HasOld;
                break;
            default:
                if (!hasOther && !change.HasNew && !change.HasOld)
                    return;
                hasNew = hasOther || change.HasNew;
                hasOld = sendOld && (hasOther || change.HasOld);
                break;
        }
        var newValue = hasNew ? combine(change.HasNew ? change.New : default, otherValue) : default;
        var oldValue = hasOld ? combine(change.HasOld ? change.Old : default, otherValue) : default;
        long timestamp = hasOther ? Math.Max(record.Timestamp, other.Timestamp) : record.Timestamp;
        Context.Forward(new Record<TKey, Change<TResult>>(record.Key, Change<TResult>.Of(hasNew, newValue, hasOld, oldValue), timestamp, record.Headers));
    }
}

/// <summary>Passes join results on, storing them when the join is materialized (Kafka's <c>KTableKTableJoinMerger</c>).</summary>
internal sealed class KTableJoinMergeProcessor<TKey, TValue>(string? storeName) : DslProcessor<TKey, Change<TValue>, TKey, Change<TValue>>
{
    private ITimestampedKeyValueStore<TKey, TValue>? _store;

    protected override void OnInit() => _store = storeName is null ? null : TimestampedStore<TKey, TValue>(storeName);

    public override void Process(Record<TKey, Change<TValue>> record)
    {
        if (_store is not null)
            TableStores.PutOrDelete(_store, record.Key, record.Value.HasNew, record.Value.New, record.Timestamp);
        Context.Forward(record);
    }
}

/// <summary>Reads a table-table join result computed from both sides' getters.</summary>
internal sealed class JoinGetter<TKey, TLeft, TRight, TResult>(IValueGetter<TKey, TLeft> left, IValueGetter<TKey, TRight> right,
    Func<TLeft?, TRight?, TResult> joiner, bool leftOptional, bool rightOptional) : IValueGetter<TKey, TResult>
{
    public void Init(Samsa.Streams.Internals.Engine.TaskContext task)
    {
        left.Init(task);
        right.Init(task);
    }

    public bool TryGet(TKey key, out ValueAndTimestamp<TResult> value)
    {
        bool hasLeft = left.TryGet(key, out var l);
        bool hasRight = right.TryGet(key, out var r);
        if ((hasLeft || leftOptional && hasRight) && (hasRight || rightOptional && hasLeft))
        {
            value = new ValueAndTimestamp<TResult>(joiner(hasLeft ? l.Value : default, hasRight ? r.Value : default), Math.Max(hasLeft ? l.Timestamp : -1, hasRight ? r.Timestamp : -1));
            return true;
        }
        value = default;
        return false;
    }
}
