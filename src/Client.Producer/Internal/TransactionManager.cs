using Microsoft.Extensions.Logging;
using Samsa.Client;
using Samsa.Protocol;
using Samsa.Protocol.Messages;

namespace Samsa.Producer.Internal;

/// <summary>The transactional producer's state machine, as in Java's TransactionManager.</summary>
internal enum TransactionState
{
    Uninitialized,
    Initializing,
    Ready,
    InTransaction,
    Committing,
    Aborting,
    AbortableError,
    FatalError,
}

/// <summary>
/// Runs the transaction protocol against the transaction coordinator: InitProducerId (fencing), AddPartitionsToTxn
/// (before the first batch of a partition is sent, issued by the sender), AddOffsetsToTxn + TxnOffsetCommit, EndTxn.
/// Errors are classified like Java's: fatal (fenced, unauthorized, unsupported, invalid config: the producer is unusable),
/// abortable (anything else inside a transaction: abort, then continue) and retriable (coordinator moving or loading,
/// concurrent transactions: retried here with backoff).
/// </summary>
internal sealed partial class TransactionManager(ProducerOptions options, KafkaCluster cluster, ILogger logger, TimeProvider time)
{
    private readonly string _transactionalId = options.TransactionalId!;
    private readonly Lock _gate = new();
    private TransactionState _state = TransactionState.Uninitialized;
    private KafkaException? _lastError;
    private readonly HashSet<TopicPartition> _partitions = [];

    /// <summary>Producer id and epoch from InitTransactions, or none.</summary>
    public ProducerIdAndEpoch Identity { get; private set; } = ProducerIdAndEpoch.None;

    public TransactionState State
    {
        get
        {
            lock (_gate) return _state;
        }
    }

    /// <summary>True when the open transaction can only be aborted (a batch failed); the sender stops retrying.</summary>
    public bool HasAbortableError => State is TransactionState.AbortableError or TransactionState.FatalError;

    /// <summary>Throws unless records may be produced now (inside a transaction).</summary>
    public void EnsureCanProduce()
    {
        lock (_gate)
        {
            switch (_state)
            {
                case TransactionState.InTransaction:
                    return;
                case TransactionState.AbortableError or TransactionState.FatalError:
                    throw Wrap(_lastError, "Cannot produce: the transaction failed and must be aborted", _state == TransactionState.FatalError);
                default:
                    throw new InvalidOperationException($"Cannot produce in transaction state {_state}; call BeginTransaction first.");
            }
        }
    }

    public async Task InitAsync(CancellationToken cancellationToken)
    {
        Transition(TransactionState.Uninitialized, TransactionState.Initializing, alsoFrom: TransactionState.Initializing);
        try
        {
            var id = await InitProducerIdAsync(ProducerIdAndEpoch.None, cancellationToken).ConfigureAwait(false);
            lock (_gate)
            {
                Identity = id;
                SetState(TransactionState.Ready);
            }
        }
        catch (KafkaException e)
        {
            Fatal(e);
            throw Wrap(e, "InitTransactions failed", fatal: true);
        }
    }

    public void Begin() => Transition(TransactionState.Ready, TransactionState.InTransaction);

    /// <summary>
    /// Called by the sender before draining: adds partitions that have batches but are not yet in the transaction.
    /// Retriable errors leave them for the next pass; others make the transaction abortable or the producer fatal.
    /// </summary>
    public async ValueTask AddPartitionsIfNeededAsync(List<PartitionQueue> queues, CancellationToken cancellationToken)
    {
        if (queues.Count == 0 || State != TransactionState.InTransaction && State != TransactionState.Committing) return;
        var id = Identity;
        var request = new AddPartitionsToTxnRequest
        {
            V3AndBelowTransactionalId = _transactionalId,
            V3AndBelowProducerId = id.ProducerId,
            V3AndBelowProducerEpoch = id.Epoch,
            V3AndBelowTopics = queues.GroupBy(q => q.TopicName).Select(g => new AddPartitionsToTxnRequest.AddPartitionsToTxnTopic
            {
                Name = g.Key,
                Partitions = g.Select(q => q.Partition).Distinct().ToList(),
            }).ToList(),
        };
        AddPartitionsToTxnResponse response;
        try
        {
            var connection = await cluster.GetCoordinatorConnectionAsync(CoordinatorType.Transaction, _transactionalId, cancellationToken).ConfigureAwait(false);
            short version = connection.ApiVersions!.Select(ApiKey.AddPartitionsToTxn, 3);
            response = await connection.SendAsync(request, version, null, cancellationToken).ConfigureAwait(false);
        }
        catch (KafkaException e) when (e.IsRetriable)
        {
            cluster.InvalidateCoordinator(CoordinatorType.Transaction, _transactionalId);
            return;
        }
        var worst = ErrorCode.None;
        foreach (var topic in response.ResultsByTopicV3AndBelow)
        {
            foreach (var p in topic.ResultsByPartition)
            {
                var error = (ErrorCode)p.PartitionErrorCode;
                if (error == ErrorCode.None)
                {
                    foreach (var q in queues)
                    {
                        if (q.TopicName == topic.Name && q.Partition == p.PartitionIndex)
                        {
                            lock (q.Gate) q.InTransaction = true;
                        }
                    }
                    lock (_gate) _partitions.Add(new TopicPartition(topic.Name, p.PartitionIndex));
                }
                else if (error != ErrorCode.OperationNotAttempted && worst == ErrorCode.None) worst = error;
            }
        }
        if (worst == ErrorCode.None) return;
        if (worst is ErrorCode.NotCoordinator or ErrorCode.CoordinatorNotAvailable) cluster.InvalidateCoordinator(CoordinatorType.Transaction, _transactionalId);
        if (IsRetriable(worst))
        {
            Log.TransactionRetry(logger, "AddPartitionsToTxn", worst);
            await Task.Delay(TimeSpan.FromMilliseconds(options.RetryBackoffMs), time, cancellationToken).ConfigureAwait(false);
            return;
        }
        var failure = KafkaException.FromErrorCode(worst, $"AddPartitionsToTxn failed: {worst.Describe()}");
        if (IsFatal(worst)) Fatal(failure);
        else Abortable(failure);
    }

    /// <summary>A batch of the transaction failed for good: the transaction can only be aborted.</summary>
    public void OnBatchFailed(Exception exception)
    {
        if (exception is KafkaException { ErrorCode: var code } k && IsFatal(code)) Fatal(k);
        else Abortable(exception as KafkaException ?? new KafkaException(ErrorCode.UnknownServerError, exception.Message, false, exception));
    }

    public async Task SendOffsetsAsync(IReadOnlyList<TopicPartitionOffset> offsets, ConsumerGroupMetadata group, CancellationToken cancellationToken)
    {
        EnsureCanProduce();
        var id = Identity;
        await RunAsync("AddOffsetsToTxn", async ct =>
        {
            var connection = await cluster.GetCoordinatorConnectionAsync(CoordinatorType.Transaction, _transactionalId, ct).ConfigureAwait(false);
            var response = await connection.SendAsync(new AddOffsetsToTxnRequest
            {
                TransactionalId = _transactionalId,
                ProducerId = id.ProducerId,
                ProducerEpoch = id.Epoch,
                GroupId = group.GroupId,
            }, ct).ConfigureAwait(false);
            return (ErrorCode)response.ErrorCode;
        }, CoordinatorType.Transaction, _transactionalId, cancellationToken).ConfigureAwait(false);
        await RunAsync("TxnOffsetCommit", async ct =>
        {
            var connection = await cluster.GetCoordinatorConnectionAsync(CoordinatorType.Group, group.GroupId, ct).ConfigureAwait(false);
            var request = new TxnOffsetCommitRequest
            {
                TransactionalId = _transactionalId,
                GroupId = group.GroupId,
                ProducerId = id.ProducerId,
                ProducerEpoch = id.Epoch,
                GenerationId = group.GenerationId,
                MemberId = group.MemberId,
                GroupInstanceId = group.GroupInstanceId,
                Topics = offsets.GroupBy(o => o.Topic).Select(g => new TxnOffsetCommitRequest.TxnOffsetCommitRequestTopic
                {
                    Name = g.Key,
                    Partitions = g.Select(o => new TxnOffsetCommitRequest.TxnOffsetCommitRequestPartition
                    {
                        PartitionIndex = o.Partition,
                        CommittedOffset = o.Offset,
                        CommittedLeaderEpoch = o.LeaderEpoch,
                    }).ToList(),
                }).ToList(),
            };
            var response = await connection.SendAsync(request, ct).ConfigureAwait(false);
            foreach (var t in response.Topics)
            {
                foreach (var p in t.Partitions)
                {
                    if (p.ErrorCode != 0) return (ErrorCode)p.ErrorCode;
                }
            }
            return ErrorCode.None;
        }, CoordinatorType.Group, group.GroupId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Moves to Committing (the producer flushes next) or throws if the transaction failed.</summary>
    public void BeginCommit()
    {
        lock (_gate)
        {
            if (_state is TransactionState.AbortableError or TransactionState.FatalError)
                throw Wrap(_lastError, "Cannot commit: the transaction failed and must be aborted", _state == TransactionState.FatalError);
            if (_state != TransactionState.InTransaction && _state != TransactionState.Committing)
                throw new InvalidOperationException($"Cannot commit in transaction state {_state}.");
            SetState(TransactionState.Committing);
        }
    }

    /// <summary>Moves to Aborting (the producer drops unsent batches and waits for in-flight ones next).</summary>
    public void BeginAbort()
    {
        lock (_gate)
        {
            if (_state == TransactionState.FatalError) throw Wrap(_lastError, "Cannot abort: the producer is in a fatal state", fatal: true);
            if (_state is not (TransactionState.InTransaction or TransactionState.AbortableError or TransactionState.Aborting or TransactionState.Committing))
                throw new InvalidOperationException($"Cannot abort in transaction state {_state}.");
            SetState(TransactionState.Aborting);
        }
    }

    /// <summary>EndTxn; on success the producer is Ready for the next transaction.</summary>
    public async Task EndAsync(bool commit, CancellationToken cancellationToken)
    {
        if (commit && HasAbortableError) throw Wrap(_lastError, "Cannot commit: a record of the transaction failed", State == TransactionState.FatalError);
        bool empty;
        lock (_gate) empty = _partitions.Count == 0 && !_offsetsAdded;
        var id = Identity;
        if (!empty)
        {
            await RunAsync("EndTxn", async ct =>
            {
                var connection = await cluster.GetCoordinatorConnectionAsync(CoordinatorType.Transaction, _transactionalId, ct).ConfigureAwait(false);
                short version = connection.ApiVersions!.Select(ApiKey.EndTxn, 4);
                var response = await connection.SendAsync(new EndTxnRequest
                {
                    TransactionalId = _transactionalId,
                    ProducerId = id.ProducerId,
                    ProducerEpoch = id.Epoch,
                    Committed = commit,
                }, version, null, ct).ConfigureAwait(false);
                return (ErrorCode)response.ErrorCode;
            }, CoordinatorType.Transaction, _transactionalId, cancellationToken, abortable: commit).ConfigureAwait(false);
        }
        lock (_gate)
        {
            _partitions.Clear();
            _offsetsAdded = false;
            _lastError = null;
            SetState(TransactionState.Ready);
        }
    }

    /// <summary>Forgets which partitions were added (after EndTxn), so the sender adds them again next time.</summary>
    public static void ResetPartitionFlags(IEnumerable<TopicState> topics)
    {
        foreach (var topic in topics)
        {
            foreach (var queue in topic.Partitions)
            {
                lock (queue.Gate) queue.InTransaction = false;
            }
        }
    }
}
