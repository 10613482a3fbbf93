using System.Text;
using Samsa.Streams.Internals;
using Samsa.Streams.Kstream;
using Samsa.Streams.Processor;
using Samsa.Streams.State;
using Samsa.Streams.Testing;
using static Samsa.Streams.Tests.Dsl.DslTestSupport;

namespace Samsa.Streams.Tests.Dsl;

public sealed class SuppressDslTests
{
    private static string Label<T>(Windowed<string?> key, T value) => $"{key.Key}@{key.Window.Start}-{key.Window.End}={value?.ToString() ?? "null"}";

    private static StreamsBuilder FinalWindowCounts()
    {
        var builder = new StreamsBuilder();
        builder.Stream<string?, string?>("in")
            .GroupByKey()
            .WindowedBy(TimeWindows.OfSizeAndGrace(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(5)))
            .Count()
            .Suppress(Suppressed.UntilWindowCloses(BufferConfig.Unbounded()))
            .ToStream()
            .Map((k, v) => KV<string?, string?>(k.Key, Label(k, v)))
            .To("out");
        return builder;
    }

    [Fact]
    public void UntilWindowCloses_EmitsEachWindowsFinalCountOnceAfterGrace_AndDropsLateRecords()
    {
        using var driver = new TopologyTestDriver(FinalWindowCounts().Build(), Config());
        var input = driver.StringInput("in");
        var output = driver.StringOutput("out");
        input.PipeInput("k", "v", 1);
        input.PipeInput("k", "v", 9);
        input.PipeInput("j", "v", 3);
        input.PipeInput("k", "v", 12);
        input.PipeInput("k", "v", 4);  // stream time 12: [0,10) is open until 15
        input.PipeInput("k", "v", 14);
        Assert.Empty(output.ReadValuesToList());

        input.PipeInput("k", "v", 15); // [0,10) closes
        var closed = output.ReadRecordsToList();
        Assert.Equal(["k@0-10=3", "j@0-10=1"], closed.Select(r => r.Value));
        Assert.Equal([9L, 3L], closed.Select(r => r.Timestamp!.Value)); // the last update's timestamp

        input.PipeInput("k", "v", 5);  // late: dropped by the aggregation, nothing reaches the buffer
        input.PipeInput("k", "v", 24);
        Assert.Empty(output.ReadValuesToList());
        input.PipeInput("j", "v", 25); // [10,20) closes
        Assert.Equal(["k@10-20=3"], output.ReadValuesToList());
    }

    [Fact]
    public void UntilWindowCloses_AfterAFilterOfAWindowedTable_UsesTheWindowsGrace()
    {
        var builder = new StreamsBuilder();
        builder.Stream<string?, string?>("in")
            .GroupByKey()
            .WindowedBy(TimeWindows.OfSizeAndGrace(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(5)))
            .Count()
            .Filter((k, _) => k.Key != "skip")
            .Suppress(Suppressed.UntilWindowCloses(BufferConfig.MaxRecords(10).ShutDownWhenFull()))
            .ToStream()
            .Map((k, v) => KV<string?, string?>(k.Key, Label(k, v)))
            .To("out");
        using var driver = new TopologyTestDriver(builder.Build(), Config());
        var input = driver.StringInput("in");
        input.PipeInput("k", "v", 1);
        input.PipeInput("skip", "v", 2);
        input.PipeInput("k", "v", 14);
        Assert.True(driver.StringOutput("out").IsEmpty);
        input.PipeInput("k", "v", 15);
        Assert.Equal(["k@0-10=1"], driver.StringOutput("out").ReadValuesToList());
    }

    [Fact]
    public void Suppress_IsNamedAsKafka_InDescribeAndChangelog()
    {
        var topology = FinalWindowCounts().Build();
        string description = topology.Describe().ToString();
        Assert.Contains("KTABLE-SUPPRESS-0000000003", description);
        Assert.Contains("KTABLE-SUPPRESS-STATE-STORE-0000000004", description);

        using var driver = new TopologyTestDriver(topology, Config());
        driver.StringInput("in").PipeInput("k", "v", 1);
        Assert.Contains("app-KTABLE-SUPPRESS-STATE-STORE-0000000004-changelog", driver.ProducedTopicNames);
    }

    [Fact]
    public void UntilWindowCloses_OnANonWindowedTable_IsATopologyError()
    {
        var builder = new StreamsBuilder();
        var table = builder.Table<string?, string?>("in");
        Assert.Throws<TopologyException>(() => table.Suppress(Suppressed.UntilWindowCloses(BufferConfig.Unbounded())));
        Assert.Throws<ArgumentException>(() => Suppressed.UntilWindowCloses(BufferConfig.MaxRecords(5)));
    }

    private static Topology RateLimited(BufferConfig buffer, long limitMs = 10)
    {
        var builder = new StreamsBuilder();
        builder.Table<string?, string?>("in")
            .Suppress(Suppressed.UntilTimeLimit(TimeSpan.FromMilliseconds(limitMs), buffer).WithName("rate"))
            .ToStream()
            .To("out");
        return builder.Build();
    }

    [Fact]
    public void UntilTimeLimit_EmitsTheLatestValuePerKey_WithItsTimestampAndHeaders_AndTombstones()
    {
        using var driver = new TopologyTestDriver(RateLimited(BufferConfig.MaxRecords(100)), Config());
        var input = driver.StringInput("in");
        var output = driver.StringOutput("out");
        input.PipeInput("a", "1", 0);
        input.PipeInput("a", "2", 3);
        input.PipeInput("b", "1", 5);
        input.PipeInput(new TestRecord<string?, string?>("a", "3", 8, new Headers().Add("h", "x")));
        Assert.True(output.IsEmpty);

        input.PipeInput("c", "1", 10); // a was first buffered at 0: due at 10
        var a = Assert.Single(output.ReadRecordsToList());
        Assert.Equal(("a", "3", 8L, "x"), (a.Key, a.Value, a.Timestamp!.Value, Encoding.UTF8.GetString(a.Headers![0].Value!)));

        input.PipeInput("x", "1", 15); // b due
        input.PipeInput("b", null, 16); // a tombstone is buffered too
        input.PipeInput("d", "1", 26); // c (10), x (15), b (16) due
        Assert.Equal([KV<string?, string?>("b", "1"), KV<string?, string?>("c", "1"), KV<string?, string?>("x", "1"), KV<string?, string?>("b", null)],
            output.ReadKeyValuesToList());
    }

    [Fact]
    public void UntilTimeLimit_KeepsOneEntryPerSerializedKey_ForByteArrayKeys()
    {
        var builder = new StreamsBuilder();
        builder.Table("in", Consumed<byte[]?, string?>.With(Serdes.ByteArray, Serdes.String))
            .Suppress(Suppressed.UntilTimeLimit(TimeSpan.FromMilliseconds(10), BufferConfig.MaxRecords(1).ShutDownWhenFull()))
            .ToStream()
            .To("out", Produced<byte[]?, string?>.With(Serdes.ByteArray, Serdes.String));
        using var driver = new TopologyTestDriver(builder.Build(), Config());
        var input = driver.CreateInputTopic("in", Serdes.ByteArray, Serdes.String);
        input.PipeInput([1, 2], "a", 0);
        input.PipeInput([1, 2], "b", 5); // an equal key in another array: the same buffered key, so the buffer holds one
        input.PipeInput([1, 2], "c", 10);
        var emitted = Assert.Single(driver.CreateOutputTopic("out", Serdes.ByteArray, Serdes.String).ReadKeyValuesToList());
        Assert.Equal(new byte[] { 1, 2 }, emitted.Key);
        Assert.Equal("c", emitted.Value);
    }

    [Fact]
    public void UntilTimeLimit_EmitEarlyWhenFull_EmitsTheOldestKey()
    {
        using var driver = new TopologyTestDriver(RateLimited(BufferConfig.MaxRecords(2).EmitEarlyWhenFull(), limitMs: 1000), Config());
        var input = driver.StringInput("in");
        var output = driver.StringOutput("out");
        input.PipeInput("a", "1", 0);
        input.PipeInput("b", "1", 1);
        Assert.True(output.IsEmpty);
        input.PipeInput("c", "1", 2);
        input.PipeInput("a", "2", 3);
        Assert.Equal([KV<string?, string?>("a", "1"), KV<string?, string?>("b", "1")], output.ReadKeyValuesToList());
    }

    [Fact]
    public void UntilTimeLimit_MaxBytesShutDownWhenFull_FailsTheTask()
    {
        using var driver = new TopologyTestDriver(RateLimited(BufferConfig.MaxBytes(100).ShutDownWhenFull(), limitMs: 1000), Config());
        var input = driver.StringInput("in");
        input.PipeInput("a", "1", 0);
        var error = Assert.Throws<StreamsException>(() => input.PipeInput("b", new string('x', 100), 1));
        Assert.Contains("Suppression buffer rate-store exceeded its max capacity", error.Message);
        Assert.True(driver.CreateOutputTopic("out", Serdes.String, Serdes.String).IsEmpty);
    }

    [Fact]
    public void Buffer_IsRestoredFromItsChangelog()
    {
        var model = RateLimited(BufferConfig.Unbounded()).Build();
        using var first = new RecordingEnvironment();
        var task = model.CreateTask(new TaskId(0, 0), first);
        task.Initialize();
        task.AddRecord(new ConsumedRecord("in", 0, 0, 0, Utf8("a"), Utf8("1"), null));
        task.AddRecord(new ConsumedRecord("in", 0, 1, 3, Utf8("b"), Utf8("2"), null));
        task.AddRecord(new ConsumedRecord("in", 0, 2, 4, Utf8("a"), Utf8("3"), null));
        while (task.Process()) { }
        task.Flush();
        Assert.DoesNotContain(first.Sent, s => s.Topic == "out");
        var changelog = first.Sent.Where(s => s.Topic == "app-rate-store-changelog").ToList();
        Assert.Equal(3, changelog.Count);

        using var second = new RecordingEnvironment();
        var reopened = model.CreateTask(new TaskId(0, 0), second);
        reopened.Initialize();
        second.Restorers["rate-store"].RestoreBatch(changelog.Select(c => new KeyValuePair<byte[], byte[]?>(c.Key!, c.Value)).ToList());
        reopened.AddRecord(new ConsumedRecord("in", 0, 3, 12, Utf8("c"), Utf8("1"), null)); // a (first buffered at 0) is due
        while (reopened.Process()) { }
        reopened.AddRecord(new ConsumedRecord("in", 0, 4, 13, Utf8("d"), Utf8("1"), null)); // b (3) is due
        while (reopened.Process()) { }
        Assert.Equal([("a", "3", 4L), ("b", "2", 3L)],
            second.Sent.Where(s => s.Topic == "out").Select(s => (Encoding.UTF8.GetString(s.Key!), Encoding.UTF8.GetString(s.Value!), s.Timestamp)));
    }

    [Fact]
    public void SuppressedTable_ReadsBufferedKeysAsTheirPriorValue_InAStreamTableJoin()
    {
        var builder = new StreamsBuilder();
        var table = builder.Table<string?, string?>("t")
            .Suppress(Suppressed.UntilTimeLimit(TimeSpan.FromMilliseconds(10), BufferConfig.Unbounded()));
        builder.Stream<string?, string?>("s").Join(table, (v, t) => v + "|" + t).To("out");
        using var driver = new TopologyTestDriver(builder.Build(), Config());
        var tableInput = driver.StringInput("t");
        var streamInput = driver.StringInput("s");
        var output = driver.StringOutput("out");
        tableInput.PipeInput("a", "1", 0);
        streamInput.PipeInput("a", "s0", 1);  // a=1 is still buffered and a had no value before: no match
        tableInput.PipeInput("x", "1", 10);   // a=1 is emitted
        streamInput.PipeInput("a", "s1", 11);
        tableInput.PipeInput("a", "2", 12);   // buffered; the table still reads 1
        streamInput.PipeInput("a", "s2", 13);
        Assert.Equal(["s1|1", "s2|1"], output.ReadValuesToList());
    }

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);
}
