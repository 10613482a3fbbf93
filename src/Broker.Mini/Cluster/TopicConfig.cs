using System.Globalization;
using Samsa.Broker.Mini.Configs;
using Samsa.Broker.Mini.Storage;
using Samsa.Protocol.Compression;
using Samsa.Protocol.Records;

namespace Samsa.Broker.Mini.Cluster;

/// <summary>A topic's effective configs, parsed once whenever any config layer changes.</summary>
internal sealed record TopicConfig(
    bool Compact, bool Delete, string CompressionType, long DeleteRetentionMs, int MaxMessageBytes,
    TimestampType TimestampType, long TimestampBeforeMaxMs, long TimestampAfterMaxMs, int MinInsyncReplicas,
    LogLimits Limits)
{
    /// <summary>Parses the effective values that <paramref name="value"/> resolves by name.</summary>
    public static TopicConfig From(Func<string, string> value)
    {
        long L(string name) => long.Parse(value(name), NumberStyles.Integer, CultureInfo.InvariantCulture);
        var policy = ConfigDef.SplitList(value(TopicConfigs.CleanupPolicy));
        return new TopicConfig(
            policy.Contains("compact"), policy.Contains("delete"), value(TopicConfigs.CompressionType),
            L(TopicConfigs.DeleteRetentionMs), (int)L(TopicConfigs.MaxMessageBytes),
            value(TopicConfigs.MessageTimestampType) == "LogAppendTime" ? TimestampType.LogAppendTime : TimestampType.CreateTime,
            L(TopicConfigs.MessageTimestampBeforeMaxMs), L(TopicConfigs.MessageTimestampAfterMaxMs), (int)L(TopicConfigs.MinInsyncReplicas),
            new LogLimits((int)L(TopicConfigs.SegmentBytes), L(TopicConfigs.SegmentMs), L(TopicConfigs.RetentionMs), L(TopicConfigs.RetentionBytes),
                (int)L(TopicConfigs.IndexIntervalBytes), (int)L(TopicConfigs.SegmentIndexBytes)));
    }

    /// <summary>The codec the broker must store batches with, or null to keep the producer's.</summary>
    public CompressionType? TargetCompression => CompressionType switch
    {
        "uncompressed" => Protocol.Compression.CompressionType.None,
        "gzip" => Protocol.Compression.CompressionType.Gzip,
        "snappy" => Protocol.Compression.CompressionType.Snappy,
        "lz4" => Protocol.Compression.CompressionType.Lz4,
        "zstd" => Protocol.Compression.CompressionType.Zstd,
        _ => null,
    };
}
