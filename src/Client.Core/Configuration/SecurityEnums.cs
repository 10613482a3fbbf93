namespace Samsa.Client;

/// <summary>Kafka's <c>security.protocol</c>: how bytes travel and whether SASL runs first.</summary>
public enum SecurityProtocol
{
    /// <summary><c>PLAINTEXT</c>: TCP, no authentication (Kafka's default).</summary>
    Plaintext,
    /// <summary><c>SSL</c>: TLS, optionally with a client certificate.</summary>
    Ssl,
    /// <summary><c>SASL_PLAINTEXT</c>: SASL authentication over TCP.</summary>
    SaslPlaintext,
    /// <summary><c>SASL_SSL</c>: SASL authentication over TLS.</summary>
    SaslSsl,
}
