using Samsa.Streams.Processor;
using Samsa.Streams.State;

namespace Samsa.Streams.Kstream;

/// <summary>A record stream (Kafka's <c>KStream</c>): every record is an independent event.</summary>
public interface IKStream<TKey, TValue>
{
    /// <summary>Keeps records matching <paramref name="predicate"/>.</summary>
    IKStream<TKey, TValue> Filter(Func<TKey, TValue, bool> predicate, Named? named = null);

    /// <summary>Drops records matching <paramref name="predicate"/>.</summary>
    IKStream<TKey, TValue> FilterNot(Func<TKey, TValue, bool> predicate, Named? named = null);

    /// <summary>Replaces key and value (marks the stream for repartitioning before grouping or joining).</summary>
    IKStream<TKeyOut, TValueOut> Map<TKeyOut, TValueOut>(Func<TKey, TValue, KeyValue<TKeyOut, TValueOut>> mapper, Named? named = null);

    /// <summary>Replaces the value.</summary>
    IKStream<TKey, TValueOut> MapValues<TValueOut>(Func<TKey, TValue, TValueOut> mapper, Named? named = null);

    /// <summary>Replaces the value.</summary>
    IKStream<TKey, TValueOut> MapValues<TValueOut>(Func<TValue, TValueOut> mapper, Named? named = null);

    /// <summary>Turns each record into zero or more records (marks the stream for repartitioning).</summary>
    IKStream<TKeyOut, TValueOut> FlatMap<TKeyOut, TValueOut>(Func<TKey, TValue, IEnumerable<KeyValue<TKeyOut, TValueOut>>> mapper, Named? named = null);

    /// <summary>Turns each value into zero or more values with the same key.</summary>
    IKStream<TKey, TValueOut> FlatMapValues<TValueOut>(Func<TKey, TValue, IEnumerable<TValueOut>> mapper, Named? named = null);

    /// <summary>Turns each value into zero or more values with the same key.</summary>
    IKStream<TKey, TValueOut> FlatMapValues<TValueOut>(Func<TValue, IEnumerable<TValueOut>> mapper, Named? named = null);

    /// <summary>Computes a new key (marks the stream for repartitioning).</summary>
    IKStream<TKeyOut, TValue> SelectKey<TKeyOut>(Func<TKey, TValue, TKeyOut> selector, Named? named = null);

    /// <summary>Calls <paramref name="action"/> on each record and passes it on.</summary>
    IKStream<TKey, TValue> Peek(Action<TKey, TValue> action, Named? named = null);

    /// <summary>Calls <paramref name="action"/> on each record (terminal).</summary>
    void Foreach(Action<TKey, TValue> action, Named? named = null);

    /// <summary>Splits the stream into branches by predicates; each record goes to the first matching branch.</summary>
    IBranchedKStream<TKey, TValue> Split(Named? named = null);

    /// <summary>Merges another stream into this one.</summary>
    IKStream<TKey, TValue> Merge(IKStream<TKey, TValue> other, Named? named = null);

    /// <summary>Writes to <paramref name="topic"/>.</summary>
    void To(string topic, Produced<TKey, TValue>? produced = null);

    /// <summary>Writes each record to the topic <paramref name="topicExtractor"/> picks.</summary>
    void To(Func<TKey, TValue, RecordContext, string> topicExtractor, Produced<TKey, TValue>? produced = null);

    /// <summary>Writes to a repartition topic and reads it back (<c>&lt;application.id&gt;-&lt;name&gt;-repartition</c>).</summary>
    IKStream<TKey, TValue> Repartition(Repartitioned<TKey, TValue>? repartitioned = null);

    /// <summary>Applies a Processor API processor; <paramref name="stateStoreNames"/> connects existing stores.</summary>
    IKStream<TKeyOut, TValueOut> Process<TKeyOut, TValueOut>(IProcessorSupplier<TKey, TValue, TKeyOut, TValueOut> supplier, Named? named = null, params string[] stateStoreNames);

    /// <summary>Applies a Processor API processor created by <paramref name="factory"/>.</summary>
    IKStream<TKeyOut, TValueOut> Process<TKeyOut, TValueOut>(Func<IProcessor<TKey, TValue, TKeyOut, TValueOut>> factory, params string[] stateStoreNames);

    /// <summary>Groups by the current key (repartitions first when the key was changed upstream).</summary>
    IKGroupedStream<TKey, TValue> GroupByKey(Grouped<TKey, TValue>? grouped = null);

    /// <summary>Groups by a new key (always repartitions).</summary>
    IKGroupedStream<TKeyOut, TValue> GroupBy<TKeyOut>(Func<TKey, TValue, TKeyOut> selector, Grouped<TKeyOut, TValue>? grouped = null);

    /// <summary>Turns the stream into a table: each record upserts its key.</summary>
    IKTable<TKey, TValue> ToTable(Named? named = null, Materialized<TKey, TValue>? materialized = null);

    /// <summary>Inner join with a table: each stream record is joined with the table's current value for its key.</summary>
    IKStream<TKey, TResult> Join<TOther, TResult>(IKTable<TKey, TOther> table, Func<TValue, TOther, TResult> joiner, Joined<TKey, TValue, TOther>? joined = null);

    /// <summary>Left join with a table: records without a table value are joined with null.</summary>
    IKStream<TKey, TResult> LeftJoin<TOther, TResult>(IKTable<TKey, TOther> table, Func<TValue, TOther?, TResult> joiner, Joined<TKey, TValue, TOther>? joined = null);

    /// <summary>Inner windowed join with another stream.</summary>
    IKStream<TKey, TResult> Join<TOther, TResult>(IKStream<TKey, TOther> other, Func<TValue, TOther, TResult> joiner, JoinWindows windows, StreamJoined<TKey, TValue, TOther>? streamJoined = null);

    /// <summary>Left windowed join with another stream.</summary>
    IKStream<TKey, TResult> LeftJoin<TOther, TResult>(IKStream<TKey, TOther> other, Func<TValue, TOther?, TResult> joiner, JoinWindows windows, StreamJoined<TKey, TValue, TOther>? streamJoined = null);

    /// <summary>Outer windowed join with another stream.</summary>
    IKStream<TKey, TResult> OuterJoin<TOther, TResult>(IKStream<TKey, TOther> other, Func<TValue?, TOther?, TResult> joiner, JoinWindows windows, StreamJoined<TKey, TValue, TOther>? streamJoined = null);

    /// <summary>Inner join with a global table through a key selector.</summary>
    IKStream<TKey, TResult> Join<TGlobalKey, TGlobalValue, TResult>(IGlobalKTable<TGlobalKey, TGlobalValue> table, Func<TKey, TValue, TGlobalKey> keySelector,
        Func<TValue, TGlobalValue, TResult> joiner, Named? named = null);

    /// <summary>Left join with a global table through a key selector.</summary>
    IKStream<TKey, TResult> LeftJoin<TGlobalKey, TGlobalValue, TResult>(IGlobalKTable<TGlobalKey, TGlobalValue> table, Func<TKey, TValue, TGlobalKey> keySelector,
        Func<TValue, TGlobalValue?, TResult> joiner, Named? named = null);
}

/// <summary>The branches of a split stream (Kafka's <c>BranchedKStream</c>).</summary>
public interface IBranchedKStream<TKey, TValue>
{
    /// <summary>Adds a branch for records matching <paramref name="predicate"/> (and no earlier branch).</summary>
    IBranchedKStream<TKey, TValue> Branch(Func<TKey, TValue, bool> predicate, Branched<TKey, TValue>? branched = null);

    /// <summary>Adds the branch for every remaining record and returns the branches by name.</summary>
    IReadOnlyDictionary<string, IKStream<TKey, TValue>> DefaultBranch(Branched<TKey, TValue>? branched = null);

    /// <summary>Drops remaining records and returns the branches by name.</summary>
    IReadOnlyDictionary<string, IKStream<TKey, TValue>> NoDefaultBranch();
}

/// <summary>A changelog stream (Kafka's <c>KTable</c>): each record is an update of its key; a null value deletes.</summary>
public interface IKTable<TKey, TValue>
{
    /// <summary>The store holding this table, or null when it is not materialized.</summary>
    string? QueryableStoreName { get; }

    /// <summary>Keeps rows matching <paramref name="predicate"/> (others become deletes).</summary>
    IKTable<TKey, TValue> Filter(Func<TKey, TValue, bool> predicate, Materialized<TKey, TValue>? materialized = null, Named? named = null);

    /// <summary>Drops rows matching <paramref name="predicate"/>.</summary>
    IKTable<TKey, TValue> FilterNot(Func<TKey, TValue, bool> predicate, Materialized<TKey, TValue>? materialized = null, Named? named = null);

    /// <summary>Maps every value.</summary>
    IKTable<TKey, TValueOut> MapValues<TValueOut>(Func<TKey, TValue, TValueOut> mapper, Materialized<TKey, TValueOut>? materialized = null, Named? named = null);

    /// <summary>Maps every value.</summary>
    IKTable<TKey, TValueOut> MapValues<TValueOut>(Func<TValue, TValueOut> mapper, Materialized<TKey, TValueOut>? materialized = null, Named? named = null);

    /// <summary>The stream of updates (deletes as null values).</summary>
    IKStream<TKey, TValue> ToStream(Named? named = null);

    /// <summary>The stream of updates with a new key.</summary>
    IKStream<TKeyOut, TValue> ToStream<TKeyOut>(Func<TKey, TValue, TKeyOut> mapper, Named? named = null);

    /// <summary>Re-groups rows by a new key and value for a table aggregation (with adder and subtractor).</summary>
    IKGroupedTable<TKeyOut, TValueOut> GroupBy<TKeyOut, TValueOut>(Func<TKey, TValue, KeyValue<TKeyOut, TValueOut>> selector, Grouped<TKeyOut, TValueOut>? grouped = null);

    /// <summary>Inner join on the primary key.</summary>
    IKTable<TKey, TResult> Join<TOther, TResult>(IKTable<TKey, TOther> other, Func<TValue, TOther, TResult> joiner, Materialized<TKey, TResult>? materialized = null, Named? named = null);

    /// <summary>Left join on the primary key.</summary>
    IKTable<TKey, TResult> LeftJoin<TOther, TResult>(IKTable<TKey, TOther> other, Func<TValue, TOther?, TResult> joiner, Materialized<TKey, TResult>? materialized = null, Named? named = null);

    /// <summary>Outer join on the primary key.</summary>
    IKTable<TKey, TResult> OuterJoin<TOther, TResult>(IKTable<TKey, TOther> other, Func<TValue?, TOther?, TResult> joiner, Materialized<TKey, TResult>? materialized = null, Named? named = null);

    /// <summary>
    /// Holds back updates (Kafka's <c>suppress</c>): final results of a windowed table
    /// (<see cref="Suppressed.UntilWindowCloses"/>) or the latest update per key after a time limit
    /// (<see cref="Suppressed.UntilTimeLimit"/>). The buffer is a changelog-backed store named after the processor.
    /// </summary>
    IKTable<TKey, TValue> Suppress(Suppressed suppressed);
}

/// <summary>A stream grouped by key, ready to aggregate (Kafka's <c>KGroupedStream</c>).</summary>
public interface IKGroupedStream<TKey, TValue>
{
    /// <summary>Counts records per key.</summary>
    IKTable<TKey, long> Count(Materialized<TKey, long>? materialized = null, Named? named = null);

    /// <summary>Combines values per key.</summary>
    IKTable<TKey, TValue> Reduce(Func<TValue, TValue, TValue> reducer, Materialized<TKey, TValue>? materialized = null, Named? named = null);

    /// <summary>Aggregates values per key, starting from <paramref name="initializer"/>.</summary>
    IKTable<TKey, TAggregate> Aggregate<TAggregate>(Func<TAggregate> initializer, Func<TKey, TValue, TAggregate, TAggregate> aggregator,
        Materialized<TKey, TAggregate>? materialized = null, Named? named = null);

    /// <summary>Aggregates in time windows.</summary>
    ITimeWindowedKStream<TKey, TValue> WindowedBy(TimeWindows windows);

    /// <summary>Aggregates in session windows.</summary>
    ISessionWindowedKStream<TKey, TValue> WindowedBy(SessionWindows windows);
}

/// <summary>A re-grouped table, ready to aggregate with adder and subtractor (Kafka's <c>KGroupedTable</c>).</summary>
public interface IKGroupedTable<TKey, TValue>
{
    /// <summary>Counts rows per key.</summary>
    IKTable<TKey, long> Count(Materialized<TKey, long>? materialized = null, Named? named = null);

    /// <summary>Combines rows per key; <paramref name="subtractor"/> removes a row's old value.</summary>
    IKTable<TKey, TValue> Reduce(Func<TValue, TValue, TValue> adder, Func<TValue, TValue, TValue> subtractor, Materialized<TKey, TValue>? materialized = null, Named? named = null);

    /// <summary>Aggregates rows per key; <paramref name="subtractor"/> removes a row's old value.</summary>
    IKTable<TKey, TAggregate> Aggregate<TAggregate>(Func<TAggregate> initializer, Func<TKey, TValue, TAggregate, TAggregate> adder,
        Func<TKey, TValue, TAggregate, TAggregate> subtractor, Materialized<TKey, TAggregate>? materialized = null, Named? named = null);
}

/// <summary>A grouped stream in time windows (Kafka's <c>TimeWindowedKStream</c>).</summary>
public interface ITimeWindowedKStream<TKey, TValue>
{
    /// <summary>Counts per key and window.</summary>
    IKTable<Windowed<TKey>, long> Count(Materialized<TKey, long>? materialized = null, Named? named = null);

    /// <summary>Combines values per key and window.</summary>
    IKTable<Windowed<TKey>, TValue> Reduce(Func<TValue, TValue, TValue> reducer, Materialized<TKey, TValue>? materialized = null, Named? named = null);

    /// <summary>Aggregates per key and window.</summary>
    IKTable<Windowed<TKey>, TAggregate> Aggregate<TAggregate>(Func<TAggregate> initializer, Func<TKey, TValue, TAggregate, TAggregate> aggregator,
        Materialized<TKey, TAggregate>? materialized = null, Named? named = null);
}

/// <summary>A grouped stream in session windows (Kafka's <c>SessionWindowedKStream</c>).</summary>
public interface ISessionWindowedKStream<TKey, TValue>
{
    /// <summary>Counts per key and session.</summary>
    IKTable<Windowed<TKey>, long> Count(Materialized<TKey, long>? materialized = null, Named? named = null);

    /// <summary>Combines values per key and session.</summary>
    IKTable<Windowed<TKey>, TValue> Reduce(Func<TValue, TValue, TValue> reducer, Materialized<TKey, TValue>? materialized = null, Named? named = null);

    /// <summary>Aggregates per key and session; <paramref name="merger"/> combines the aggregates of sessions that merge.</summary>
    IKTable<Windowed<TKey>, TAggregate> Aggregate<TAggregate>(Func<TAggregate> initializer, Func<TKey, TValue, TAggregate, TAggregate> aggregator,
        Func<TKey, TAggregate, TAggregate, TAggregate> merger, Materialized<TKey, TAggregate>? materialized = null, Named? named = null);
}

/// <summary>A table replicated in full on every instance (Kafka's <c>GlobalKTable</c>).</summary>
public interface IGlobalKTable<TKey, TValue>
{
    /// <summary>The global store holding the table.</summary>
    string QueryableStoreName { get; }
}
