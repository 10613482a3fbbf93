using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Samsa.Consumer;
using Samsa.Streams.Processor;
using Samsa.Streams.State;

namespace Samsa.Streams.Tests.Runtime;

/// <summary>The runtime with the real Processor API topology, task engine and stores.</summary>
public sealed class WordCountEndToEndTests
{
    private sealed class Splitter : IProcessor<string?, string?, string?, string?>
    {
        private IProcessorContext<string?, string?> _context = null!;

        public void Init(IProcessorContext<string?, string?> context) => _context = context;

        public void Process(Record<string?, string?> record)
        {
            foreach (var word in (record.Value ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))
                _context.Forward(new Record<string?, string?>(word.ToLowerInvariant(), word, record.Timestamp));
        }
    }

    private sealed class Counter : IProcessor<string?, string?, string?, long>
    {
        private IProcessorContext<string?, long> _context = null!;
        private IKeyValueStore<string, long> _store = null!;

        public void Init(IProcessorContext<string?, long> context)
        {
            _context = context;
            _store = context.GetStateStore<IKeyValueStore<string, long>>("word-counts-store");
        }

        public void Process(Record<string?, string?> record)
        {
            long count = _store.Get(record.Key!) + 1;
            _store.Put(record.Key!, count);
            _context.Forward(new Record<string?, long>(record.Key, count, record.Timestamp));
        }
    }

    private static Topology WordCount() => Topology.Create()
        .AddSource("text-source", Serdes.String, Serdes.String, "text")
        .AddProcessor("split", () => new Splitter(), "text-source")
        .AddSink("by-word", "words", Serdes.String, Serdes.String, null, "split")
        .AddSource("words-source", Serdes.String, Serdes.String, "words")
        .AddProcessor("count", () => new Counter(), "words-source")
        .AddStateStore(Stores.KeyValueStoreBuilder(Stores.PersistentKeyValueStore("word-counts-store"), Serdes.String!, Serdes.Int64), "count")
        .AddSink("counts-sink", "word-counts", Serdes.String, Serdes.Int64, null, "count");

    [Fact]
    public async Task WordCount_ProcessorApiTopology_CountsAcrossRestartWithWipedState()
    {
        await using var cluster = await RuntimeKit.StartClusterAsync();
        await cluster.CreateTopicAsync("text", 2);
        await cluster.CreateTopicAsync("words", 2);
        await cluster.CreateTopicAsync("word-counts", 2);
        string stateDir = RuntimeKit.TempDir();
        var config = RuntimeKit.Config(cluster, "wordcount", stateDir, exactlyOnce: true);
        config.NumStreamThreads = 2;
        await RuntimeKit.ProduceAsync(cluster, "text", [("1", "the quick fox"), ("2", "The lazy dog"), ("3", "the end")]);

        await using (var streams = new KafkaStreams(WordCount(), config))
        {
            await streams.StartAsync();
            var counts = await ReadCountsAsync(cluster, 8);
            Assert.Equal(3, counts["the"]);
            Assert.Equal(1, counts["fox"]);
            await RuntimeKit.QueryUntilAsync(() => streams.Store<IReadOnlyKeyValueStore<string, long>>("word-counts-store").Get("the"), v => v == 3, "count of 'the'");
        }

        // Wipe local state: the counts come back from the changelog.
        var again = new KafkaStreams(WordCount(), RuntimeKit.Config(cluster, "wordcount", stateDir, exactlyOnce: true));
        again.CleanUp();
        await again.StartAsync();
        await RuntimeKit.ProduceAsync(cluster, "text", [("4", "the fox")]);
        var after = await ReadCountsAsync(cluster, 10);
        Assert.Equal(4, after["the"]);
        Assert.Equal(2, after["fox"]);
        await again.CloseAsync();
    }

    [Fact]
    public async Task AddKafkaStreams_HostedService_BindsKafkaKeysAndRuns()
    {
        await using var cluster = await RuntimeKit.StartClusterAsync();
        await cluster.CreateTopicAsync("text", 1);
        await cluster.CreateTopicAsync("words", 1);
        await cluster.CreateTopicAsync("word-counts", 1);
        var section = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Streams:application.id"] = "hosted",
            ["Streams:bootstrap.servers"] = cluster.BootstrapServers,
            ["Streams:state.dir"] = RuntimeKit.TempDir(),
            ["Streams:commit.interval.ms"] = "100",
            ["Streams:processing.guarantee"] = "exactly_once_v2",
            ["Streams:num.stream.threads"] = "2",
            ["Streams:consumer.session.timeout.ms"] = "10000",
        }).Build().GetSection("Streams");
        var services = new ServiceCollection();
        services.AddKafkaStreams(_ => WordCount(), section);
        await using var provider = services.BuildServiceProvider();
        var config = provider.GetRequiredService<StreamsConfig>();
        Assert.Equal("hosted", config.ApplicationId);
        Assert.Equal(2, config.NumStreamThreads);
        Assert.True(config.ExactlyOnce);
        Assert.Equal("10000", config.Extra["consumer.session.timeout.ms"]);

        var hosted = provider.GetServices<IHostedService>().Single();
        await hosted.StartAsync(CancellationToken.None);
        await RuntimeKit.ProduceAsync(cluster, "text", [("1", "a b a")]);
        var counts = await ReadCountsAsync(cluster, 3, partitions: 1);
        Assert.Equal(2, counts["a"]);
        await hosted.StopAsync(CancellationToken.None);
        Assert.Equal(KafkaStreamsState.NotRunning, provider.GetRequiredService<KafkaStreams>().State);
    }

    /// <summary>Reads <paramref name="count"/> count updates and returns the latest count per word.</summary>
    private static async Task<Dictionary<string, long>> ReadCountsAsync(Broker.Mini.MiniCluster cluster, int count, int partitions = 2)
    {
        await using var consumer = new ConsumerBuilder<string, long>(new Dictionary<string, string?>
        {
            ["bootstrap.servers"] = cluster.BootstrapServers,
            ["fetch.max.wait.ms"] = "50",
            ["isolation.level"] = "read_committed",
        }).Build();
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset("word-counts", p, Offsets.Beginning)));
        var latest = new Dictionary<string, long>();
        using var guard = new CancellationTokenSource(RuntimeKit.Guard);
        for (int seen = 0; seen < count;)
        {
            foreach (var r in await consumer.ConsumeBatchAsync(0, guard.Token))
            {
                latest[r.Key] = Math.Max(latest.GetValueOrDefault(r.Key), r.Value);
                seen++;
            }
        }
        return latest;
    }
}
