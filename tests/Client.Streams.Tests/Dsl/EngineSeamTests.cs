using System.Text;
using Samsa.Streams.Internals;
using Samsa.Streams.Kstream;
using Samsa.Streams.Processor;
using Samsa.Streams.State;
using Samsa.Streams.Testing;

namespace Samsa.Streams.Tests.Dsl;

/// <summary>The seam the runtime uses: model contents, task creation, changelog routing, global stores.</summary>
public sealed class EngineSeamTests
{
    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    private sealed class CountingProcessor : IProcessor<string?, string?, string?, long>
    {
        private IProcessorContext<string?, long> _context = null!;
        private IKeyValueStore<string?, long> _store = null!;

        public void Init(IProcessorContext<string?, long> context)
        {
            _context = context;
            _store = context.GetStateStore<IKeyValueStore<string?, long>>("counts");
        }

        public void Process(Record<string?, string?> record)
        {
            long count = _store.TryGet(record.Key, out var c) ? c + 1 : 1;
            _store.Put(record.Key, count);
            _context.Forward(record.WithValue(count));
        }
    }

    private static Topology CountingTopology() => Topology.Create()
        .AddSource("src", "in")
        .AddProcessor("count", () => new CountingProcessor(), "src")
        .AddStateStore(Stores.KeyValueStoreBuilder(Stores.InMemoryKeyValueStore("counts"), Serdes.String, Serdes.Int64), "count")
        .AddSink("sink", "out", Serdes.String, Serdes.Int64, null, "count");

    [Fact]
    public void Task_RoutesChangelogToItsPartition_AndRegistersStores()
    {
        var model = CountingTopology().Build();
        var sub = Assert.Single(model.Subtopologies);
        Assert.Equal(["in"], sub.SourceTopics);
        var store = Assert.Single(sub.Stores);
        Assert.Equal(("counts", true, "compact"), (store.Name, store.LoggingEnabled, store.ChangelogConfig["cleanup.policy"]));

        using var env = new RecordingEnvironment();
        var task = model.CreateTask(new TaskId(0, 3), env);
        task.Initialize();
        Assert.Equal([(new TaskId(0, 3), "counts", (string?)"app-counts-changelog")], env.Registered);

        task.AddRecord(new ConsumedRecord("in", 3, 41, 1000, Utf8("k"), Utf8("v"), null));
        task.AddRecord(new ConsumedRecord("in", 3, 42, 1001, Utf8("k"), Utf8("v"), null));
        while (task.Process()) { }
        task.Flush();

        var changelog = env.Sent.Where(s => s.Topic == "app-counts-changelog").ToList();
        Assert.Equal(2, changelog.Count);
        Assert.All(changelog, c => Assert.Equal(3, c.Partition));
        Assert.Equal(2L, Serdes.Int64.Deserialize(changelog[1].Value, "t"));
        var output = env.Sent.Where(s => s.Topic == "out").ToList();
        Assert.Equal([1L, 2L], output.Select(o => Serdes.Int64.Deserialize(o.Value, "out")));
        Assert.Equal([1000L, 1001L], output.Select(o => o.Timestamp));
        Assert.Equal(43, task.CommittableOffsets()[new TopicPartition("in", 3)]);
        task.Close();
    }

    [Fact]
    public void ProcessorApi_StoreFromStateEngineer_IsUsableThroughTheDriver()
    {
        using var driver = new TopologyTestDriver(CountingTopology(), new StreamsConfig { ApplicationId = "c", DefaultKeySerde = Serdes.String, DefaultValueSerde = Serdes.String });
        var input = driver.CreateInputTopic("in", Serdes.String, Serdes.String);
        input.PipeInput("a", "x");
        input.PipeInput("a", "y");
        Assert.Equal([1L, 2L], driver.CreateOutputTopic("out", Serdes.String, Serdes.Int64).ReadValuesToList());
        Assert.Equal(2L, driver.GetKeyValueStore<string?, long>("counts")!.Get("a"));
    }

    [Fact]
    public void GlobalUpdater_RegistersUnderGlobalTaskId_WithTheSourceTopicAsChangelog()
    {
        var builder = new StreamsBuilder();
        var global = builder.GlobalTable<string?, string?>("countries", materialized: Materialized<string?, string?>.As("countries-store"));
        builder.Stream<string?, string?>("in").Join(global, (_, v) => v, (v, country) => country).To("out");
        var topology = builder.Build();
        Assert.Equal(
            "Topologies:\n" +
            "   Sub-topology: 0 for global store (will not generate tasks)\n" +
            "    Source: KSTREAM-SOURCE-0000000000 (topics: [countries])\n" +
            "      --> KTABLE-SOURCE-0000000001\n" +
            "    Processor: KTABLE-SOURCE-0000000001 (stores: [countries-store])\n" +
            "      --> none\n" +
            "      <-- KSTREAM-SOURCE-0000000000\n" +
            "  Sub-topology: 1\n" +
            "    Source: KSTREAM-SOURCE-0000000002 (topics: [in])\n" +
            "      --> KSTREAM-JOIN-0000000003\n" +
            "    Processor: KSTREAM-JOIN-0000000003 (stores: [])\n" +
            "      --> KSTREAM-SINK-0000000004\n" +
            "      <-- KSTREAM-SOURCE-0000000002\n" +
            "    Sink: KSTREAM-SINK-0000000004 (topic: out)\n" +
            "      <-- KSTREAM-JOIN-0000000003\n\n",
            topology.Describe().ToString());

        var model = topology.Build();
        Assert.Equal(1, Assert.Single(model.Subtopologies).Id);
        using var env = new RecordingEnvironment();
        var updater = model.CreateGlobalUpdater(env)!;
        updater.Initialize();
        Assert.Equal([(new TaskId(-1, -1), "countries-store", (string?)"countries")], env.Registered);
        updater.Update(new ConsumedRecord("countries", 0, 0, 5, Utf8("fr"), Utf8("France"), null));
        var task = model.CreateTask(new TaskId(1, 0), env);
        task.Initialize();
        task.AddRecord(new ConsumedRecord("in", 0, 0, 6, Utf8("u1"), Utf8("fr"), null));
        Assert.True(task.Process());
        Assert.Equal("France", Encoding.UTF8.GetString(env.Sent.Single(s => s.Topic == "out").Value!));
        Assert.DoesNotContain(env.Sent, s => s.Topic.EndsWith("-changelog", StringComparison.Ordinal));
    }

    [Fact]
    public void SourceTableStore_SendsItsChangelogAndTheRepartitionTopicIsPrefixed()
    {
        var builder = new StreamsBuilder();
        builder.Stream<string?, string?>("in").GroupBy((_, v) => v, Grouped<string?, string?>.As("by-value")).Count().ToStream().To("out",
            Produced<string?, long>.With(Serdes.String, Serdes.Int64));
        var model = builder.Build().Build();
        Assert.Equal([new[] { "in" }, []], model.Subtopologies.Select(s => s.SourceTopics.ToArray()));
        using var env = new RecordingEnvironment();
        var first = model.CreateTask(new TaskId(0, 1), env);
        first.Initialize();
        first.AddRecord(new ConsumedRecord("in", 1, 0, 9, Utf8("k"), Utf8("v"), null));
        first.Process();
        var repartitioned = Assert.Single(env.Sent);
        Assert.Equal(("app-by-value-repartition", (int?)null, "v"), (repartitioned.Topic, repartitioned.Partition, Encoding.UTF8.GetString(repartitioned.Key!)));

        var second = model.CreateTask(new TaskId(1, 2), env);
        second.Initialize();
        second.AddRecord(new ConsumedRecord("app-by-value-repartition", 2, 0, 9, repartitioned.Key, repartitioned.Value, null));
        second.Process();
        Assert.Contains(env.Sent, s => s.Topic == "app-KSTREAM-AGGREGATE-STATE-STORE-0000000002-changelog" && s.Partition == 2);
        Assert.Contains(env.Sent, s => s.Topic == "out");
    }

    private sealed class CommittingProcessor : IProcessor<string?, string?, string?, string?>
    {
        private IProcessorContext<string?, string?> _context = null!;

        public void Init(IProcessorContext<string?, string?> context) => _context = context;

        public void Process(Record<string?, string?> record)
        {
            if (record.Value == "commit")
                _context.Commit();
        }
    }

    [Fact]
    public void Commit_IsRequestedUntilOffsetsAreTaken()
    {
        var model = Topology.Create().AddSource("src", "in").AddProcessor("p", () => new CommittingProcessor(), "src").Build();
        using var env = new RecordingEnvironment();
        var task = model.CreateTask(new TaskId(0, 0), env);
        task.Initialize();
        task.AddRecord(new ConsumedRecord("in", 0, 7, 1, null, Utf8("x"), null));
        task.Process();
        Assert.False(task.CommitRequested);
        task.AddRecord(new ConsumedRecord("in", 0, 8, 2, null, Utf8("commit"), null));
        task.Process();
        Assert.True(task.CommitRequested);
        Assert.Equal(9, task.CommittableOffsets()[new TopicPartition("in", 0)]);
        Assert.False(task.CommitRequested);
        Assert.Equal(0, task.QueuedRecords);
    }

    [Fact]
    public void Repartitioned_PartitionCountAndPartitioner_ReachTheModelAndTheCollector()
    {
        var builder = new StreamsBuilder();
        builder.Stream<string?, string?>("in")
            .Repartition(Repartitioned<string?, string?>.As("spread").WithNumberOfPartitions(6).WithStreamPartitioner((_, k, _, n) => k!.Length % n))
            .To("out");
        var model = builder.Build().Build();
        var topic = Assert.Single(model.RepartitionTopics);
        Assert.Equal(("spread-repartition", (int?)6), (topic.Name, topic.Partitions));
        using var env = new RecordingEnvironment();
        var task = model.CreateTask(new TaskId(0, 0), env);
        task.Initialize();
        task.AddRecord(new ConsumedRecord("in", 0, 0, 1, Utf8("abcde"), Utf8("v"), null));
        task.Process();
        Assert.Equal(("app-spread-repartition", (int?)1), (env.Sent[0].Topic, env.Sent[0].Partition)); // 5 % 4 partitions in the recording collector
    }
}
