using Samsa.Streams.State;

namespace Samsa.Streams.Kstream.Internals;

internal sealed partial class KGroupedStreamImpl<TKey, TValue>
{
    public ITimeWindowedKStream<TKey, TValue> WindowedBy(TimeWindows windows) => new TimeWindowedKStreamImpl<TKey, TValue>(this, windows);

    public ISessionWindowedKStream<TKey, TValue> WindowedBy(SessionWindows windows) => new SessionWindowedKStreamImpl<TKey, TValue>(this, windows);
}

/// <summary>Time-windowed aggregations; stores keep windows for size + grace unless <see cref="Materialized{TKey, TValue}.Retention"/> says otherwise.</summary>
internal sealed class TimeWindowedKStreamImpl<TKey, TValue>(KGroupedStreamImpl<TKey, TValue> grouped, TimeWindows windows) : ITimeWindowedKStream<TKey, TValue>
{
    public IKTable<Windowed<TKey>, long> Count(Materialized<TKey, long>? materialized = null, Named? named = null) =>
        DoAggregate("KSTREAM-AGGREGATE-", named, MaterializedDefaults.WithValueSerde(materialized, Serdes.Int64),
            () => 0L, (_, _, c) => c + 1);

    public IKTable<Windowed<TKey>, TValue> Reduce(Func<TValue, TValue, TValue> reducer, Materialized<TKey, TValue>? materialized = null, Named? named = null)
    {
        // A reduce is an aggregate whose first value is the record itself.
        return DoAggregate("KSTREAM-REDUCE-", named, MaterializedDefaults.WithValueSerde(materialized, grouped.ValueSerde),
            () => default!, (_, v, agg) => reducer(agg, v), v => v);
    }

    public IKTable<Windowed<TKey>, TAggregate> Aggregate<TAggregate>(Func<TAggregate> initializer, Func<TKey, TValue, TAggregate, TAggregate> aggregator,
        Materialized<TKey, TAggregate>? materialized = null, Named? named = null) =>
        DoAggregate("KSTREAM-AGGREGATE-", named, materialized ?? new Materialized<TKey, TAggregate>(), initializer, aggregator);

    private KTableImpl<Windowed<TKey>, TAggregate> DoAggregate<TAggregate>(string prefix, Named? named, Materialized<TKey, TAggregate> materialized,
        Func<TAggregate> initializer, Func<TKey, TValue, TAggregate, TAggregate> aggregator, Func<TValue, TAggregate>? firstValue = null)
    {
        var builder = grouped.StreamBuilder;
        string storeName = materialized.StoreName ?? builder.NewStoreName(prefix);
        string processor = named?.Name ?? builder.NewName(prefix);
        string parent = grouped.SourceForAggregation(storeName);
        long retention = materialized.Retention is { } r ? (long)r.TotalMilliseconds : windows.SizeMs + windows.GraceMs;
        if (retention < windows.SizeMs + windows.GraceMs)
            throw new TopologyException($"The retention period of window store {storeName} must be no smaller than its window size plus the grace period.");
        var info = TableInfo<Windowed<TKey>, TAggregate>.Computed(() => new WindowStoreGetter<TKey, TAggregate>(storeName), [storeName], () => { });
        builder.Internal.AddProcessor(processor, [parent], n => Nodes.Of(n,
            new KStreamWindowAggregateProcessor<TKey, TValue, TAggregate>(storeName, windows, initializer, aggregator, info, firstValue)));
        builder.Internal.AddStateStore(new DslWindowStoreBuilder<TKey, TAggregate>(storeName, materialized, retention, windows.SizeMs, false, true, grouped.KeySerde, null), [processor]);
        var keys = materialized.KeySerde ?? grouped.KeySerde;
        return new KTableImpl<Windowed<TKey>, TAggregate>(builder, processor, keys is null ? null : WindowedSerdes.TimeWindowed(keys, windows.SizeMs),
            materialized.ValueSerde, info, materialized.StoreName)
        {
            Windowing = WindowedTableInfo.Of(windows.GraceMs, keys, inner => WindowedSerdes.TimeWindowed(inner, windows.SizeMs), storeName),
        };
    }
}

/// <summary>Session-windowed aggregations; stores keep sessions for two gaps + grace unless a retention is given.</summary>
internal sealed class SessionWindowedKStreamImpl<TKey, TValue>(KGroupedStreamImpl<TKey, TValue> grouped, SessionWindows windows) : ISessionWindowedKStream<TKey, TValue>
{
    public IKTable<Windowed<TKey>, long> Count(Materialized<TKey, long>? materialized = null, Named? named = null) =>
        DoAggregate("KSTREAM-AGGREGATE-", named, MaterializedDefaults.WithValueSerde(materialized, Serdes.Int64),
            () => 0L, (_, _, c) => c + 1, (_, a, b) => a + b);

    public IKTable<Windowed<TKey>, TValue> Reduce(Func<TValue, TValue, TValue> reducer, Materialized<TKey, TValue>? materialized = null, Named? named = null)
    {
        // A reduce starts with no aggregate: the first session or record is taken as it is.
        return DoAggregate("KSTREAM-REDUCE-", named, MaterializedDefaults.WithValueSerde(materialized, grouped.ValueSerde),
            () => default!, (_, v, agg) => reducer(agg, v), (_, a, b) => reducer(a, b), v => v);
    }

    public IKTable<Windowed<TKey>, TAggregate> Aggregate<TAggregate>(Func<TAggregate> initializer, Func<TKey, TValue, TAggregate, TAggregate> aggregator,
        Func<TKey, TAggregate, TAggregate, TAggregate> merger, Materialized<TKey, TAggregate>? materialized = null, Named? named = null) =>
        DoAggregate("KSTREAM-AGGREGATE-", named, materialized ?? new Materialized<TKey, TAggregate>(), initializer, aggregator, merger);

    private KTableImpl<Windowed<TKey>, TAggregate> DoAggregate<TAggregate>(string prefix, Named? named, Materialized<TKey, TAggregate> materialized,
        Func<TAggregate> initializer, Func<TKey, TValue, TAggregate, TAggregate> aggregator, Func<TKey, TAggregate, TAggregate, TAggregate> merger,
        Func<TValue, TAggregate>? firstValue = null)
    {
        var builder = grouped.StreamBuilder;
        string storeName = materialized.StoreName ?? builder.NewStoreName(prefix);
        string processor = named?.Name ?? builder.NewName(prefix);
        string parent = grouped.SourceForAggregation(storeName);
        // Kafka defaults to gap + grace and relies on coarse segments to keep older sessions; the stores here expire
        // exactly, so the default also covers a session a bridging record (up to one gap before it) can still reach.
        long retention = materialized.Retention is { } r ? (long)r.TotalMilliseconds : 2 * windows.InactivityGapMs + windows.GraceMs;
        var info = TableInfo<Windowed<TKey>, TAggregate>.Computed(() => new SessionStoreGetter<TKey, TAggregate>(storeName), [storeName], () => { });
        builder.Internal.AddProcessor(processor, [parent], n => Nodes.Of(n,
            new KStreamSessionWindowAggregateProcessor<TKey, TValue, TAggregate>(storeName, windows, initializer, aggregator, merger, info, firstValue)));
        builder.Internal.AddStateStore(new DslSessionStoreBuilder<TKey, TAggregate>(storeName, materialized, retention, grouped.KeySerde, null), [processor]);
        var keys = materialized.KeySerde ?? grouped.KeySerde;
        return new KTableImpl<Windowed<TKey>, TAggregate>(builder, processor, keys is null ? null : WindowedSerdes.SessionWindowed(keys), materialized.ValueSerde, info,
            materialized.StoreName)
        {
            Windowing = WindowedTableInfo.Of(windows.GraceMs, keys, WindowedSerdes.SessionWindowed, storeName),
        };
    }
}
