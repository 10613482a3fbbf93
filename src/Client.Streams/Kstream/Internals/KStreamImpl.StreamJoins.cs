using Samsa.Streams.State;

namespace Samsa.Streams.Kstream.Internals;

internal sealed partial class KStreamImpl<TKey, TValue>
{
    public IKStream<TKey, TResult> Join<TOther, TResult>(IKStream<TKey, TOther> other, Func<TValue, TOther, TResult> joiner, JoinWindows windows,
        StreamJoined<TKey, TValue, TOther>? streamJoined = null) =>
        DoStreamJoin(other, (v, o) => joiner(v!, o!), windows, streamJoined, leftOuter: false, rightOuter: false);

    public IKStream<TKey, TResult> LeftJoin<TOther, TResult>(IKStream<TKey, TOther> other, Func<TValue, TOther?, TResult> joiner, JoinWindows windows,
        StreamJoined<TKey, TValue, TOther>? streamJoined = null) =>
        DoStreamJoin(other, (v, o) => joiner(v!, o), windows, streamJoined, leftOuter: true, rightOuter: false);

    public IKStream<TKey, TResult> OuterJoin<TOther, TResult>(IKStream<TKey, TOther> other, Func<TValue?, TOther?, TResult> joiner, JoinWindows windows,
        StreamJoined<TKey, TValue, TOther>? streamJoined = null) =>
        DoStreamJoin(other, joiner, windows, streamJoined, leftOuter: true, rightOuter: true);

    /// <summary>
    /// Kafka's stream-stream join layout: each side goes through a <c>KSTREAM-WINDOWED-</c> processor that fills its
    /// window store, then a join processor probing the other side's store; a <c>KSTREAM-MERGE-</c> node joins both outputs.
    /// </summary>
    private KStreamImpl<TKey, TResult> DoStreamJoin<TOther, TResult>(IKStream<TKey, TOther> otherStream, Func<TValue?, TOther?, TResult> joiner, JoinWindows windows,
        StreamJoined<TKey, TValue, TOther>? streamJoined, bool leftOuter, bool rightOuter)
    {
        var keys = streamJoined?.KeySerde ?? keySerde;
        var thisValues = streamJoined?.ValueSerde ?? valueSerde;
        var left = RepartitionedIfRequired(streamJoined?.Name ?? name, keys, thisValues);
        var otherImpl = (KStreamImpl<TKey, TOther>)otherStream;
        var otherValues = streamJoined?.OtherValueSerde ?? otherImpl.ValueSerde;
        var right = otherImpl.RepartitionedIfRequired(streamJoined?.Name ?? otherImpl.Name, keys, otherValues);

        string? baseName = streamJoined?.Name;
        string thisWindowed = baseName is null ? builder.NewName("KSTREAM-WINDOWED-") : baseName + "-this-windowed";
        string otherWindowed = baseName is null ? builder.NewName("KSTREAM-WINDOWED-") : baseName + "-other-windowed";
        string joinThisGenerated = builder.NewName(rightOuter ? "KSTREAM-OUTERTHIS-" : "KSTREAM-JOINTHIS-");
        string joinOtherGenerated = builder.NewName(leftOuter ? "KSTREAM-OUTEROTHER-" : "KSTREAM-JOINOTHER-");
        string joinThis = baseName is null ? joinThisGenerated : baseName + "-this-join";
        string joinOther = baseName is null ? joinOtherGenerated : baseName + "-other-join";
        string merge = baseName is null ? builder.NewName("KSTREAM-MERGE-") : baseName + "-merge";

        string? storeBase = streamJoined?.StoreName;
        string thisStore = storeBase is null ? joinThisGenerated + "-store" : storeBase + "-this-join-store";
        string otherStore = storeBase is null ? joinOtherGenerated + "-store" : storeBase + "-other-join-store";
        string? outerStore = !leftOuter ? null
            : storeBase is null ? "KSTREAM-OUTERSHARED-" + joinThisGenerated[^10..] + "-store" : storeBase + "-outer-shared-join-store";

        bool logging = streamJoined?.LoggingEnabled ?? true;
        long size = windows.BeforeMs + windows.AfterMs;
        long retention = size + windows.GraceMs;
        var spec = new StreamJoinSpec<TKey, TValue, TOther, TResult>(windows, merge, outerStore, joiner, keys, thisValues, otherValues);

        builder.Internal.AddProcessor(thisWindowed, [left.Name], n => Nodes.Of(n, new KStreamJoinWindowProcessor<TKey, TValue>(thisStore)));
        builder.Internal.AddProcessor(otherWindowed, [right.Name], n => Nodes.Of(n, new KStreamJoinWindowProcessor<TKey, TOther>(otherStore)));
        builder.Internal.AddProcessor(joinThis, [thisWindowed], n => Nodes.Of(n,
            new KStreamStreamJoinProcessor<TKey, TValue, TOther, TValue, TOther, TResult>(spec, true, otherStore, leftOuter, joiner)));
        builder.Internal.AddProcessor(joinOther, [otherWindowed], n => Nodes.Of(n,
            new KStreamStreamJoinProcessor<TKey, TOther, TValue, TValue, TOther, TResult>(spec, false, thisStore, rightOuter, (o, t) => joiner(t, o))));
        builder.Internal.AddProcessor(merge, [joinThis, joinOther], n => Nodes.Of(n, new LambdaProcessor<TKey, TResult, TKey, TResult>((c, r) => c.Forward(r))));

        var windowMaterialized = new Materialized<TKey, TValue> { LoggingEnabled = logging };
        builder.Internal.AddStateStore(new DslWindowStoreBuilder<TKey, TValue>(thisStore, windowMaterialized, retention, size, true, false, keys, thisValues), [thisWindowed, joinOther]);
        builder.Internal.AddStateStore(new DslWindowStoreBuilder<TKey, TOther>(otherStore, new Materialized<TKey, TOther> { LoggingEnabled = logging }, retention, size, true, false,
            keys, otherValues), [otherWindowed, joinThis]);
        if (outerStore is not null)
        {
            var buffer = Stores.KeyValueStoreBuilder(Stores.PersistentKeyValueStore(outerStore), Serdes.ByteArray, Serdes.ByteArray);
            builder.Internal.AddStateStore(logging ? buffer : buffer.WithLoggingDisabled(), [joinThis, joinOther]);
        }
        return new KStreamImpl<TKey, TResult>(builder, merge, keys, null, false);
    }
}
