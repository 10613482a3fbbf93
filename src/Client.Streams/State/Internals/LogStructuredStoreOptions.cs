namespace Samsa.Streams.State.Internals;

/// <summary>Limits and thresholds of <see cref="LogFile"/>.</summary>
internal sealed record LogStructuredStoreOptions
{
    /// <summary>The defaults.</summary>
    public static LogStructuredStoreOptions Default { get; } = new();

    /// <summary>Largest key accepted (and trusted when read back), in bytes.</summary>
    public int MaxKeyBytes { get; init; } = 16 << 20;

    /// <summary>Largest value accepted (and trusted when read back), in bytes.</summary>
    public int MaxValueBytes { get; init; } = 256 << 20;

    /// <summary>Writes are gathered in memory up to this size before they go to the file.</summary>
    public int WriteBufferBytes { get; init; } = 64 << 10;

    /// <summary>Garbage (overwritten values and tombstones) needed before a rewrite is considered.</summary>
    public long CompactionMinGarbageBytes { get; init; } = 4 << 20;

    /// <summary>A rewrite happens when garbage exceeds this share of the file.</summary>
    public double CompactionGarbageRatio { get; init; } = 0.5;
}
