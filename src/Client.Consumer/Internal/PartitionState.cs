namespace Samsa.Consumer.Internal;

/// <summary>
/// What the consumer knows about one assigned partition. Guarded by the consumer's state lock; the application side
/// moves <see cref="Position"/>, the fetcher moves <see cref="FetchPosition"/> ahead of it (prefetch).
/// </summary>
internal sealed class PartitionState
{
    public PartitionState(TopicPartition topicPartition)
    {
        TopicPartition = topicPartition;
    }

    public TopicPartition TopicPartition { get; }

    /// <summary>The offset of the next record the application will see, or <see cref="Offsets.Unset"/> until known.</summary>
    public long Position { get; set; } = Offsets.Unset;

    /// <summary>The leader epoch of the last consumed record (committed with the offset, KIP-320), or -1.</summary>
    public int PositionEpoch { get; set; } = -1;

    /// <summary>The offset the next fetch asks for: the position plus whatever is already buffered.</summary>
    public long FetchPosition { get; set; } = Offsets.Unset;

    /// <summary>Bumped on every seek, reset, pause or reassignment; buffered and in-flight data of older generations is dropped.</summary>
    public int Generation { get; set; }

    /// <summary>Where to reset to when the position is unknown (Beginning or End), or null when none is pending.</summary>
    public long? PendingReset { get; set; }

    /// <summary>True while a ListOffsets for <see cref="PendingReset"/> is in flight.</summary>
    public bool Resetting { get; set; }

    /// <summary>True while the committed offset is being looked up (group consumers).</summary>
    public bool AwaitingCommitted { get; set; }

    /// <summary>Paused by the application: not fetched, nothing returned.</summary>
    public bool Paused { get; set; }

    /// <summary>True while a fetch for this partition is in flight.</summary>
    public bool Fetching { get; set; }

    /// <summary>Bytes fetched and not yet consumed.</summary>
    public long BufferedBytes { get; set; }

    /// <summary>Not fetched before this timestamp (after an error), 0 for none.</summary>
    public long BackoffUntil { get; set; }

    /// <summary>The current leader epoch from metadata, sent as CurrentLeaderEpoch.</summary>
    public int LeaderEpoch { get; set; } = -1;

    /// <summary>The replica to fetch from instead of the leader (KIP-392), or -1.</summary>
    public int PreferredReadReplica { get; set; } = -1;

    /// <summary>When the preferred read replica must be re-learned from the leader.</summary>
    public long PreferredReadReplicaExpiry { get; set; }

    public long HighWatermark { get; set; } = -1;

    public long LastStableOffset { get; set; } = -1;

    public long LogStartOffset { get; set; } = -1;

    /// <summary>An error for the application (OFFSET_OUT_OF_RANGE with auto.offset.reset=none), thrown by the next consume.</summary>
    public Exception? PendingError { get; set; }

    /// <summary>True when the fetcher may ask for this partition now.</summary>
    public bool IsFetchable(long now, long bufferLimitPerPartition) =>
        !Paused && !Fetching && PendingReset is null && !AwaitingCommitted && FetchPosition >= 0 && PendingError is null
        && BackoffUntil <= now && BufferedBytes < bufferLimitPerPartition;

    /// <summary>Moves both positions to <paramref name="offset"/> and invalidates buffered and in-flight data.</summary>
    public void SeekTo(long offset, int epoch = -1)
    {
        Position = offset;
        PositionEpoch = epoch;
        FetchPosition = offset;
        PendingReset = null;
        PendingError = null;
        Generation++;
        BufferedBytes = 0;
    }

    /// <summary>Forgets the position; the fetcher resolves <paramref name="resetTo"/> (Beginning or End) before fetching.</summary>
    public void RequestReset(long resetTo)
    {
        Position = Offsets.Unset;
        FetchPosition = Offsets.Unset;
        PendingReset = resetTo;
        PendingError = null;
        Generation++;
        BufferedBytes = 0;
    }
}
