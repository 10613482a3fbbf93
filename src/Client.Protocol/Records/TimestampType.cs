namespace Samsa.Protocol.Records;

/// <summary>What a record's timestamp means (attribute bit 3 of a batch or legacy message).</summary>
public enum TimestampType : sbyte
{
    /// <summary>No timestamp: legacy messages with magic 0.</summary>
    None = -1,
    /// <summary>Set by the producer when the record was created.</summary>
    CreateTime = 0,
    /// <summary>Set by the broker when the batch was appended to the log.</summary>
    LogAppendTime = 1,
}
