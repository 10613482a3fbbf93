using Samsa.Streams.Processor;
using Samsa.Streams.Testing;

namespace Samsa.Streams.Tests.Dsl;

public sealed class ProcessorApiTests
{
    private sealed class UpperCase : IProcessor<string?, string?, string?, string?>
    {
        private IProcessorContext<string?, string?> _context = null!;

        public void Init(IProcessorContext<string?, string?> context) => _context = context;

        public void Process(Record<string?, string?> record) => _context.Forward(record.WithValue(record.Value?.ToUpperInvariant()));
    }

    private sealed class Punctuating(TimeSpan interval, PunctuationType type) : IProcessor<string?, string?, string?, string?>
    {
        private IProcessorContext<string?, string?> _context = null!;

        public void Init(IProcessorContext<string?, string?> context)
        {
            _context = context;
            context.Schedule(interval, type, now => _context.Forward(new Record<string?, string?>("tick", now.ToString(), now)));
        }

        public void Process(Record<string?, string?> record) { }
    }

    private sealed class MetadataProcessor : IProcessor<string?, string?, string?, string?>
    {
        private IProcessorContext<string?, string?> _context = null!;

        public void Init(IProcessorContext<string?, string?> context)
        {
            _context = context;
            context.Schedule(TimeSpan.FromMilliseconds(100), PunctuationType.StreamTime,
                now => _context.Forward(new Record<string?, string?>("punctuation", $"{_context.RecordMetadata is null}@{_context.CurrentStreamTimeMs}", now)));
        }

        public void Process(Record<string?, string?> record)
        {
            var meta = _context.RecordMetadata!.Value;
            _context.Forward(record.WithValue<string?>($"{meta.Topic}/{meta.Partition}/{meta.Offset}/{_context.TaskId}/{_context.ApplicationId}"));
        }
    }

    [Fact]
    public void Context_ExposesRecordMetadata_AndNoneInsidePunctuations()
    {
        var topology = Topology.Create().AddSource("src", "in").AddProcessor("p", () => new MetadataProcessor(), "src").AddSink("sink", "out", "p");
        using var driver = new TopologyTestDriver(topology, Config());
        var input = driver.CreateInputTopic("in", Serdes.String, Serdes.String);
        input.PipeInput("a", "x", 150);
        input.PipeInput("b", "y", 160);
        Assert.Equal(["in/0/0/0_0/app", "True@150", "in/0/1/0_0/app"], driver.CreateOutputTopic("out", Serdes.String, Serdes.String).ReadValuesToList());
    }

    private static StreamsConfig Config() => new() { ApplicationId = "app", DefaultKeySerde = Serdes.String, DefaultValueSerde = Serdes.String };

    [Fact]
    public void SourceProcessorSink_ForwardsTransformedRecords_WithTimestamps()
    {
        var topology = Topology.Create()
            .AddSource("src", "in")
            .AddProcessor("upper", () => new UpperCase(), "src")
            .AddSink("sink", "out", "upper");
        using var driver = new TopologyTestDriver(topology, Config());
        var input = driver.CreateInputTopic("in", Serdes.String, Serdes.String);
        var output = driver.CreateOutputTopic("out", Serdes.String, Serdes.String);

        input.PipeInput("a", "hello", 10);
        input.PipeInput("b", null, 20);

        Assert.Equal(new TestRecord<string?, string?>("a", "HELLO", 10), output.ReadRecord() with { Headers = null });
        Assert.Equal(new TestRecord<string?, string?>("b", null, 20), output.ReadRecord() with { Headers = null });
        Assert.True(output.IsEmpty);
    }

    [Fact]
    public void Describe_PrintsLikeKafka()
    {
        var topology = Topology.Create()
            .AddSource("src", "in")
            .AddProcessor("upper", () => new UpperCase(), "src")
            .AddSink("sink", "out", "upper");
        Assert.Equal(
            "Topologies:\n" +
            "   Sub-topology: 0\n" +
            "    Source: src (topics: [in])\n" +
            "      --> upper\n" +
            "    Processor: upper (stores: [])\n" +
            "      --> sink\n" +
            "      <-- src\n" +
            "    Sink: sink (topic: out)\n" +
            "      <-- upper\n\n",
            topology.Describe().ToString());
    }

    [Fact]
    public void UnknownInputTopic_Throws()
    {
        var topology = Topology.Create().AddSource("src", "in").AddSink("sink", "out", "src");
        using var driver = new TopologyTestDriver(topology, Config());
        var other = driver.CreateInputTopic("nope", Serdes.String, Serdes.String);
        Assert.Throws<ArgumentException>(() => other.PipeInput("k", "v"));
    }

    [Fact]
    public void AddProcessor_UnknownParent_Throws()
    {
        Assert.Throws<TopologyException>(() => Topology.Create().AddSource("src", "in").AddProcessor("p", () => new UpperCase(), "missing"));
        Assert.Throws<TopologyException>(() => Topology.Create().AddSource("src", "in").AddSource("src2", "in"));
    }

    [Fact]
    public void StreamTimePunctuation_AlignedToZero_FiresOncePerCatchUp()
    {
        var topology = Topology.Create()
            .AddSource("src", "in")
            .AddProcessor("p", () => new Punctuating(TimeSpan.FromMilliseconds(10), PunctuationType.StreamTime), "src")
            .AddSink("sink", "out", "p");
        using var driver = new TopologyTestDriver(topology, Config());
        var input = driver.CreateInputTopic("in", Serdes.String, Serdes.String);
        var output = driver.CreateOutputTopic("out", Serdes.String, Serdes.String);

        input.PipeInput("k", "v", 5);   // schedule at 0 is due: fires with stream time 5, next at 10
        input.PipeInput("k", "v", 9);   // not due
        input.PipeInput("k", "v", 10);  // fires, next at 20
        input.PipeInput("k", "v", 3);   // out-of-order record: stream time stays 10
        input.PipeInput("k", "v", 47);  // missed 20, 30, 40: fires once, next at 50
        input.PipeInput("k", "v", 49);

        Assert.Equal(["5", "10", "47"], output.ReadValuesToList());
    }

    [Fact]
    public void WallClockPunctuation_FiresOnlyWhenTheClockIsAdvanced()
    {
        var topology = Topology.Create()
            .AddSource("src", "in")
            .AddProcessor("p", () => new Punctuating(TimeSpan.FromSeconds(1), PunctuationType.WallClockTime), "src")
            .AddSink("sink", "out", "p");
        using var driver = new TopologyTestDriver(topology, Config(), DateTimeOffset.FromUnixTimeMilliseconds(1_000));
        var output = driver.CreateOutputTopic("out", Serdes.String, Serdes.String);

        driver.AdvanceWallClockTime(TimeSpan.FromMilliseconds(999));
        Assert.True(output.IsEmpty);
        driver.AdvanceWallClockTime(TimeSpan.FromMilliseconds(1));
        driver.AdvanceWallClockTime(TimeSpan.FromMilliseconds(3_500));
        driver.AdvanceWallClockTime(TimeSpan.FromMilliseconds(500));

        Assert.Equal(["2000", "5500", "6000"], output.ReadValuesToList());
    }

    [Fact]
    public void DeserializationError_FailsByDefault_AndIsSkippedWithLogAndContinue()
    {
        var topology = Topology.Create()
            .AddSource("src", Serdes.String, Serdes.Int32, "in")
            .AddSink("sink", "out", Serdes.String, Serdes.Int32, null, "src");
        using (var failing = new TopologyTestDriver(topology, Config()))
        {
            var bad = failing.CreateInputTopic("in", Serdes.String, Serdes.String);
            Assert.Throws<StreamsException>(() => bad.PipeInput("k", "x"));
        }

        var config = Config();
        config.Extra["default.deserialization.exception.handler"] = "org.apache.kafka.streams.errors.LogAndContinueExceptionHandler";
        using var driver = new TopologyTestDriver(topology, config);
        var raw = driver.CreateInputTopic("in", Serdes.String, Serdes.String);
        var good = driver.CreateInputTopic("in", Serdes.String, Serdes.Int32);
        var output = driver.CreateOutputTopic("out", Serdes.String, Serdes.Int32);
        raw.PipeInput("k", "x");
        good.PipeInput("k", 42);
        Assert.Equal([new Samsa.Streams.State.KeyValue<string?, int>("k", 42)], output.ReadKeyValuesToList());
    }

    [Fact]
    public void PartitionQueues_ProcessLowestTimestampFirst()
    {
        var topology = Topology.Create().AddSource("a", "in-a").AddSource("b", "in-b");
        topology.AddSink("sink", "out", "a", "b");
        var model = (Internals.Building.TopologyModel)topology.Build();
        // Drive the task directly so both partitions are queued before processing.
        // so both partitions are queued before processing.
        using var env = new RecordingEnvironment();
        var task = model.CreateStreamTask(new TaskId(0, 0), env);
        task.Initialize();
        byte[] V(string s) => System.Text.Encoding.UTF8.GetBytes(s);
        task.AddRecord(new Internals.ConsumedRecord("in-a", 0, 0, 30, null, V("a30"), null));
        task.AddRecord(new Internals.ConsumedRecord("in-a", 0, 1, 10, null, V("a10"), null));
        task.AddRecord(new Internals.ConsumedRecord("in-b", 0, 0, 20, null, V("b20"), null));
        Assert.Equal(3, task.QueuedRecords);
        while (task.Process()) { }
        Assert.Equal(["b20", "a30", "a10"], env.Sent.Select(s => System.Text.Encoding.UTF8.GetString(s.Value!)));
        Assert.Equal(30, task.StreamTime);
        var offsets = task.CommittableOffsets();
        Assert.Equal(2, offsets[new TopicPartition("in-a", 0)]);
        Assert.Equal(1, offsets[new TopicPartition("in-b", 0)]);
    }
}
