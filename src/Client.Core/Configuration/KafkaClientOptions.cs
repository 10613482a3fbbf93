using Samsa.Client.Security;

namespace Samsa.Client;

/// <summary>
/// Settings every Samsa client shares. Names follow Kafka's configuration keys (shown on each property) and defaults
/// match Kafka's Java client. Call <see cref="Validate"/> (done once when a cluster is built) to check them.
/// </summary>
public class KafkaClientOptions
{
    /// <summary><c>bootstrap.servers</c>: comma-separated <c>host:port</c> list used to discover the cluster. Required.</summary>
    [KafkaConfigKey("bootstrap.servers")]
    public string BootstrapServers { get; set; } = "";

    /// <summary><c>client.id</c>: sent with every request for broker-side logging and quotas. Default empty.</summary>
    [KafkaConfigKey("client.id")]
    public string ClientId { get; set; } = "";

    /// <summary><c>request.timeout.ms</c>: how long to wait for a response before failing the request and closing the connection. Default 30000.</summary>
    [KafkaConfigKey("request.timeout.ms")]
    public int RequestTimeoutMs { get; set; } = 30_000;

    /// <summary><c>default.api.timeout.ms</c>: overall deadline for client operations that retry (metadata, coordinator lookup). Default 60000.</summary>
    [KafkaConfigKey("default.api.timeout.ms")]
    public int DefaultApiTimeoutMs { get; set; } = 60_000;

    /// <summary><c>socket.connection.setup.timeout.ms</c>: time allowed to establish a connection (TCP, TLS, handshakes). Default 10000.</summary>
    [KafkaConfigKey("socket.connection.setup.timeout.ms")]
    public int SocketConnectionSetupTimeoutMs { get; set; } = 10_000;

    /// <summary><c>socket.connection.setup.timeout.max.ms</c>: cap of the setup timeout as it grows after consecutive failures. Default 30000.</summary>
    [KafkaConfigKey("socket.connection.setup.timeout.max.ms")]
    public int SocketConnectionSetupTimeoutMaxMs { get; set; } = 30_000;

    /// <summary><c>max.in.flight.requests.per.connection</c>: unanswered requests allowed on one connection. Default 5.</summary>
    [KafkaConfigKey("max.in.flight.requests.per.connection")]
    public int MaxInFlightRequestsPerConnection { get; set; } = 5;

    /// <summary><c>reconnect.backoff.ms</c>: base wait before reconnecting to a broker. Default 50.</summary>
    [KafkaConfigKey("reconnect.backoff.ms")]
    public int ReconnectBackoffMs { get; set; } = 50;

    /// <summary><c>reconnect.backoff.max.ms</c>: cap of the exponential reconnect backoff. Default 1000.</summary>
    [KafkaConfigKey("reconnect.backoff.max.ms")]
    public int ReconnectBackoffMaxMs { get; set; } = 1_000;

    /// <summary><c>retry.backoff.ms</c>: base wait before retrying a failed request. Default 100.</summary>
    [KafkaConfigKey("retry.backoff.ms")]
    public int RetryBackoffMs { get; set; } = 100;

    /// <summary><c>retry.backoff.max.ms</c>: cap of the exponential retry backoff. Default 1000.</summary>
    [KafkaConfigKey("retry.backoff.max.ms")]
    public int RetryBackoffMaxMs { get; set; } = 1_000;

    /// <summary><c>connections.max.idle.ms</c>: idle connections are closed after this long. Default 540000.</summary>
    [KafkaConfigKey("connections.max.idle.ms")]
    public long ConnectionsMaxIdleMs { get; set; } = 540_000;

    /// <summary><c>metadata.max.age.ms</c>: metadata is refreshed at least this often. Default 300000.</summary>
    [KafkaConfigKey("metadata.max.age.ms")]
    public long MetadataMaxAgeMs { get; set; } = 300_000;

    /// <summary>
    /// <c>allow.auto.create.topics</c>: whether Metadata requests may ask the broker to create unknown topics (when the
    /// broker's <c>auto.create.topics.enable</c> is on). Default true, as for Java producers and consumers; the admin
    /// client never asks.
    /// </summary>
    [KafkaConfigKey("allow.auto.create.topics")]
    public bool AllowAutoCreateTopics { get; set; } = true;

    /// <summary><c>socket.send.buffer.bytes</c>: TCP send buffer; -1 uses the OS default. Default 131072.</summary>
    [KafkaConfigKey("socket.send.buffer.bytes")]
    public int SocketSendBufferBytes { get; set; } = 131_072;

    /// <summary><c>receive.buffer.bytes</c>: TCP receive buffer; -1 uses the OS default. Default 65536.</summary>
    [KafkaConfigKey("receive.buffer.bytes")]
    public int ReceiveBufferBytes { get; set; } = 65_536;

    /// <summary><c>security.protocol</c>: PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL. Default PLAINTEXT.</summary>
    [KafkaConfigKey("security.protocol")]
    public SecurityProtocol SecurityProtocol { get; set; } = SecurityProtocol.Plaintext;

    /// <summary>
    /// <c>sasl.mechanism</c>: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 or OAUTHBEARER. Kafka's default is GSSAPI, which Samsa
    /// does not implement; validation rejects it when a SASL protocol is selected.
    /// </summary>
    [KafkaConfigKey("sasl.mechanism")]
    public string SaslMechanism { get; set; } = "GSSAPI";

    /// <summary><c>sasl.username</c>: user for PLAIN and SCRAM (Kafka's Java client takes it from <c>sasl.jaas.config</c>).</summary>
    [KafkaConfigKey("sasl.username")]
    public string? SaslUsername { get; set; }

    /// <summary><c>sasl.password</c>: password for PLAIN and SCRAM.</summary>
    [KafkaConfigKey("sasl.password")]
    public string? SaslPassword { get; set; }

    /// <summary>Supplies OAUTHBEARER tokens (and SASL extensions); required for the OAUTHBEARER mechanism.</summary>
    public Func<CancellationToken, ValueTask<OAuthBearerToken>>? OAuthBearerTokenProvider { get; set; }

    /// <summary><c>ssl.truststore.location</c>: CA certificates (PEM, or PKCS#12 by type) trusted for broker certificates; null uses the OS store.</summary>
    [KafkaConfigKey("ssl.truststore.location")]
    public string? SslTruststoreLocation { get; set; }

    /// <summary>
    /// <c>ssl.ca.location</c> (librdkafka's name): a PEM file of CA certificates trusted for broker certificates, in
    /// addition to <see cref="SslTruststoreLocation"/>; null (with no trust store) uses the OS store.
    /// </summary>
    [KafkaConfigKey("ssl.ca.location")]
    public string? SslCaLocation { get; set; }

    /// <summary><c>ssl.truststore.type</c>: PEM or PKCS12. Default PEM (Java's JKS has no .NET reader).</summary>
    [KafkaConfigKey("ssl.truststore.type")]
    public string SslTruststoreType { get; set; } = "PEM";

    /// <summary><c>ssl.truststore.password</c>: password of a PKCS#12 trust store.</summary>
    [KafkaConfigKey("ssl.truststore.password")]
    public string? SslTruststorePassword { get; set; }

    /// <summary><c>ssl.keystore.location</c>: client certificate and key for mutual TLS (PKCS#12, or PEM holding both).</summary>
    [KafkaConfigKey("ssl.keystore.location")]
    public string? SslKeystoreLocation { get; set; }

    /// <summary><c>ssl.keystore.type</c>: PKCS12 or PEM. Default PKCS12.</summary>
    [KafkaConfigKey("ssl.keystore.type")]
    public string SslKeystoreType { get; set; } = "PKCS12";

    /// <summary><c>ssl.keystore.password</c>: password of the PKCS#12 key store.</summary>
    [KafkaConfigKey("ssl.keystore.password")]
    public string? SslKeystorePassword { get; set; }

    /// <summary><c>ssl.key.password</c>: password of an encrypted PEM private key.</summary>
    [KafkaConfigKey("ssl.key.password")]
    public string? SslKeyPassword { get; set; }

    /// <summary><c>ssl.endpoint.identification.algorithm</c>: <c>https</c> verifies the broker host name; empty disables it. Default https.</summary>
    [KafkaConfigKey("ssl.endpoint.identification.algorithm")]
    public string SslEndpointIdentificationAlgorithm { get; set; } = "https";

    /// <summary>Checks every setting once; throws <see cref="ArgumentException"/> naming the first bad key.</summary>
    public virtual void Validate()
    {
        if (string.IsNullOrWhiteSpace(BootstrapServers)) Fail("bootstrap.servers", "must list at least one host:port");
        _ = BrokerAddress.ParseList(BootstrapServers);
        Positive(RequestTimeoutMs, "request.timeout.ms");
        Positive(DefaultApiTimeoutMs, "default.api.timeout.ms");
        Positive(SocketConnectionSetupTimeoutMs, "socket.connection.setup.timeout.ms");
        if (SocketConnectionSetupTimeoutMaxMs < SocketConnectionSetupTimeoutMs)
            Fail("socket.connection.setup.timeout.max.ms", "must be at least socket.connection.setup.timeout.ms");
        Positive(MaxInFlightRequestsPerConnection, "max.in.flight.requests.per.connection");
        NonNegative(ReconnectBackoffMs, "reconnect.backoff.ms");
        if (ReconnectBackoffMaxMs < ReconnectBackoffMs) Fail("reconnect.backoff.max.ms", "must be at least reconnect.backoff.ms");
        NonNegative(RetryBackoffMs, "retry.backoff.ms");
        if (RetryBackoffMaxMs < RetryBackoffMs) Fail("retry.backoff.max.ms", "must be at least retry.backoff.ms");
        if (ConnectionsMaxIdleMs <= 0) Fail("connections.max.idle.ms", "must be positive");
        if (MetadataMaxAgeMs < 0) Fail("metadata.max.age.ms", "must not be negative");
        if (SecurityProtocol is SecurityProtocol.SaslPlaintext or SecurityProtocol.SaslSsl)
        {
            switch (SaslMechanism)
            {
                case SaslMechanisms.Plain or SaslMechanisms.ScramSha256 or SaslMechanisms.ScramSha512:
                    if (string.IsNullOrEmpty(SaslUsername) || SaslPassword is null)
                        Fail("sasl.username", $"{SaslMechanism} needs sasl.username and sasl.password");
                    break;
                case SaslMechanisms.OAuthBearer:
                    if (OAuthBearerTokenProvider is null) Fail("sasl.mechanism", "OAUTHBEARER needs OAuthBearerTokenProvider");
                    break;
                default:
                    Fail("sasl.mechanism", $"'{SaslMechanism}' is not supported (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER)");
                    break;
            }
        }
        if (SslTruststoreType is not ("PEM" or "PKCS12")) Fail("ssl.truststore.type", "must be PEM or PKCS12");
        if (SslKeystoreType is not ("PEM" or "PKCS12")) Fail("ssl.keystore.type", "must be PEM or PKCS12");
        if (SslEndpointIdentificationAlgorithm is not ("https" or "")) Fail("ssl.endpoint.identification.algorithm", "must be https or empty");
    }

    private static void Positive(long value, string key)
    {
        if (value <= 0) Fail(key, "must be positive");
    }

    private static void NonNegative(long value, string key)
    {
        if (value < 0) Fail(key, "must not be negative");
    }

    private protected static void Fail(string key, string problem) =>
        throw new ArgumentException($"Invalid Kafka configuration '{key}': {problem}.", key);
}
