using Samsa.Streams.Kstream;
using Samsa.Streams.Testing;
using static Samsa.Streams.Tests.Dsl.DslTestSupport;

namespace Samsa.Streams.Tests.Dsl;

public sealed class StatelessDslTests
{
    [Fact]
    public void FilterMapFlatMapPeek_ProduceExpectedRecords()
    {
        var builder = new StreamsBuilder();
        var peeked = new List<string>();
        builder.Stream<string?, string?>("in")
            .Filter((_, v) => v is not null)
            .FilterNot((k, _) => k == "skip")
            .FlatMapValues(v => v!.Split(' '))
            .MapValues(v => v.ToUpperInvariant())
            .Peek((k, v) => peeked.Add($"{k}:{v}"))
            .Map((k, v) => KV<string?, string?>(v, k))
            .SelectKey((k, v) => k + "!")
            .To("out");
        using var driver = new TopologyTestDriver(builder.Build(), Config());
        var input = driver.StringInput("in");
        var output = driver.StringOutput("out");

        input.PipeInput("a", "x y", 1);
        input.PipeInput("skip", "z", 2);
        input.PipeInput("b", null, 3);
        input.PipeInput("c", "w", 4);

        Assert.Equal([KV<string?, string?>("X!", "a"), KV<string?, string?>("Y!", "a"), KV<string?, string?>("W!", "c")], output.ReadKeyValuesToList());
        Assert.Equal(["a:X", "a:Y", "c:W"], peeked);
    }

    [Fact]
    public void FlatMap_Foreach_Merge()
    {
        var builder = new StreamsBuilder();
        var seen = new List<string>();
        var a = builder.Stream<string?, string?>("a");
        var b = builder.Stream<string?, string?>("b").FlatMap((k, v) => new[] { KV<string?, string?>(k, v), KV<string?, string?>(k, v + v) });
        var merged = a.Merge(b);
        merged.Foreach((k, v) => seen.Add($"{k}={v}"));
        merged.To("out");
        using var driver = new TopologyTestDriver(builder.Build(), Config());
        driver.StringInput("a").PipeInput("1", "x", 5);
        driver.StringInput("b").PipeInput("2", "y", 6);
        Assert.Equal(["1=x", "2=y", "2=yy"], seen);
        Assert.Equal(["x", "y", "yy"], driver.StringOutput("out").ReadValuesToList());
    }

    [Fact]
    public void Split_SendsEachRecordToFirstMatchingBranch_NamesLikeKafka()
    {
        var builder = new StreamsBuilder();
        var branches = builder.Stream<string?, string?>("in")
            .Split(Named.As("split-"))
            .Branch((_, v) => v!.StartsWith('a'), Branched<string?, string?>.As("a"))
            .Branch((_, v) => v!.StartsWith('b'))
            .DefaultBranch();
        Assert.Equal(["split-0", "split-2", "split-a"], branches.Keys.Order(StringComparer.Ordinal));
        branches["split-a"].To("out-a");
        branches["split-2"].To("out-b");
        branches["split-0"].To("out-other");
        using var driver = new TopologyTestDriver(builder.Build(), Config());
        var input = driver.StringInput("in");
        foreach (var v in new[] { "apple", "banana", "avocado", "cherry", "blueberry" })
            input.PipeInput("k", v);
        Assert.Equal(["apple", "avocado"], driver.StringOutput("out-a").ReadValuesToList());
        Assert.Equal(["banana", "blueberry"], driver.StringOutput("out-b").ReadValuesToList());
        Assert.Equal(["cherry"], driver.StringOutput("out-other").ReadValuesToList());
    }

    [Fact]
    public void To_TopicExtractorAndPartitioner()
    {
        var builder = new StreamsBuilder();
        var partitions = new List<int>();
        builder.Stream<string?, string?>("in").To((k, v, ctx) => $"out-{k}-{ctx.Topic}",
            Produced<string?, string?>.With(Serdes.String, Serdes.String).WithStreamPartitioner((topic, k, v, n) => { partitions.Add(n); return 0; }));
        using var driver = new TopologyTestDriver(builder.Build(), Config());
        driver.StringInput("in").PipeInput("x", "1");
        driver.StringInput("in").PipeInput("y", "2");
        Assert.Equal(["1"], driver.StringOutput("out-x-in").ReadValuesToList());
        Assert.Equal(["2"], driver.StringOutput("out-y-in").ReadValuesToList());
        Assert.Equal([1, 1], partitions);
    }

    [Fact]
    public void Repartition_WritesAndReadsInternalTopic_WithApplicationIdPrefix()
    {
        var builder = new StreamsBuilder();
        builder.Stream<string?, string?>("in").SelectKey((_, v) => v).Repartition(Repartitioned<string?, string?>.As("by-value")).To("out");
        var topology = builder.Build();
        using var driver = new TopologyTestDriver(topology, Config("my-app"));
        driver.StringInput("in").PipeInput("k", "v", 42);

        var record = driver.StringOutput("out").ReadRecord();
        Assert.Equal(("v", "v", 42L), (record.Key, record.Value, record.Timestamp!.Value));
        Assert.Contains("my-app-by-value-repartition", driver.ProducedTopicNames);
        Assert.Single(driver.StringOutput("my-app-by-value-repartition").ReadValuesToList());

        var model = topology.Build();
        Assert.Equal(["by-value-repartition"], model.RepartitionTopics.Select(t => t.Name));
        Assert.Equal(["in"], model.RepartitionTopics[0].UpstreamSourceTopics);
        Assert.Equal(2, model.Subtopologies.Count);
        Assert.Equal(["by-value-repartition"], model.Subtopologies[1].RepartitionSourceTopics);
    }

    [Fact]
    public void Repartition_Unnamed_UsesGeneratedNames()
    {
        var builder = new StreamsBuilder();
        builder.Stream<string?, string?>("in").Repartition().To("out");
        Assert.Equal(
            "Topologies:\n" +
            "   Sub-topology: 0\n" +
            "    Source: KSTREAM-SOURCE-0000000000 (topics: [in])\n" +
            "      --> KSTREAM-SINK-0000000002\n" +
            "    Sink: KSTREAM-SINK-0000000002 (topic: KSTREAM-REPARTITION-0000000001-repartition)\n" +
            "      <-- KSTREAM-SOURCE-0000000000\n\n" +
            "  Sub-topology: 1\n" +
            "    Source: KSTREAM-SOURCE-0000000004 (topics: [KSTREAM-REPARTITION-0000000001-repartition])\n" +
            "      --> KSTREAM-SINK-0000000005\n" +
            "    Sink: KSTREAM-SINK-0000000005 (topic: out)\n" +
            "      <-- KSTREAM-SOURCE-0000000004\n\n",
            builder.Build().Describe().ToString());
    }

    [Fact]
    public void Process_ConnectsProcessorApiToDsl()
    {
        var builder = new StreamsBuilder();
        builder.Stream<string?, string?>("in")
            .Process(() => new Kstream.Internals.LambdaProcessor<string?, string?, string?, int>((c, r) => c.Forward(r.WithValue(r.Value!.Length))))
            .To("out", Produced<string?, int>.With(Serdes.String, Serdes.Int32));
        using var driver = new TopologyTestDriver(builder.Build(), Config());
        driver.StringInput("in").PipeInput("k", "four");
        Assert.Equal([4], driver.CreateOutputTopic("out", Serdes.String, Serdes.Int32).ReadValuesToList());
    }

    [Fact]
    public void UserException_IsWrappedWithTaskAndRecordCoordinates()
    {
        var builder = new StreamsBuilder();
        builder.Stream<string?, string?>("in").MapValues<string?>(v => throw new FormatException("bad " + v)).To("out");
        using var driver = new TopologyTestDriver(builder.Build(), Config());
        var error = Assert.Throws<StreamsException>(() => driver.StringInput("in").PipeInput("k", "v"));
        Assert.IsType<FormatException>(error.InnerException);
        Assert.StartsWith("Exception caught in process. taskId=0_0, processor=KSTREAM-SOURCE-0000000000, topic=in, partition=0, offset=0", error.Message);
    }
}
