namespace Samsa.Admin;

/// <summary>Which offset ListOffsets looks up: a special timestamp or a real one.</summary>
/// <param name="Timestamp">-2 earliest, -1 latest, -3 max timestamp, -4 earliest local, -5 latest tiered, else a Unix time in ms.</param>
public readonly record struct OffsetSpec(long Timestamp)
{
    /// <summary>The log start offset.</summary>
    public static OffsetSpec Earliest => new(-2);

    /// <summary>The log end offset (high watermark; last stable offset under read_committed).</summary>
    public static OffsetSpec Latest => new(-1);

    /// <summary>The offset of the record with the largest timestamp (ListOffsets v7+).</summary>
    public static OffsetSpec MaxTimestamp => new(-3);

    /// <summary>The first offset whose timestamp is at or after <paramref name="time"/>.</summary>
    public static OffsetSpec ForTimestamp(DateTimeOffset time) => new(time.ToUnixTimeMilliseconds());
}

/// <summary>Which records ListOffsets considers.</summary>
public enum IsolationLevel : sbyte
{
    /// <summary>All records (offsets up to the high watermark).</summary>
    ReadUncommitted = 0,
    /// <summary>Only committed transactional records (offsets up to the last stable offset).</summary>
    ReadCommitted = 1,
}

/// <summary>An offset ListOffsets found.</summary>
/// <param name="Offset">The offset, or -1 when no record matches a timestamp.</param>
/// <param name="Timestamp">The record's timestamp, or -1.</param>
/// <param name="LeaderEpoch">The leader epoch, or -1.</param>
public sealed record ListedOffset(long Offset, long Timestamp, int LeaderEpoch);
