using Samsa.Streams.Kstream;
using Samsa.Streams.Testing;
using static Samsa.Streams.Tests.Dsl.DslTestSupport;

namespace Samsa.Streams.Tests.Dsl;

public sealed class AggregationDslTests
{
    private static Topology WordCount()
    {
        var builder = new StreamsBuilder();
        builder.Stream<string?, string?>("text")
            .FlatMapValues(v => v!.ToLowerInvariant().Split(' '))
            .GroupBy((_, word) => word)
            .Count(Materialized<string?, long>.As("counts"))
            .ToStream()
            .To("word-counts", Produced<string?, long>.With(Serdes.String, Serdes.Int64));
        return builder.Build();
    }

    [Fact]
    public void WordCount_EmitsEveryUpdate_AndIsQueryable()
    {
        using var driver = new TopologyTestDriver(WordCount(), Config("wc"));
        var input = driver.StringInput("text");
        var output = driver.CreateOutputTopic("word-counts", Serdes.String, Serdes.Int64);

        input.PipeInput("1", "Hello Kafka Streams", 100);
        input.PipeInput("2", "hello world", 200);

        Assert.Equal(
            [KV<string?, long>("hello", 1), KV<string?, long>("kafka", 1), KV<string?, long>("streams", 1), KV<string?, long>("hello", 2), KV<string?, long>("world", 1)],
            output.ReadKeyValuesToList());
        var store = driver.GetTimestampedKeyValueStore<string?, long>("counts")!;
        Assert.Equal(new Samsa.Streams.State.ValueAndTimestamp<long>(2, 200), store.Get("hello"));
        var plain = driver.GetKeyValueStore<string?, long>("counts")!;
        Assert.Equal(2, plain.Get("hello"));
        using (var all = plain.All())
        {
            var entries = new List<Samsa.Streams.State.KeyValue<string?, long>>();
            while (all.MoveNext())
                entries.Add(all.Current);
            Assert.Equal([KV<string?, long>("hello", 2), KV<string?, long>("kafka", 1), KV<string?, long>("streams", 1), KV<string?, long>("world", 1)], entries);
        }
        Assert.Contains("wc-counts-repartition", driver.ProducedTopicNames);
        Assert.Contains("wc-counts-changelog", driver.ProducedTopicNames);
        Assert.Equal(5, driver.CreateOutputTopic("wc-counts-changelog", Serdes.String, Serdes.ByteArray).QueueSize);
    }

    [Fact]
    public void WordCount_DescribeMatchesKafka()
    {
        Assert.Equal(
            "Topologies:\n" +
            "   Sub-topology: 0\n" +
            "    Source: KSTREAM-SOURCE-0000000000 (topics: [text])\n" +
            "      --> KSTREAM-FLATMAPVALUES-0000000001\n" +
            "    Processor: KSTREAM-FLATMAPVALUES-0000000001 (stores: [])\n" +
            "      --> KSTREAM-KEY-SELECT-0000000002\n" +
            "      <-- KSTREAM-SOURCE-0000000000\n" +
            "    Processor: KSTREAM-KEY-SELECT-0000000002 (stores: [])\n" +
            "      --> counts-repartition-filter\n" +
            "      <-- KSTREAM-FLATMAPVALUES-0000000001\n" +
            "    Processor: counts-repartition-filter (stores: [])\n" +
            "      --> counts-repartition-sink\n" +
            "      <-- KSTREAM-KEY-SELECT-0000000002\n" +
            "    Sink: counts-repartition-sink (topic: counts-repartition)\n" +
            "      <-- counts-repartition-filter\n\n" +
            "  Sub-topology: 1\n" +
            "    Source: counts-repartition-source (topics: [counts-repartition])\n" +
            "      --> KSTREAM-AGGREGATE-0000000003\n" +
            "    Processor: KSTREAM-AGGREGATE-0000000003 (stores: [counts])\n" +
            "      --> KTABLE-TOSTREAM-0000000007\n" +
            "      <-- counts-repartition-source\n" +
            "    Processor: KTABLE-TOSTREAM-0000000007 (stores: [])\n" +
            "      --> KSTREAM-SINK-0000000008\n" +
            "      <-- KSTREAM-AGGREGATE-0000000003\n" +
            "    Sink: KSTREAM-SINK-0000000008 (topic: word-counts)\n" +
            "      <-- KTABLE-TOSTREAM-0000000007\n\n",
            WordCount().Describe().ToString());
    }

    [Fact]
    public void GroupByKey_WithoutKeyChange_DoesNotRepartition_GeneratedStoreName()
    {
        var builder = new StreamsBuilder();
        builder.Stream<string?, string?>("in").GroupByKey().Reduce((a, b) => a + b).ToStream().To("out");
        var topology = builder.Build();
        var model = topology.Build();
        Assert.Single(model.Subtopologies);
        Assert.Empty(model.RepartitionTopics);
        Assert.Equal(["KSTREAM-REDUCE-STATE-STORE-0000000001"], model.Subtopologies[0].Stores.Select(s => s.Name));
        using var driver = new TopologyTestDriver(topology, Config());
        var input = driver.StringInput("in");
        input.PipeInput("k", "a", 1);
        input.PipeInput("k", null, 2); // null values are ignored by aggregations
        input.PipeInput("k", "b", 3);
        input.PipeInput("j", "x", 4);
        Assert.Equal([KV<string?, string?>("k", "a"), KV<string?, string?>("k", "ab"), KV<string?, string?>("j", "x")], driver.StringOutput("out").ReadKeyValuesToList());
    }

    [Fact]
    public void GroupByKey_AfterMap_RepartitionsThroughGeneratedStoreNamedTopic()
    {
        var builder = new StreamsBuilder();
        builder.Stream<string?, string?>("in").Map((k, v) => KV(v, k)).GroupByKey().Count().ToStream().To("out", Produced<string?, long>.With(null, Serdes.Int64));
        var model = builder.Build().Build();
        Assert.Equal(["KSTREAM-AGGREGATE-STATE-STORE-0000000002-repartition"], model.RepartitionTopics.Select(t => t.Name));
        using var driver = new TopologyTestDriver(builder.Build(), Config("agg"));
        driver.StringInput("in").PipeInput("a", "x", 10);
        driver.StringInput("in").PipeInput("b", "x", 5);
        var records = driver.CreateOutputTopic("out", Serdes.String, Serdes.Int64).ReadRecordsToList();
        Assert.Equal([("x", 1L, 10L), ("x", 2L, 10L)], records.Select(r => (r.Key, r.Value, r.Timestamp!.Value)));
        Assert.Contains("agg-KSTREAM-AGGREGATE-STATE-STORE-0000000002-repartition", driver.ProducedTopicNames);
    }

    [Fact]
    public void Aggregate_UsesInitializerAndAggregator()
    {
        var builder = new StreamsBuilder();
        builder.Stream<string?, string?>("in")
            .GroupByKey()
            .Aggregate(() => 0, (_, v, sum) => sum + int.Parse(v!), Materialized<string?, int>.As("sums").WithValueSerde(Serdes.Int32).InMemory())
            .ToStream()
            .To("out", Produced<string?, int>.With(Serdes.String, Serdes.Int32));
        using var driver = new TopologyTestDriver(builder.Build(), Config());
        var input = driver.StringInput("in");
        input.PipeInput("a", "5");
        input.PipeInput("a", "7");
        input.PipeInput("b", "1");
        Assert.Equal([KV<string?, int>("a", 5), KV<string?, int>("a", 12), KV<string?, int>("b", 1)],
            driver.CreateOutputTopic("out", Serdes.String, Serdes.Int32).ReadKeyValuesToList());
    }

    [Fact]
    public void Table_FilterMapValuesToStream_ForwardsTombstonesLikeKafka()
    {
        var builder = new StreamsBuilder();
        builder.Table<string?, string?>("users")
            .Filter((_, v) => v != "banned")
            .MapValues(v => v!.ToUpperInvariant())
            .ToStream()
            .To("out");
        using var driver = new TopologyTestDriver(builder.Build(), Config());
        var input = driver.StringInput("users");
        input.PipeInput("alice", "eu");
        input.PipeInput("bob", "banned");
        input.PipeInput("alice", null);
        // Without old values (nothing downstream asks for them) a filtered-out row is forwarded as a delete.
        Assert.Equal([KV<string?, string?>("alice", "EU"), KV<string?, string?>("bob", null), KV<string?, string?>("alice", null)],
            driver.StringOutput("out").ReadKeyValuesToList());
        Assert.Equal(
            "Topologies:\n" +
            "   Sub-topology: 0\n" +
            "    Source: KSTREAM-SOURCE-0000000001 (topics: [users])\n" +
            "      --> KTABLE-SOURCE-0000000002\n" +
            "    Processor: KTABLE-SOURCE-0000000002 (stores: [users-STATE-STORE-0000000000])\n" +
            "      --> KTABLE-FILTER-0000000003\n" +
            "      <-- KSTREAM-SOURCE-0000000001\n" +
            "    Processor: KTABLE-FILTER-0000000003 (stores: [])\n" +
            "      --> KTABLE-MAPVALUES-0000000004\n" +
            "      <-- KTABLE-SOURCE-0000000002\n" +
            "    Processor: KTABLE-MAPVALUES-0000000004 (stores: [])\n" +
            "      --> KTABLE-TOSTREAM-0000000005\n" +
            "      <-- KTABLE-FILTER-0000000003\n" +
            "    Processor: KTABLE-TOSTREAM-0000000005 (stores: [])\n" +
            "      --> KSTREAM-SINK-0000000006\n" +
            "      <-- KTABLE-MAPVALUES-0000000004\n" +
            "    Sink: KSTREAM-SINK-0000000006 (topic: out)\n" +
            "      <-- KTABLE-TOSTREAM-0000000005\n\n",
            builder.Build().Describe().ToString());
    }

    [Fact]
    public void TableGroupBy_Count_SubtractsFromOldGroupOnKeyChange()
    {
        var builder = new StreamsBuilder();
        builder.Table<string?, string?>("user-regions")
            .GroupBy((user, region) => KV(region, user))
            .Count(Materialized<string?, long>.As("region-counts"))
            .ToStream()
            .To("out", Produced<string?, long>.With(Serdes.String, Serdes.Int64));
        using var driver = new TopologyTestDriver(builder.Build(), Config("regions"));
        var input = driver.StringInput("user-regions");
        var output = driver.CreateOutputTopic("out", Serdes.String, Serdes.Int64);

        input.PipeInput("alice", "EU", 1);
        input.PipeInput("bob", "EU", 2);
        input.PipeInput("alice", "US", 3);
        input.PipeInput("bob", null, 4);

        Assert.Equal(
            [KV<string?, long>("EU", 1), KV<string?, long>("EU", 2), KV<string?, long>("EU", 1), KV<string?, long>("US", 1), KV<string?, long>("EU", 0)],
            output.ReadKeyValuesToList());
        Assert.Contains("regions-region-counts-repartition", driver.ProducedTopicNames);
        Assert.Equal(1, driver.GetTimestampedKeyValueStore<string?, long>("region-counts")!.Get("US").Value);
    }

    [Fact]
    public void TableGroupBy_AggregateAndReduce_WithAdderAndSubtractor()
    {
        var builder = new StreamsBuilder();
        var table = builder.Table("scores", Consumed<string?, int>.With(Serdes.String, Serdes.Int32));
        var grouped = table.GroupBy((player, score) => KV<string?, int>(player![..1], score), Grouped<string?, int>.With(Serdes.String, Serdes.Int32));
        grouped.Reduce((a, b) => a + b, (a, b) => a - b, Materialized<string?, int>.As("team-sum").WithValueSerde(Serdes.Int32)).ToStream()
            .To("sum", Produced<string?, int>.With(Serdes.String, Serdes.Int32));
        using var driver = new TopologyTestDriver(builder.Build(), Config());
        var input = driver.CreateInputTopic("scores", Serdes.String, Serdes.Int32);
        input.PipeInput("a1", 10);
        input.PipeInput("a2", 5);
        input.PipeInput("a1", 20);
        Assert.Equal([KV<string?, int>("a", 10), KV<string?, int>("a", 15), KV<string?, int>("a", 5), KV<string?, int>("a", 25)],
            driver.CreateOutputTopic("sum", Serdes.String, Serdes.Int32).ReadKeyValuesToList());
    }

    [Fact]
    public void StreamToTable_UpsertsAndIsQueryable()
    {
        var builder = new StreamsBuilder();
        builder.Stream<string?, string?>("in").ToTable(materialized: Materialized<string?, string?>.As("latest")).ToStream().To("out");
        using var driver = new TopologyTestDriver(builder.Build(), Config());
        driver.StringInput("in").PipeInput("k", "1", 7);
        driver.StringInput("in").PipeInput("k", "2", 8);
        driver.StringInput("in").PipeInput("j", "3", 9);
        driver.StringInput("in").PipeInput("j", null, 10);
        var map = driver.StringOutput("out").ReadKeyValuesToMap();
        Assert.Equal(2, map.Count);
        Assert.Equal("2", map["k"]);
        Assert.Null(map["j"]);
        Assert.Equal(new Samsa.Streams.State.ValueAndTimestamp<string?>("2", 8), driver.GetTimestampedKeyValueStore<string?, string?>("latest")!.Get("k"));
    }
}
