using Samsa.Streams.Kstream;
using Samsa.Streams.State;
using Samsa.Streams.Testing;
using static Samsa.Streams.Tests.Dsl.DslTestSupport;

namespace Samsa.Streams.Tests.Dsl;

public sealed class WindowDslTests
{
    private static string Label<T>(Windowed<string?> key, T value) => $"{key.Key}@{key.Window.Start}-{key.Window.End}={value?.ToString() ?? "null"}";

    [Fact]
    public void TumblingWindows_EndIsExclusive_LateRecordsAfterGraceAreDropped()
    {
        var builder = new StreamsBuilder();
        builder.Stream<string?, string?>("in")
            .GroupByKey()
            .WindowedBy(TimeWindows.OfSizeAndGrace(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(5)))
            .Count(Materialized<string?, long>.As("windowed-counts"))
            .ToStream()
            .Map((k, v) => KV<string?, string?>(k.Key, Label(k, v)))
            .To("out");
        using var driver = new TopologyTestDriver(builder.Build(), Config());
        var input = driver.StringInput("in");
        foreach (long ts in new long[] { 1, 9, 10, 14, 4, 16, 5 })
            input.PipeInput("k", "v", ts);

        Assert.Equal(
            ["k@0-10=1", "k@0-10=2", "k@10-20=1", "k@10-20=2", "k@0-10=3", "k@10-20=3"], // ts 5 arrives after stream time 16: [0,10) closed at 15
            driver.StringOutput("out").ReadValuesToList());
        var store = driver.GetWindowStore<string?, ValueAndTimestamp<long>>("windowed-counts")!;
        Assert.Equal(new ValueAndTimestamp<long>(3, 9), store.Fetch("k", 0));
    }

    [Fact]
    public void HoppingWindows_UpdateEveryContainingWindow()
    {
        var builder = new StreamsBuilder();
        builder.Stream<string?, string?>("in")
            .GroupByKey()
            .WindowedBy(TimeWindows.OfSizeWithNoGrace(TimeSpan.FromMilliseconds(10)).AdvanceBy(TimeSpan.FromMilliseconds(5)))
            .Reduce((a, b) => a + b)
            .ToStream()
            .Map((k, v) => KV<string?, string?>(k.Key, Label(k, v)))
            .To("out");
        using var driver = new TopologyTestDriver(builder.Build(), Config());
        var input = driver.StringInput("in");
        input.PipeInput("k", "a", 7);
        input.PipeInput("k", "b", 12);
        Assert.Equal(["k@0-10=a", "k@5-15=a", "k@5-15=ab", "k@10-20=b"], driver.StringOutput("out").ReadValuesToList());
    }

    [Fact]
    public void TimeWindows_WindowStartsFor_MatchesKafka()
    {
        var hopping = TimeWindows.OfSizeWithNoGrace(TimeSpan.FromMilliseconds(10)).AdvanceBy(TimeSpan.FromMilliseconds(3));
        Assert.Equal([0L, 3, 6, 9], hopping.WindowStartsFor(9));
        Assert.Equal([3L, 6, 9, 12], hopping.WindowStartsFor(12));
        Assert.Equal([0L], TimeWindows.OfSizeWithNoGrace(TimeSpan.FromMilliseconds(10)).WindowStartsFor(0));
    }

    [Fact]
    public void SessionWindows_MergeSessions_AndDeleteTheMergedOnes()
    {
        var builder = new StreamsBuilder();
        builder.Stream<string?, string?>("in")
            .GroupByKey()
            .WindowedBy(SessionWindows.OfInactivityGapWithNoGrace(TimeSpan.FromMilliseconds(5)))
            .Reduce((a, b) => a + b, Materialized<string?, string?>.As("sessions"))
            .ToStream()
            .Map((k, v) => KV<string?, string?>(k.Key, Label(k, v)))
            .To("out");
        using var driver = new TopologyTestDriver(builder.Build(), Config());
        var input = driver.StringInput("in");
        input.PipeInput("k", "a", 0);
        input.PipeInput("k", "b", 3);
        input.PipeInput("k", "c", 10);
        input.PipeInput("k", "d", 6);   // bridges [0,3] and [10,10]
        input.PipeInput("j", "late", 1); // its session would end at 1, before stream time 10: dropped

        var records = driver.StringOutput("out").ReadRecordsToList();
        Assert.Equal(
            [("k@0-0=a", 0L), ("k@0-0=null", 0L), ("k@0-3=ab", 3L), ("k@10-10=c", 10L), ("k@0-3=null", 3L), ("k@10-10=null", 10L), ("k@0-10=abcd", 10L)],
            records.Select(r => (r.Value!, r.Timestamp!.Value)));
        using var sessions = driver.GetSessionStore<string?, string?>("sessions")!.Fetch("k");
        Assert.True(sessions.MoveNext());
        Assert.Equal(KV(new Windowed<string?>("k", new TimeWindow(0, 10)), (string?)"abcd"), sessions.Current);
        Assert.False(sessions.MoveNext());
    }

    [Fact]
    public void SessionCount_ToTopic_WritesTombstonesWithWindowedKeys()
    {
        var builder = new StreamsBuilder();
        builder.Stream<string?, string?>("in")
            .GroupByKey()
            .WindowedBy(SessionWindows.OfInactivityGapWithNoGrace(TimeSpan.FromMilliseconds(5)))
            .Count()
            .ToStream()
            .To("out", Produced<Windowed<string?>, long>.With(WindowedSerdes.SessionWindowed(Serdes.String), Serdes.Int64));
        using var driver = new TopologyTestDriver(builder.Build(), Config());
        var input = driver.StringInput("in");
        input.PipeInput("k", "a", 0);
        input.PipeInput("k", "b", 2);
        var output = driver.CreateOutputTopic("out", WindowedSerdes.SessionWindowed(Serdes.String), Serdes.ByteArray).ReadKeyValuesToList();
        Assert.Equal(3, output.Count);
        Assert.Equal(new Windowed<string?>("k", new TimeWindow(0, 0)), output[1].Key);
        Assert.Null(output[1].Value); // the merged session is deleted with a tombstone, not a count of 0
        Assert.Equal(new Windowed<string?>("k", new TimeWindow(0, 2)), output[2].Key);
        Assert.Equal(2L, Serdes.Int64.Deserialize(output[2].Value, "out"));
    }

    [Fact]
    public void WindowedSerdes_UseKafkaLayouts()
    {
        var time = WindowedSerdes.TimeWindowed(Serdes.String, 10);
        var bytes = time.SerializeToArray(new Windowed<string?>("a", new TimeWindow(20, 30)), "t")!;
        Assert.Equal(new byte[] { (byte)'a', 0, 0, 0, 0, 0, 0, 0, 20 }, bytes);
        Assert.Equal(new Windowed<string?>("a", new TimeWindow(20, 30)), time.Deserialize(bytes, "t"));
        var session = WindowedSerdes.SessionWindowed(Serdes.String);
        bytes = session.SerializeToArray(new Windowed<string?>("a", new TimeWindow(1, 2)), "t")!;
        Assert.Equal(new byte[] { (byte)'a', 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1 }, bytes);
        Assert.Equal(new Windowed<string?>("a", new TimeWindow(1, 2)), session.Deserialize(bytes, "t"));
    }
}
