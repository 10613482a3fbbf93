using Microsoft.Extensions.Configuration;

namespace Samsa.Client.Tests;

public class KafkaConfigBinderTests
{
    private static readonly Dictionary<string, string?> Values = new()
    {
        ["bootstrap.servers"] = "a:9092,b:9093",
        ["client.id"] = "svc",
        ["request.timeout.ms"] = "15000",
        ["reconnect.backoff.ms"] = "20",
        ["reconnect.backoff.max.ms"] = "2000",
        ["retry.backoff.ms"] = "50",
        ["retry.backoff.max.ms"] = "5000",
        ["connections.max.idle.ms"] = "120000",
        ["allow.auto.create.topics"] = "false",
        ["security.protocol"] = "SASL_SSL",
        ["sasl.mechanism"] = "SCRAM-SHA-512",
        ["sasl.username"] = "alice",
        ["sasl.password"] = "secret",
        ["ssl.endpoint.identification.algorithm"] = "",
    };

    private static void AssertBound(KafkaClientOptions o)
    {
        Assert.Equal("a:9092,b:9093", o.BootstrapServers);
        Assert.Equal("svc", o.ClientId);
        Assert.Equal(15_000, o.RequestTimeoutMs);
        Assert.Equal(20, o.ReconnectBackoffMs);
        Assert.Equal(2_000, o.ReconnectBackoffMaxMs);
        Assert.Equal(50, o.RetryBackoffMs);
        Assert.Equal(5_000, o.RetryBackoffMaxMs);
        Assert.Equal(120_000, o.ConnectionsMaxIdleMs);
        Assert.False(o.AllowAutoCreateTopics);
        Assert.Equal(SecurityProtocol.SaslSsl, o.SecurityProtocol);
        Assert.Equal("SCRAM-SHA-512", o.SaslMechanism);
        Assert.Equal("alice", o.SaslUsername);
        Assert.Equal("", o.SslEndpointIdentificationAlgorithm);
        o.Validate();
    }

    [Fact]
    public void Bind_Dictionary_SetsEveryKafkaKey()
    {
        var o = new KafkaClientOptions();
        var unknown = KafkaConfigBinder.Bind(o, Values);
        Assert.Empty(unknown);
        AssertBound(o);
    }

    [Fact]
    public void Bind_InMemoryConfigurationSection_SetsEveryKafkaKey()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(Values.Select(kv => new KeyValuePair<string, string?>("Kafka:" + kv.Key, kv.Value)))
            .Build();
        var o = new KafkaClientOptions();
        var unknown = KafkaConfigBinder.Bind(o, configuration.GetSection("Kafka"));
        Assert.Empty(unknown);
        AssertBound(o);
    }

    [Fact]
    public void Bind_UnknownKeys_AreReturnedNotSet()
    {
        var o = new KafkaClientOptions();
        var unknown = KafkaConfigBinder.Bind(o, new Dictionary<string, string?> { ["bootstrap.servers"] = "a:1", ["linger.ms"] = "5", ["no.such.key"] = "x" });
        Assert.Equal(["linger.ms", "no.such.key"], unknown.Order());
        Assert.Equal("a:1", o.BootstrapServers);
    }

    [Theory]
    [InlineData("request.timeout.ms", "soon")]
    [InlineData("request.timeout.ms", "99999999999")]
    [InlineData("connections.max.idle.ms", "1.5")]
    [InlineData("allow.auto.create.topics", "maybe")]
    [InlineData("security.protocol", "TLS")]
    [InlineData("security.protocol", "3")]
    [InlineData("reconnect.backoff.ms", null)]
    public void Bind_WrongValue_ThrowsConfigExceptionNamingTheKey(string key, string? value)
    {
        var e = Assert.Throws<KafkaConfigException>(() => KafkaConfigBinder.Bind(new KafkaClientOptions(), [new(key, value)]));
        Assert.Equal(key, e.Key);
        Assert.Equal(key, e.ParamName);
        Assert.Contains($"'{key}'", e.Message);
    }

    [Fact]
    public void BindStrict_UnknownKeyInConfiguration_ThrowsNamingIt()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection([new("bootstrap.servers", "a:1"), new("request.timeout.msx", "5")])
            .Build();
        var o = new KafkaClientOptions();
        var e = Assert.Throws<KafkaConfigException>(() => KafkaConfigBinder.BindStrict(o, configuration));
        Assert.Equal("request.timeout.msx", e.Key);
        Assert.Contains("Unknown Kafka configuration 'request.timeout.msx'", e.Message);
        Assert.Equal("", o.BootstrapServers); // nothing bound when a key is rejected
    }

    [Fact]
    public void BindStrict_KnownKeysAnyCase_Bind()
    {
        var o = new KafkaClientOptions();
        KafkaConfigBinder.BindStrict(o, [new("Bootstrap.Servers", "a:1"), new("security.protocol", "sasl_plaintext"), new("sasl.mechanism", "PLAIN"),
            new("sasl.username", "u"), new("sasl.password", "p")]);
        Assert.Equal("a:1", o.BootstrapServers);
        Assert.Equal(SecurityProtocol.SaslPlaintext, o.SecurityProtocol);
        o.Validate();
    }

    [Theory]
    [InlineData("reconnect.backoff.max.ms", "10")]
    [InlineData("retry.backoff.max.ms", "10")]
    [InlineData("connections.max.idle.ms", "0")]
    [InlineData("ssl.endpoint.identification.algorithm", "http")]
    public void Validate_InconsistentValues_ThrowNamingTheKey(string key, string value)
    {
        var o = new KafkaClientOptions { BootstrapServers = "a:1" };
        KafkaConfigBinder.Bind(o, [new(key, value)]);
        var e = Assert.ThrowsAny<ArgumentException>(o.Validate);
        Assert.Equal(key, e.ParamName);
    }
}
