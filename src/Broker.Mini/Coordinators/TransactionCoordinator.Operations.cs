using Samsa.Protocol.Records;

namespace Samsa.Broker.Mini.Coordinators;

internal sealed partial class TransactionCoordinator
{
    /// <summary>
    /// InitProducerId for a transactional id (Kafka's handleInitProducerId): a new producer id at epoch 0, else an
    /// epoch bump (a new producer id once the epoch is exhausted). An ongoing transaction of the previous epoch is
    /// aborted with a bumped epoch (fencing its producer) and the caller gets CONCURRENT_TRANSACTIONS, so it retries
    /// and gets the next epoch. With KIP-360's expected producer id and epoch, a mismatch is PRODUCER_FENCED and a
    /// retry of the call that already bumped returns the same answer.
    /// </summary>
    public (ErrorCode Error, long ProducerId, short Epoch) InitProducerId(string transactionalId, int timeoutMs, long expectedProducerId, short expectedEpoch)
    {
        if (timeoutMs <= 0 || timeoutMs > MaxTimeoutMs) return (ErrorCode.InvalidTransactionTimeout, -1, -1);
        var txn = Find(transactionalId);
        if (txn is null)
        {
            txn = new TransactionMetadata(transactionalId) { ProducerId = _cluster.AllocateProducerId(), ProducerEpoch = 0, TimeoutMs = timeoutMs };
            Track(txn);
            Persist(txn);
            return (ErrorCode.None, txn.ProducerId, txn.ProducerEpoch);
        }
        if (txn.IsPreparing) return (ErrorCode.ConcurrentTransactions, -1, -1);
        if (expectedProducerId >= 0)
        {
            bool current = expectedProducerId == txn.ProducerId && expectedEpoch == txn.ProducerEpoch;
            bool retried = expectedEpoch == txn.LastProducerEpoch && txn.State == TxnState.Empty
                && (expectedProducerId == txn.ProducerId || expectedProducerId == txn.PreviousProducerId);
            if (retried) return (ErrorCode.None, txn.ProducerId, txn.ProducerEpoch);
            if (!current) return (ErrorCode.ProducerFenced, -1, -1);
        }
        if (txn.State == TxnState.Ongoing)
        {
            FenceAndAbort(txn);
            return (ErrorCode.ConcurrentTransactions, -1, -1);
        }
        BumpEpoch(txn);
        txn.TimeoutMs = timeoutMs;
        txn.State = TxnState.Empty;
        txn.Partitions.Clear();
        txn.StartTimestamp = -1;
        Persist(txn);
        return (ErrorCode.None, txn.ProducerId, txn.ProducerEpoch);
    }

    /// <summary>Checks the producer id and epoch a client presents against the transaction's (Kafka's order).</summary>
    public (ErrorCode Error, TransactionMetadata? Txn) Validate(string transactionalId, long producerId, short epoch)
    {
        var txn = Find(transactionalId);
        if (txn is null || txn.ProducerId != producerId) return (ErrorCode.InvalidProducerIdMapping, null);
        if (txn.ProducerEpoch != epoch) return (ErrorCode.ProducerFenced, null);
        return (ErrorCode.None, txn);
    }

    /// <summary>AddPartitionsToTxn / AddOffsetsToTxn: adds partitions, starting the transaction (and its timeout) if needed.</summary>
    public ErrorCode AddPartitions(string transactionalId, long producerId, short epoch, IReadOnlyCollection<(string Topic, int Partition)> partitions)
    {
        var (error, txn) = Validate(transactionalId, producerId, epoch);
        if (error != ErrorCode.None) return error;
        if (txn!.IsPreparing) return ErrorCode.ConcurrentTransactions;
        if (txn.State == TxnState.Ongoing && partitions.All(txn.Partitions.Contains)) return ErrorCode.None;
        if (txn.State != TxnState.Ongoing)
        {
            txn.Partitions.Clear();
            txn.State = TxnState.Ongoing;
            txn.StartTimestamp = NowMs;
            ArmTimeout(txn);
        }
        txn.Partitions.UnionWith(partitions);
        TransactionLog.StateChanged(Logger, txn.TransactionalId, txn.ProducerId, txn.ProducerEpoch, txn.State);
        Persist(txn);
        return ErrorCode.None;
    }

    /// <summary>EndTxn: commits or aborts the ongoing transaction; a retry of a completed one succeeds.</summary>
    public ErrorCode EndTransaction(string transactionalId, long producerId, short epoch, bool commit)
    {
        var (error, txn) = Validate(transactionalId, producerId, epoch);
        if (error != ErrorCode.None) return error;
        switch (txn!.State)
        {
            case TxnState.Ongoing:
                txn.State = commit ? TxnState.PrepareCommit : TxnState.PrepareAbort;
                Persist(txn);
                WriteMarkersAndComplete(txn, commit);
                return ErrorCode.None;
            case TxnState.CompleteCommit:
                return commit ? ErrorCode.None : ErrorCode.InvalidTxnState;
            case TxnState.CompleteAbort:
                return commit ? ErrorCode.InvalidTxnState : ErrorCode.None;
            case TxnState.PrepareCommit or TxnState.PrepareAbort or TxnState.PrepareEpochFence:
                return ErrorCode.ConcurrentTransactions;
            default:
                return ErrorCode.InvalidTxnState;
        }
    }

    /// <summary>
    /// Whether a transactional batch of <paramref name="producerId"/> at <paramref name="epoch"/> may be appended to
    /// the partition: its transaction must be ongoing and include the partition (Kafka's produce-side verification).
    /// </summary>
    public ErrorCode VerifyProduce(long producerId, short epoch, string topic, int partition)
    {
        var txn = FindByProducerId(producerId);
        if (txn is null) return ErrorCode.InvalidProducerIdMapping;
        if (epoch < txn.ProducerEpoch) return ErrorCode.InvalidProducerEpoch;
        if (epoch > txn.ProducerEpoch || txn.State != TxnState.Ongoing || !txn.Partitions.Contains((topic, partition)))
            return ErrorCode.InvalidTxnState;
        return ErrorCode.None;
    }

    /// <summary>Bumps the epoch of an ongoing transaction (fencing its producer) and aborts it at the new epoch.</summary>
    private void FenceAndAbort(TransactionMetadata txn)
    {
        BumpEpoch(txn);
        txn.State = TxnState.PrepareAbort;
        Persist(txn);
        WriteMarkersAndComplete(txn, commit: false);
    }

    private void BumpEpoch(TransactionMetadata txn)
    {
        txn.LastProducerEpoch = txn.ProducerEpoch;
        if (txn.IsEpochExhausted)
        {
            _byProducerId.Remove(txn.ProducerId);
            txn.PreviousProducerId = txn.ProducerId;
            txn.ProducerId = _cluster.AllocateProducerId();
            txn.ProducerEpoch = 0;
            _byProducerId[txn.ProducerId] = txn;
        }
        else txn.ProducerEpoch++;
    }

    /// <summary>Writes a COMMIT or ABORT marker to every partition of the transaction, then records the completion.</summary>
    private void WriteMarkersAndComplete(TransactionMetadata txn, bool commit)
    {
        int coordinatorEpoch = PartitionOf(txn.TransactionalId).LeaderEpoch;
        foreach (var (topic, index) in txn.Partitions)
        {
            var partition = _cluster.FindPartition(topic, index);
            if (partition is null) continue;
            long now = NowMs;
            using var builder = new RecordBatchBuilder(128)
            {
                ProducerId = txn.ProducerId,
                ProducerEpoch = txn.ProducerEpoch,
                BaseSequence = -1,
            };
            builder.AppendEndTransactionMarker(now, commit ? ControlRecordType.Commit : ControlRecordType.Abort, coordinatorEpoch);
            byte[] batch = builder.Build().ToArray();
            if (topic == GroupCoordinator.OffsetsTopicName)
            {
                _cluster.AppendCoordinatorRecords(partition, batch, now);
                _cluster.GroupCoordinator.CompleteTransaction(txn.ProducerId, index, commit);
            }
            else _cluster.AppendAsLeader(partition, batch, now);
        }
        txn.TimeoutTimer?.Dispose();
        txn.TimeoutTimer = null;
        txn.State = commit ? TxnState.CompleteCommit : TxnState.CompleteAbort;
        txn.Partitions.Clear();
        txn.StartTimestamp = -1;
        TransactionLog.StateChanged(Logger, txn.TransactionalId, txn.ProducerId, txn.ProducerEpoch, txn.State);
        Persist(txn);
        _cluster.SignalDataArrived();
    }
}
