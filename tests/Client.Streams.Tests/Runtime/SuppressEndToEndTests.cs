using Samsa.Producer;
using Samsa.Streams.Kstream;

namespace Samsa.Streams.Tests.Runtime;

/// <summary>Suppression under the runtime: the buffer's changelog topic and its restoration.</summary>
public sealed class SuppressEndToEndTests
{
    [Fact]
    public async Task TimeLimitBuffer_SurvivesARestartWithWipedState()
    {
        await using var cluster = await RuntimeKit.StartClusterAsync();
        await cluster.CreateTopicAsync("in", 1);
        await cluster.CreateTopicAsync("out", 1);
        var builder = new StreamsBuilder();
        builder.Table<string?, string?>("in")
            .Suppress(Suppressed.UntilTimeLimit(TimeSpan.FromSeconds(10), BufferConfig.Unbounded()).WithName("rate"))
            .ToStream()
            .To("out");
        var config = RuntimeKit.Config(cluster, "supp", RuntimeKit.TempDir());
        config.DefaultKeySerde = Serdes.String;
        config.DefaultValueSerde = Serdes.String;

        await ProduceAsync(cluster, ("a", "1", 1_000), ("b", "2", 2_000), ("a", "3", 3_000));
        await using (var streams = new KafkaStreams(builder.Build(), config))
        {
            await streams.StartAsync();
            await RuntimeKit.WaitUntilAsync(async () => await RuntimeKit.EndOffsetsAsync(cluster, "supp-rate-store-changelog", 1) == 3, "buffer changelog");
            await streams.CloseAsync();
        }
        Assert.Equal(0, await RuntimeKit.EndOffsetsAsync(cluster, "out", 1));
        // The input was committed, so after the restart a and b can only come from the restored buffer.
        long[] committed = await RuntimeKit.CommittedAsync(cluster, "supp", "in", 1);
        Assert.Equal([3L], committed);

        // Local state wiped: the buffer comes back from its changelog, and a later record makes both keys due.
        await using var again = new KafkaStreams(builder.Build(), config);
        again.CleanUp();
        await again.StartAsync();
        await ProduceAsync(cluster, ("c", "1", 13_000));
        Assert.Equal([("a", "3"), ("b", "2")], await RuntimeKit.ReadAsync(cluster, "out", 1, 2));
    }

    private static async Task ProduceAsync(Samsa.Broker.Mini.MiniCluster cluster, params (string Key, string Value, long Timestamp)[] records)
    {
        await using var producer = new ProducerBuilder<string, string>(new Dictionary<string, string?>
        {
            ["bootstrap.servers"] = cluster.BootstrapServers,
            ["linger.ms"] = "1",
        }).Build();
        foreach (var (key, value, timestamp) in records)
            await producer.ProduceAsync("in", new Message<string, string> { Key = key, Value = value, Timestamp = new Timestamp(timestamp) });
    }
}
