namespace Samsa.Protocol.Records;

/// <summary>
/// Thrown when a record batch or legacy message is present in full but is invalid: checksum mismatch,
/// impossible lengths or counts, an unknown magic byte, or records that do not fill their batch exactly.
/// </summary>
public sealed class CorruptRecordException : KafkaProtocolException
{
    /// <summary>Creates the exception with a description of the corruption.</summary>
    public CorruptRecordException(string message) : base(message) { }

    /// <summary>Creates the exception with a description and the underlying cause.</summary>
    public CorruptRecordException(string message, Exception innerException) : base(message, innerException) { }
}
