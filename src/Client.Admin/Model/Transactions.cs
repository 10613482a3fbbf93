namespace Samsa.Admin;

/// <summary>An active producer on a partition.</summary>
public sealed record ProducerState(long ProducerId, int ProducerEpoch, int LastSequence, long LastTimestamp, int CoordinatorEpoch,
    long CurrentTransactionStartOffset);

/// <summary>A transaction as its coordinator describes it.</summary>
/// <param name="TransactionalId">Transactional id.</param>
/// <param name="State">Ongoing, PrepareCommit, CompleteCommit, Empty…</param>
/// <param name="TransactionTimeoutMs">Transaction timeout.</param>
/// <param name="TransactionStartTimeMs">When the current transaction started, or -1.</param>
/// <param name="ProducerId">Producer id.</param>
/// <param name="ProducerEpoch">Producer epoch.</param>
/// <param name="Partitions">Partitions in the transaction.</param>
/// <param name="CoordinatorId">The coordinator's broker id.</param>
public sealed record TransactionDescription(string TransactionalId, string State, int TransactionTimeoutMs, long TransactionStartTimeMs,
    long ProducerId, short ProducerEpoch, IReadOnlyList<TopicPartition> Partitions, int CoordinatorId);

/// <summary>A transaction as ListTransactions reports it.</summary>
public sealed record TransactionListing(string TransactionalId, long ProducerId, string State, int CoordinatorId);

/// <summary>The producer id and bumped epoch after fencing.</summary>
public readonly record struct FencedProducer(long ProducerId, short ProducerEpoch);
