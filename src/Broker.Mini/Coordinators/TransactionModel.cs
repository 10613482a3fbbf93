namespace Samsa.Broker.Mini.Coordinators;

/// <summary>
/// Kafka's transaction states; the numeric values are the ones Kafka writes to <c>__transaction_state</c> and the
/// names are what DescribeTransactions and ListTransactions report.
/// </summary>
internal enum TxnState : sbyte
{
    Empty = 0,
    Ongoing = 1,
    PrepareCommit = 2,
    PrepareAbort = 3,
    CompleteCommit = 4,
    CompleteAbort = 5,
    Dead = 6,
    PrepareEpochFence = 7,
}

/// <summary>The coordinator's view of one transactional id.</summary>
internal sealed class TransactionMetadata(string transactionalId)
{
    public string TransactionalId { get; } = transactionalId;

    public long ProducerId { get; set; } = -1;

    /// <summary>The producer id before the last epoch exhaustion, so a retried InitProducerId is recognised.</summary>
    public long PreviousProducerId { get; set; } = -1;

    public short ProducerEpoch { get; set; } = -1;

    /// <summary>The epoch before the last bump (-1 when none), so a retried InitProducerId is recognised.</summary>
    public short LastProducerEpoch { get; set; } = -1;

    public int TimeoutMs { get; set; }

    public TxnState State { get; set; } = TxnState.Empty;

    /// <summary>Partitions in the ongoing transaction (ordered, for stable responses and records).</summary>
    public SortedSet<(string Topic, int Partition)> Partitions { get; } = new();

    /// <summary>When the ongoing transaction started (Unix ms), or -1.</summary>
    public long StartTimestamp { get; set; } = -1;

    public long LastUpdateTimestamp { get; set; } = -1;

    /// <summary>Fires when the ongoing transaction reaches its timeout.</summary>
    public ITimer? TimeoutTimer { get; set; }

    public bool IsPreparing => State is TxnState.PrepareCommit or TxnState.PrepareAbort or TxnState.PrepareEpochFence;

    /// <summary>Whether the epoch is used up, so the next bump needs a new producer id (Kafka: epoch ≥ Short.MaxValue - 1).</summary>
    public bool IsEpochExhausted => ProducerEpoch >= short.MaxValue - 1;
}
