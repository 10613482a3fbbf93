namespace Samsa.Protocol.Compression;

/// <summary>Thrown when compressed data is corrupt, truncated, uses an unsupported feature, or expands past a limit.</summary>
public sealed class KafkaCompressionException : KafkaProtocolException
{
    /// <summary>Creates the exception for <paramref name="codec"/> with a description of the fault.</summary>
    public KafkaCompressionException(CompressionType codec, string message) : base($"{codec}: {message}") => Codec = codec;

    /// <summary>Creates the exception with an underlying cause.</summary>
    public KafkaCompressionException(CompressionType codec, string message, Exception inner) : base($"{codec}: {message}", inner) => Codec = codec;

    /// <summary>The codec that failed.</summary>
    public CompressionType Codec { get; }
}
