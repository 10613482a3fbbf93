using Samsa.Consumer;
using Samsa.Streams.Kstream;
using Samsa.Streams.State;

namespace Samsa.Streams.Tests.Runtime;

/// <summary>The runtime with StreamsBuilder topologies: repartition topics, changelogs and global tables.</summary>
public sealed class DslEndToEndTests
{
    [Fact]
    public async Task WordCount_StreamsBuilderWithRepartition_CountsExactlyOnce()
    {
        await using var cluster = await RuntimeKit.StartClusterAsync();
        await cluster.CreateTopicAsync("text", 3);
        await cluster.CreateTopicAsync("word-counts", 2);
        var builder = new StreamsBuilder();
        builder.Stream<string?, string?>("text")
            .FlatMapValues(v => v!.ToLowerInvariant().Split(' '))
            .GroupBy((_, word) => word)
            .Count(Materialized<string?, long>.As("counts"))
            .ToStream()
            .To("word-counts", Produced<string?, long>.With(Serdes.String, Serdes.Int64));
        var config = RuntimeKit.Config(cluster, "dslwc", RuntimeKit.TempDir(), exactlyOnce: true);
        config.DefaultKeySerde = Serdes.String;
        config.DefaultValueSerde = Serdes.String;
        config.NumStreamThreads = 2;
        config.Extra["repartition.purge.interval.ms"] = "0";
        await RuntimeKit.ProduceAsync(cluster, "text", [("1", "a b c"), ("2", "a b"), ("3", "a"), ("4", "d a")]);

        var streams = new KafkaStreams(builder.Build(), config);
        await streams.StartAsync();
        var counts = await ReadLatestAsync(cluster, "word-counts", 2, 8);
        Assert.Equal(new Dictionary<string, long> { ["a"] = 4, ["b"] = 2, ["c"] = 1, ["d"] = 1 }, counts);

        // The repartition topic was created with the upstream partition count and is purged once consumed and committed.
        await using var probe = new ConsumerBuilder<byte[], byte[]>(new Dictionary<string, string?> { ["bootstrap.servers"] = cluster.BootstrapServers }).Build();
        var repartition = new TopicPartition("dslwc-counts-repartition", 0);
        await RuntimeKit.WaitUntilAsync(async () =>
        {
            long low = 0;
            for (int p = 0; p < 3; p++) low += (await probe.QueryWatermarkOffsetsAsync(repartition with { Partition = p })).Low;
            return low > 0;
        }, "repartition records purged");
        await RuntimeKit.QueryUntilAsync(() => streams.Store<IReadOnlyKeyValueStore<string?, ValueAndTimestamp<long>>>("counts").Get("a").Value, v => v == 4, "count of a");
        await streams.CloseAsync();

        // Restored from the changelogs with their record timestamps after the local state is wiped.
        await using var again = new KafkaStreams(builder.Build(), config);
        again.CleanUp();
        await again.StartAsync();
        var restored = default(ValueAndTimestamp<long>);
        await RuntimeKit.QueryUntilAsync(() => restored = again.Store<IReadOnlyKeyValueStore<string?, ValueAndTimestamp<long>>>("counts").Get("a"), v => v.Value == 4, "restored count of a");
        Assert.True(restored.Timestamp > 0, $"timestamp {restored.Timestamp}");
    }

    [Fact]
    public async Task GlobalTable_BootstrappedBeforeProcessing_JoinsEveryRecord()
    {
        await using var cluster = await RuntimeKit.StartClusterAsync();
        await cluster.CreateTopicAsync("orders", 2);
        await cluster.CreateTopicAsync("customers", 3);
        await cluster.CreateTopicAsync("enriched", 1);
        await RuntimeKit.ProduceAsync(cluster, "customers", [("c1", "Alice"), ("c2", "Bob"), ("c1", "Alicia")]);
        await RuntimeKit.ProduceAsync(cluster, "orders", [("o1", "c1"), ("o2", "c2")]);
        var builder = new StreamsBuilder();
        var customers = builder.GlobalTable<string?, string?>("customers");
        builder.Stream<string?, string?>("orders")
            .Join(customers, (_, customer) => customer, (customer, name) => $"{customer}:{name}")
            .To("enriched");
        var config = RuntimeKit.Config(cluster, "global", RuntimeKit.TempDir());
        config.DefaultKeySerde = Serdes.String;
        config.DefaultValueSerde = Serdes.String;

        await using var streams = new KafkaStreams(builder.Build(), config);
        await streams.StartAsync();
        var joined = await RuntimeKit.ReadAsync(cluster, "enriched", 1, 2);
        Assert.Equal(["c1:Alicia", "c2:Bob"], joined.Select(j => j.Value).Order());

        // Updates keep flowing into the global store after the bootstrap.
        await RuntimeKit.ProduceAsync(cluster, "customers", [("c3", "Carol")]);
        await RuntimeKit.QueryUntilAsync(() => streams.Store<IReadOnlyKeyValueStore<string?, ValueAndTimestamp<string?>>>(GlobalStoreName(streams)).Get("c3").Value, v => v == "Carol", "global update");
        await RuntimeKit.ProduceAsync(cluster, "orders", [("o3", "c3")]);
        var all = await RuntimeKit.ReadAsync(cluster, "enriched", 1, 3);
        Assert.Contains(("o3", "c3:Carol"), all);
    }

    private static string GlobalStoreName(KafkaStreams streams) => streams.GlobalStoreNames.Single();

    private static async Task<Dictionary<string, long>> ReadLatestAsync(Broker.Mini.MiniCluster cluster, string topic, int partitions, int count)
    {
        await using var consumer = new ConsumerBuilder<string, long>(new Dictionary<string, string?>
        {
            ["bootstrap.servers"] = cluster.BootstrapServers,
            ["fetch.max.wait.ms"] = "50",
            ["isolation.level"] = "read_committed",
        }).Build();
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offsets.Beginning)));
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
