namespace Samsa.Protocol.Compression;

/// <summary>The compression codec of a record batch, as stored in the low three bits of its attributes.</summary>
public enum CompressionType : byte
{
    /// <summary>No compression.</summary>
    None = 0,
    /// <summary>gzip (RFC 1952).</summary>
    Gzip = 1,
    /// <summary>Snappy, framed the way the Java client (xerial) frames it.</summary>
    Snappy = 2,
    /// <summary>LZ4 frame format.</summary>
    Lz4 = 3,
    /// <summary>Zstandard (Kafka 2.1+, produce v7+).</summary>
    Zstd = 4,
}
