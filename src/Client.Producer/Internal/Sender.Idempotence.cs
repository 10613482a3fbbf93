using Samsa.Client;
using Samsa.Protocol;
using Samsa.Protocol.Messages;

namespace Samsa.Producer.Internal;

internal sealed partial class Sender
{
    private volatile bool _bumpRequested;

    /// <summary>True while an epoch bump waits for in-flight batches to come back.</summary>
    private bool BumpPending => _bumpRequested;

    /// <summary>Asks for a KIP-360 epoch bump once nothing is in flight (unresolved sequences, lost producer state).</summary>
    private void RequestEpochBump(string reason)
    {
        if (_bumpRequested) return;
        Log.EpochBumpRequested(_logger, reason);
        _bumpRequested = true;
        _signal.Set();
    }

    /// <summary>
    /// Gets a producer id when there is none, and performs a requested epoch bump when no batch is in flight; returns
    /// false while the sender must not send (no id yet, or a bump waiting).
    /// </summary>
    private async ValueTask<bool> EnsureProducerIdAsync(CancellationToken cancellationToken)
    {
        if (_transactions is not null)
        {
            // The transaction manager owns the identity (InitTransactions); the sender waits for it.
            var id = _transactions.Identity;
            if (!id.IsValid) return false;
            if (id != ProducerIdentity) ResetSequences(id);
            return true;
        }
        if (ProducerIdentity.IsValid && !_bumpRequested) return true;
        if (_bumpRequested && Volatile.Read(ref _inFlightBatches) > 0) return false;
        var current = ProducerIdentity;
        var request = new InitProducerIdRequest { TransactionalId = null, TransactionTimeoutMs = int.MaxValue, ProducerId = -1, ProducerEpoch = -1 };
        var connection = await _cluster.GetAnyConnectionAsync(cancellationToken).ConfigureAwait(false);
        short version = connection.SelectVersion(request);
        if (current.IsValid && version >= 3)
        {
            request.ProducerId = current.ProducerId;
            request.ProducerEpoch = current.Epoch;
        }
        InitProducerIdResponse response;
        try
        {
            response = await connection.SendAsync(request, version, null, cancellationToken).ConfigureAwait(false);
        }
        catch (KafkaException e) when (e.IsRetriable)
        {
            Log.InitProducerIdFailed(_logger, e.ErrorCode);
            return false;
        }
        var error = (ErrorCode)response.ErrorCode;
        if (error != ErrorCode.None)
        {
            Log.InitProducerIdFailed(_logger, error);
            if (!error.IsRetriable()) FailAll(KafkaException.FromErrorCode(error, $"InitProducerId failed: {error.Describe()}"));
            return false;
        }
        var next = new ProducerIdAndEpoch(response.ProducerId, response.ProducerEpoch);
        Log.ProducerIdAssigned(_logger, next.ProducerId, next.Epoch);
        ResetSequences(next);
        _bumpRequested = false;
        return true;
    }

    /// <summary>Adopts a new identity: every partition starts again at sequence 0 and queued retries are re-sequenced in order.</summary>
    private void ResetSequences(ProducerIdAndEpoch id)
    {
        ProducerIdentity = id;
        foreach (var topic in _topics.All)
        {
            foreach (var queue in topic.Partitions)
            {
                lock (queue.Gate)
                {
                    queue.NextSequence = 0;
                    queue.LastAckedSequence = -1;
                    foreach (var batch in queue)
                    {
                        if (batch.BaseSequence < 0) continue;
                        batch.BaseSequence = queue.NextSequence;
                        batch.ProducerId = id.ProducerId;
                        batch.ProducerEpoch = id.Epoch;
                        batch.InvalidateEncoding();
                        queue.NextSequence += batch.Count;
                    }
                }
            }
        }
    }

    /// <summary>
    /// A batch with sequences [start, start+count) failed without being written: later batches of the partition
    /// (queued or in flight) move down by <paramref name="count"/>, as Java's adjustSequencesDueToFailedBatch does.
    /// In-flight ones come back with OUT_OF_ORDER_SEQUENCE_NUMBER and are resent with their new numbers. Caller holds the gate.
    /// </summary>
    private static void AdjustSequencesAfter(PartitionQueue queue, int sequence, int count)
    {
        foreach (var batch in queue)
        {
            if (batch.BaseSequence > sequence)
            {
                batch.BaseSequence -= count;
                batch.InvalidateEncoding();
            }
        }
        foreach (var batch in queue.InFlightBatches)
        {
            if (batch.BaseSequence > sequence)
            {
                batch.BaseSequence -= count;
                batch.InvalidateEncoding();
            }
        }
        queue.NextSequence -= count;
    }

    /// <summary>
    /// OUT_OF_ORDER_SEQUENCE_NUMBER or UNKNOWN_PRODUCER_ID. When the batch is not the next one the broker expects, an
    /// earlier batch is being retried (or was dropped): retry in order. When it is, the broker lost our state: bump the
    /// epoch (KIP-360) and retry the batch under the new epoch. Transactional producers get an abortable error instead.
    /// </summary>
    private void HandleSequenceError(ProducerBatch batch, ErrorCode error, string message)
    {
        var queue = batch.Queue;
        bool expected;
        lock (queue.Gate) expected = !batch.Encoded.IsEmpty && (batch.BaseSequence == queue.LastAckedSequence + 1 || error == ErrorCode.UnknownProducerId);
        var exception = KafkaException.FromErrorCode(error, $"{queue.TopicName}-{queue.Partition}: {message}");
        if (!expected)
        {
            OnBatchError(batch, error, new KafkaException(error, exception.Message, isRetriable: true), retriable: true, PersistenceStatus.NotPersisted);
            return;
        }
        if (_transactions is not null)
        {
            OnBatchError(batch, error, exception, retriable: false, PersistenceStatus.NotPersisted);
            return;
        }
        lock (queue.Gate) RequestEpochBump($"{error} on {queue.TopicName}-{queue.Partition}");
        OnBatchError(batch, error, new KafkaException(error, exception.Message, isRetriable: true), retriable: true, PersistenceStatus.NotPersisted);
    }
}
