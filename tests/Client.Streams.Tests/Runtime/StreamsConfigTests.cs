using Samsa.Client;
using Samsa.Streams.Kstream;

namespace Samsa.Streams.Tests.Runtime;

/// <summary>Binding Kafka Streams keys and rejecting settings the runtime cannot honour.</summary>
public sealed class StreamsConfigTests
{
    [Fact]
    public void Bind_KnownKeysSetProperties_OthersGoToExtra()
    {
        var config = new StreamsConfig();
        StreamsConfigBinder.Bind(config, new Dictionary<string, string?>
        {
            ["application.id"] = "app",
            ["num.stream.threads"] = "3",
            ["commit.interval.ms"] = "250",
            ["replication.factor"] = "3",
            ["processing.guarantee"] = "exactly_once_v2",
            ["consumer:max.poll.records"] = "10",
            ["ignored"] = null,
        });
        Assert.Equal("app", config.ApplicationId);
        Assert.Equal(3, config.NumStreamThreads);
        Assert.Equal(250, config.EffectiveCommitIntervalMs);
        Assert.Equal((short)3, config.ReplicationFactor);
        Assert.True(config.ExactlyOnce);
        Assert.Equal("10", config.Extra["consumer.max.poll.records"]);
        Assert.False(config.Extra.ContainsKey("ignored"));
    }

    [Fact]
    public void Bind_BadValue_NamesTheKey()
    {
        var e = Assert.Throws<KafkaConfigException>(() => StreamsConfigBinder.Bind(new StreamsConfig(), [new("num.stream.threads", "many")]));
        Assert.Equal("num.stream.threads", e.Key);
    }

    [Theory]
    [InlineData("num.standby.replicas", "1")]
    [InlineData("max.task.idle.ms", "100")]
    [InlineData("topology.optimization", "some")]
    [InlineData("processing.guarantee", "at_most_once")]
    [InlineData("num.stream.threads", "0")]
    public void Construct_UnsupportedSetting_IsRejectedUpFront(string key, string value)
    {
        var config = new StreamsConfig { ApplicationId = "app", BootstrapServers = "localhost:9092" };
        StreamsConfigBinder.Bind(config, [new(key, value)]);
        var builder = new StreamsBuilder();
        builder.Stream<string?, string?>("in", Consumed<string?, string?>.With(Serdes.String, Serdes.String)).To("out");
        var e = Assert.Throws<ArgumentException>(() => new KafkaStreams(builder.Build(), config));
        Assert.Contains(key, e.Message);
    }
}
