using System.Globalization;
using Microsoft.Extensions.Logging;
using Samsa.Broker.Mini.Cluster;
using Samsa.Protocol.Records;

namespace Samsa.Broker.Mini.Coordinators;

/// <summary>
/// The transaction coordinator of the whole cluster. A transactional id belongs to the <c>__transaction_state</c>
/// partition chosen by Kafka's hash of the id, and that partition's leader coordinates it. Every state change is
/// appended to that partition (see <see cref="TransactionStore"/>) and replayed on start. Markers are written
/// synchronously under the lock (replication is logical, so every partition's log is at hand), so a transaction
/// moves from Prepare* to Complete* within one request. All methods must be called under
/// <see cref="ClusterState.Sync"/>; timeout timers take the lock themselves.
/// </summary>
internal sealed partial class TransactionCoordinator
{
    /// <summary>Kafka's internal topic of transaction metadata.</summary>
    public const string StateTopicName = "__transaction_state";

    private readonly ClusterState _cluster;
    private readonly Dictionary<string, TransactionMetadata> _transactions = new(StringComparer.Ordinal);
    private readonly Dictionary<long, TransactionMetadata> _byProducerId = new();

    public TransactionCoordinator(ClusterState cluster)
    {
        _cluster = cluster;
        Load();
    }

    public ILogger Logger => _cluster.Logger;

    public long NowMs => _cluster.NowMs;

    /// <summary><c>transaction.max.timeout.ms</c> (Kafka default 900000).</summary>
    public int MaxTimeoutMs => _cluster.BrokerInt("transaction.max.timeout.ms");

    public IEnumerable<TransactionMetadata> Transactions => _transactions.Values;

    public TransactionMetadata? Find(string transactionalId) => _transactions.GetValueOrDefault(transactionalId);

    public TransactionMetadata? FindByProducerId(long producerId) => _byProducerId.GetValueOrDefault(producerId);

    /// <summary>Creates <c>__transaction_state</c> (compacted, internal) the first time a coordinator is needed.</summary>
    public TopicState StateTopic()
    {
        if (_cluster.Topics.TryGetValue(StateTopicName, out var topic)) return topic;
        int partitions = _cluster.BrokerInt("transaction.state.log.num.partitions");
        int rf = Math.Max(1, Math.Min(_cluster.BrokerInt("transaction.state.log.replication.factor"), _cluster.AliveBrokerCount));
        var configs = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["cleanup.policy"] = "compact",
            ["compression.type"] = "uncompressed",
            ["segment.bytes"] = "104857600",
        };
        return _cluster.CreateTopic(StateTopicName, _cluster.AssignReplicas(partitions, rf), configs);
    }

    /// <summary>The state partition that holds <paramref name="transactionalId"/> (Kafka's <c>abs(hashCode) % partitions</c>).</summary>
    public PartitionState PartitionOf(string transactionalId)
    {
        var topic = StateTopic();
        return topic.Partitions[GroupCoordinator.PartitionFor(transactionalId, topic.Partitions.Count)];
    }

    /// <summary>The coordinator of a transactional id, or the error a client should see.</summary>
    public (ErrorCode Error, BrokerNode? Broker) CoordinatorOf(string transactionalId)
    {
        var partition = PartitionOf(transactionalId);
        if (partition.Leader < 0 || !_cluster.Brokers[partition.Leader].IsAlive) return (ErrorCode.CoordinatorNotAvailable, null);
        return (ErrorCode.None, _cluster.Brokers[partition.Leader]);
    }

    /// <summary>NOT_COORDINATOR unless <paramref name="brokerId"/> coordinates <paramref name="transactionalId"/>.</summary>
    public ErrorCode CheckCoordinator(string? transactionalId, int brokerId)
    {
        if (string.IsNullOrEmpty(transactionalId)) return ErrorCode.InvalidRequest;
        var (error, broker) = CoordinatorOf(transactionalId);
        if (error != ErrorCode.None) return error;
        return broker!.Id == brokerId ? ErrorCode.None : ErrorCode.NotCoordinator;
    }

    /// <summary>Whether <paramref name="brokerId"/> leads the state partition of <paramref name="txn"/> (ListTransactions).</summary>
    public bool IsCoordinatedBy(TransactionMetadata txn, int brokerId) => PartitionOf(txn.TransactionalId).Leader == brokerId;

    /// <summary>Appends the current state of <paramref name="txn"/> to its state partition.</summary>
    private void Persist(TransactionMetadata txn)
    {
        txn.LastUpdateTimestamp = NowMs;
        var partition = PartitionOf(txn.TransactionalId);
        long now = NowMs;
        byte[] batch = OffsetStore.Batch([(TransactionStore.Key(txn.TransactionalId), TransactionStore.Value(txn))], now);
        _cluster.AppendCoordinatorRecords(partition, batch, now);
        _cluster.SignalDataArrived();
    }

    private void Track(TransactionMetadata txn)
    {
        _transactions[txn.TransactionalId] = txn;
        _byProducerId[txn.ProducerId] = txn;
    }

    /// <summary>Replays <c>__transaction_state</c>, then finishes what a stop interrupted and re-arms timeouts.</summary>
    private void Load()
    {
        if (!_cluster.Topics.TryGetValue(StateTopicName, out var topic)) return;
        foreach (var partition in topic.Partitions)
        {
            foreach (var batch in partition.Log.BatchesFrom(partition.Log.LogStartOffset))
            {
                using var reader = new RecordBatchReader(batch, verifyCrc: false);
                while (reader.MoveNextBatch())
                {
                    if (reader.Header.IsControl) continue;
                    foreach (var record in reader.GetRecords())
                    {
                        if (record.IsKeyNull) continue;
                        var (id, txn) = TransactionStore.Decode(record.Key.Span, record.Value.Span, record.IsValueNull);
                        if (id is null) continue;
                        if (txn is null) _transactions.Remove(id);
                        else _transactions[id] = txn;
                    }
                }
            }
        }
        foreach (var txn in _transactions.Values.ToList())
        {
            _byProducerId[txn.ProducerId] = txn;
            switch (txn.State)
            {
                case TxnState.PrepareCommit:
                    WriteMarkersAndComplete(txn, commit: true);
                    break;
                case TxnState.PrepareAbort or TxnState.PrepareEpochFence:
                    WriteMarkersAndComplete(txn, commit: false);
                    break;
                case TxnState.Ongoing:
                    ArmTimeout(txn);
                    break;
            }
        }
        TransactionLog.Loaded(Logger, _transactions.Count);
    }

    private void ArmTimeout(TransactionMetadata txn)
    {
        txn.TimeoutTimer?.Dispose();
        long start = txn.StartTimestamp;
        short epoch = txn.ProducerEpoch;
        long delay = Math.Max(0, start + txn.TimeoutMs - NowMs);
        txn.TimeoutTimer = _cluster.Time.CreateTimer(_ => OnTimeout(txn, start, epoch), null, TimeSpan.FromMilliseconds(delay), Timeout.InfiniteTimeSpan);
    }

    private void OnTimeout(TransactionMetadata txn, long start, short epoch)
    {
        try
        {
            lock (_cluster.Sync)
            {
                if (!_cluster.Brokers.Any(b => b.IsAlive)) return;
                if (txn.State != TxnState.Ongoing || txn.StartTimestamp != start || txn.ProducerEpoch != epoch) return;
                TransactionLog.TimedOut(Logger, txn.TransactionalId, txn.ProducerId, txn.ProducerEpoch,
                    txn.TimeoutMs.ToString(CultureInfo.InvariantCulture));
                FenceAndAbort(txn);
            }
        }
        catch (Exception ex)
        {
            TransactionLog.TimerFailed(Logger, ex);
        }
    }
}

/// <summary>Source-generated log messages of the transaction coordinator: event ids 1600-1699.</summary>
internal static partial class TransactionLog
{
    [LoggerMessage(1600, LogLevel.Information, "Loaded {Count} transactional id(s) from __transaction_state")]
    public static partial void Loaded(ILogger logger, int count);

    [LoggerMessage(1601, LogLevel.Information, "Transaction {TransactionalId} (producer {ProducerId}, epoch {Epoch}) passed its timeout of {TimeoutMs} ms; aborting")]
    public static partial void TimedOut(ILogger logger, string transactionalId, long producerId, short epoch, string timeoutMs);

    [LoggerMessage(1602, LogLevel.Error, "Transaction coordinator timer failed")]
    public static partial void TimerFailed(ILogger logger, Exception exception);

    [LoggerMessage(1603, LogLevel.Debug, "Transaction {TransactionalId} (producer {ProducerId}, epoch {Epoch}) is now {State}")]
    public static partial void StateChanged(ILogger logger, string transactionalId, long producerId, short epoch, TxnState state);
}
