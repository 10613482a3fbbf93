namespace Samsa.Streams.Kstream.Internals;

internal sealed partial class KTableImpl<TKey, TValue>
{
    public IKTable<TKey, TResult> Join<TOther, TResult>(IKTable<TKey, TOther> other, Func<TValue, TOther, TResult> joiner, Materialized<TKey, TResult>? materialized = null, Named? named = null) =>
        DoJoin(other, (a, b) => joiner(a!, b!), "KTABLE-JOINTHIS-", "KTABLE-JOINOTHER-", TableJoinSide.Inner, TableJoinSide.Inner, false, false, materialized, named);

    public IKTable<TKey, TResult> LeftJoin<TOther, TResult>(IKTable<TKey, TOther> other, Func<TValue, TOther?, TResult> joiner, Materialized<TKey, TResult>? materialized = null, Named? named = null) =>
        DoJoin(other, (a, b) => joiner(a!, b), "KTABLE-LEFTTHIS-", "KTABLE-LEFTOTHER-", TableJoinSide.LeftOfLeftJoin, TableJoinSide.RightOfLeftJoin, false, true, materialized, named);

    public IKTable<TKey, TResult> OuterJoin<TOther, TResult>(IKTable<TKey, TOther> other, Func<TValue?, TOther?, TResult> joiner, Materialized<TKey, TResult>? materialized = null, Named? named = null) =>
        DoJoin(other, joiner, "KTABLE-OUTERTHIS-", "KTABLE-OUTEROTHER-", TableJoinSide.Outer, TableJoinSide.Outer, true, true, materialized, named);

    private KTableImpl<TKey, TResult> DoJoin<TOther, TResult>(IKTable<TKey, TOther> otherTable, Func<TValue?, TOther?, TResult> joiner, string thisPrefix, string otherPrefix,
        TableJoinSide thisSide, TableJoinSide otherSide, bool leftOptional, bool rightOptional, Materialized<TKey, TResult>? materialized, Named? named)
    {
        var other = (KTableImpl<TKey, TOther>)otherTable;
        string? storeName = materialized is null ? null : materialized.StoreName ?? builder.NewStoreName("KTABLE-MERGE-");
        string merge = named?.Name ?? builder.NewName("KTABLE-MERGE-");
        string joinThis = named is null ? builder.NewName(thisPrefix) : named.Name + "-join-this";
        string joinOther = named is null ? builder.NewName(otherPrefix) : named.Name + "-join-other";

        var left = info;
        var right = other.Info;
        void EnableBoth()
        {
            left.EnableSendingOldValues();
            right.EnableSendingOldValues();
        }
        var result = storeName is not null
            ? TableInfo<TKey, TResult>.Materialized(storeName, EnableBoth)
            : TableInfo<TKey, TResult>.Computed(
                () => new JoinGetter<TKey, TValue, TOther, TResult>(left.CreateGetter(), right.CreateGetter(), joiner, leftOptional, rightOptional),
                left.GetterStores.Concat(right.GetterStores).Distinct().ToList(), EnableBoth);

        builder.Internal.AddProcessor(joinThis, [name], n => Nodes.Of(n,
            new KTableTableJoinProcessor<TKey, TValue, TOther, TResult>(right.CreateGetter, joiner, thisSide, result)));
        builder.Internal.AddProcessor(joinOther, [other.Name], n => Nodes.Of(n,
            new KTableTableJoinProcessor<TKey, TOther, TValue, TResult>(left.CreateGetter, (o, t) => joiner(t, o), otherSide, result)));
        builder.Internal.AddProcessor(merge, [joinThis, joinOther], n => Nodes.Of(n, new KTableJoinMergeProcessor<TKey, TResult>(storeName)));
        builder.Internal.ConnectProcessorAndStateStores([joinThis], right.GetterStores);
        builder.Internal.ConnectProcessorAndStateStores([joinOther], left.GetterStores);
        if (storeName is not null)
            builder.Internal.AddStateStore(new DslKeyValueStoreBuilder<TKey, TResult>(storeName, materialized!, keySerde, null), [merge]);
        return new KTableImpl<TKey, TResult>(builder, merge, materialized?.KeySerde ?? keySerde, materialized?.ValueSerde, result, materialized?.StoreName);
    }
}
