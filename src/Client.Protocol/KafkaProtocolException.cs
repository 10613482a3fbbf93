namespace Samsa.Protocol;

/// <summary>
/// Thrown when bytes read from the wire or from storage do not form a valid Kafka protocol structure:
/// truncated input, impossible lengths, malformed varints, checksum mismatches or unsupported versions.
/// </summary>
public class KafkaProtocolException : Exception
{
    /// <summary>Creates the exception with a message describing what was malformed.</summary>
    public KafkaProtocolException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    public KafkaProtocolException(string message, Exception innerException) : base(message, innerException) { }
}
