using Samsa.Client;

namespace Samsa.Producer.Tests;

public sealed class ProducerOptionsTests
{
    [Fact]
    public void Defaults_MatchKafka()
    {
        var o = new ProducerOptions();
        Assert.Equal("all", o.Acks);
        Assert.True(o.EnableIdempotence);
        Assert.Equal(5, o.LingerMs);
        Assert.Equal(16_384, o.BatchSize);
        Assert.Equal(33_554_432, o.BufferMemory);
        Assert.Equal(60_000, o.MaxBlockMs);
        Assert.Equal(1_048_576, o.MaxRequestSize);
        Assert.Equal("none", o.CompressionType);
        Assert.Equal(120_000, o.DeliveryTimeoutMs);
        Assert.Equal(30_000, o.RequestTimeoutMs);
        Assert.Equal(int.MaxValue, o.Retries);
        Assert.Equal(100, o.RetryBackoffMs);
        Assert.Equal(1000, o.RetryBackoffMaxMs);
        Assert.Equal(5, o.MaxInFlightRequestsPerConnection);
        Assert.Equal(60_000, o.TransactionTimeoutMs);
        Assert.True(o.PartitionerAdaptivePartitioningEnable);
        Assert.False(o.PartitionerIgnoreKeys);
    }

    [Theory]
    [InlineData("acks", "1")]
    [InlineData("acks", "0")]
    [InlineData("max.in.flight.requests.per.connection", "6")]
    [InlineData("retries", "0")]
    public void Validate_IdempotenceConflicts_Throw(string key, string value)
    {
        var o = new ProducerOptions { BootstrapServers = "localhost:9092" };
        KafkaConfigBinder.Bind(o, [new(key, value)]);
        var e = Assert.Throws<ArgumentException>(o.Validate);
        Assert.Contains(key, e.Message);
    }

    [Fact]
    public void Validate_WithoutIdempotence_AllowsAcksOneAndMoreInFlight()
    {
        var o = new ProducerOptions { BootstrapServers = "localhost:9092", EnableIdempotence = false, Acks = "1", MaxInFlightRequestsPerConnection = 10 };
        o.Validate();
        Assert.Equal(1, o.AcksValue);
    }

    [Theory]
    [InlineData("compression.type", "brotli")]
    [InlineData("acks", "2")]
    [InlineData("partitioner", "nope")]
    [InlineData("delivery.timeout.ms", "1000")]
    public void Validate_BadValues_Throw(string key, string value)
    {
        var o = new ProducerOptions { BootstrapServers = "localhost:9092" };
        KafkaConfigBinder.Bind(o, [new(key, value)]);
        Assert.Throws<ArgumentException>(o.Validate);
    }

    [Fact]
    public void Bind_KafkaKeys_SetProperties()
    {
        var o = new ProducerOptions();
        var unknown = KafkaConfigBinder.Bind(o, new Dictionary<string, string?>
        {
            ["bootstrap.servers"] = "a:1,b:2",
            ["linger.ms"] = "20",
            ["batch.size"] = "65536",
            ["compression.type"] = "zstd",
            ["compression.level"] = "3",
            ["partitioner"] = "murmur2_random",
            ["transactional.id"] = "tx",
            ["enable.idempotence"] = "true",
            ["something.else"] = "x",
        });
        Assert.Equal(["something.else"], unknown);
        Assert.Equal(20, o.LingerMs);
        Assert.Equal(65_536, o.BatchSize);
        Assert.Equal(3, o.CompressionLevel);
        Assert.Equal("murmur2_random", o.PartitionerClass);
        Assert.Equal("tx", o.TransactionalId);
        o.Validate();
    }

    [Fact]
    public void Builder_UnknownKey_Throws() =>
        Assert.Throws<ArgumentException>(() => new ProducerBuilder<string, string>([new("bootstrap.servers", "a:1"), new("linger.msx", "1")]));
}
