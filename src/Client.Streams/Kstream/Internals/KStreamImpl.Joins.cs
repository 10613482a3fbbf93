namespace Samsa.Streams.Kstream.Internals;

internal sealed partial class KStreamImpl<TKey, TValue>
{
    public IKStream<TKey, TResult> Join<TOther, TResult>(IKTable<TKey, TOther> table, Func<TValue, TOther, TResult> joiner, Joined<TKey, TValue, TOther>? joined = null) =>
        DoTableJoin(table, (v, t) => joiner(v, t!), joined, leftJoin: false);

    public IKStream<TKey, TResult> LeftJoin<TOther, TResult>(IKTable<TKey, TOther> table, Func<TValue, TOther?, TResult> joiner, Joined<TKey, TValue, TOther>? joined = null) =>
        DoTableJoin(table, joiner, joined, leftJoin: true);

    private KStreamImpl<TKey, TResult> DoTableJoin<TOther, TResult>(IKTable<TKey, TOther> table, Func<TValue, TOther?, TResult> joiner, Joined<TKey, TValue, TOther>? joined, bool leftJoin)
    {
        var impl = (KTableImpl<TKey, TOther>)table;
        // Kafka names a join's repartition topic after the joined name, else after this stream's node.
        var upstream = RepartitionedIfRequired(joined?.Name ?? name, joined?.KeySerde, joined?.ValueSerde);
        string join = joined?.Name ?? builder.NewName(leftJoin ? "KSTREAM-LEFTJOIN-" : "KSTREAM-JOIN-");
        var tableInfo = impl.Info;
        builder.Internal.AddProcessor(join, [upstream.Name], n => Nodes.Of(n,
            new KStreamTableJoinProcessor<TKey, TValue, TKey, TOther, TResult>(tableInfo.CreateGetter, (k, _) => k, joiner, leftJoin)));
        builder.Internal.ConnectProcessorAndStateStores([join], tableInfo.GetterStores);
        return new KStreamImpl<TKey, TResult>(builder, join, upstream.KeySerde, null, false);
    }

    public IKStream<TKey, TResult> Join<TGlobalKey, TGlobalValue, TResult>(IGlobalKTable<TGlobalKey, TGlobalValue> table, Func<TKey, TValue, TGlobalKey> keySelector,
        Func<TValue, TGlobalValue, TResult> joiner, Named? named = null) =>
        DoGlobalJoin(table, keySelector, (v, g) => joiner(v, g!), named, leftJoin: false);

    public IKStream<TKey, TResult> LeftJoin<TGlobalKey, TGlobalValue, TResult>(IGlobalKTable<TGlobalKey, TGlobalValue> table, Func<TKey, TValue, TGlobalKey> keySelector,
        Func<TValue, TGlobalValue?, TResult> joiner, Named? named = null) =>
        DoGlobalJoin(table, keySelector, joiner, named, leftJoin: true);

    private KStreamImpl<TKey, TResult> DoGlobalJoin<TGlobalKey, TGlobalValue, TResult>(IGlobalKTable<TGlobalKey, TGlobalValue> table, Func<TKey, TValue, TGlobalKey> keySelector,
        Func<TValue, TGlobalValue?, TResult> joiner, Named? named, bool leftJoin)
    {
        string join = named?.Name ?? builder.NewName(leftJoin ? "KSTREAM-LEFTJOIN-" : "KSTREAM-JOIN-");
        string store = table.QueryableStoreName;
        builder.Internal.AddProcessor(join, [name], n => Nodes.Of(n,
            new KStreamTableJoinProcessor<TKey, TValue, TGlobalKey, TGlobalValue, TResult>(() => new StoreGetter<TGlobalKey, TGlobalValue>(store), keySelector, joiner, leftJoin)));
        return new KStreamImpl<TKey, TResult>(builder, join, keySerde, null, repartitionRequired);
    }
}
