using Samsa.Client;
using Samsa.Protocol;
using Samsa.Protocol.Messages;

namespace Samsa.Producer.Internal;

internal sealed partial class TransactionManager
{
    private bool _offsetsAdded;

    /// <summary>InitProducerId with the transactional id, retrying coordinator errors and CONCURRENT_TRANSACTIONS.</summary>
    private async Task<ProducerIdAndEpoch> InitProducerIdAsync(ProducerIdAndEpoch current, CancellationToken cancellationToken)
    {
        ProducerIdAndEpoch result = default;
        await RunAsync("InitProducerId", async ct =>
        {
            var connection = await cluster.GetCoordinatorConnectionAsync(CoordinatorType.Transaction, _transactionalId, ct).ConfigureAwait(false);
            var request = new InitProducerIdRequest
            {
                TransactionalId = _transactionalId,
                TransactionTimeoutMs = options.TransactionTimeoutMs,
                ProducerId = current.ProducerId,
                ProducerEpoch = current.Epoch,
            };
            var response = await connection.SendAsync(request, ct).ConfigureAwait(false);
            result = new ProducerIdAndEpoch(response.ProducerId, response.ProducerEpoch);
            return (ErrorCode)response.ErrorCode;
        }, CoordinatorType.Transaction, _transactionalId, cancellationToken, abortable: false).ConfigureAwait(false);
        return result;
    }

    /// <summary>
    /// Runs one coordinator request until it succeeds: retriable errors (and a moved coordinator) are retried with
    /// backoff up to <c>max.block.ms</c>; fatal ones make the producer unusable; others make the transaction abortable
    /// (when <paramref name="abortable"/>) and throw.
    /// </summary>
    private async Task RunAsync(string name, Func<CancellationToken, Task<ErrorCode>> attempt, CoordinatorType coordinatorType, string key,
        CancellationToken cancellationToken, bool abortable = true)
    {
        long start = time.GetTimestamp();
        var limit = TimeSpan.FromMilliseconds(options.MaxBlockMs);
        for (int failures = 1; ; failures++)
        {
            ErrorCode error;
            try
            {
                error = await attempt(cancellationToken).ConfigureAwait(false);
            }
            catch (KafkaException e) when (e.IsRetriable)
            {
                error = e.ErrorCode;
                cluster.InvalidateCoordinator(coordinatorType, key);
            }
            if (error == ErrorCode.None)
            {
                if (name == "AddOffsetsToTxn") _offsetsAdded = true;
                return;
            }
            if (error is ErrorCode.NotCoordinator or ErrorCode.CoordinatorNotAvailable) cluster.InvalidateCoordinator(coordinatorType, key);
            if (IsRetriable(error))
            {
                var backoff = TimeSpan.FromMilliseconds(Math.Min(options.RetryBackoffMs * Math.Pow(2, failures - 1), options.RetryBackoffMaxMs));
                if (time.GetElapsedTime(start) + backoff >= limit)
                    throw new KafkaTimeoutException($"{name} did not succeed within max.block.ms ({options.MaxBlockMs} ms); last error {error}.", error);
                Log.TransactionRetry(logger, name, error);
                await Task.Delay(backoff, time, cancellationToken).ConfigureAwait(false);
                continue;
            }
            var failure = KafkaException.FromErrorCode(error, $"{name} for transactional id '{_transactionalId}': {error.Describe()}");
            if (IsFatal(error))
            {
                Fatal(failure);
                throw Wrap(failure, $"{name} failed", fatal: true);
            }
            if (abortable) Abortable(failure);
            throw Wrap(failure, $"{name} failed", fatal: false);
        }
    }

    /// <summary>Errors a transactional request simply retries.</summary>
    internal static bool IsRetriable(ErrorCode error) => error is ErrorCode.CoordinatorLoadInProgress or ErrorCode.CoordinatorNotAvailable
        or ErrorCode.NotCoordinator or ErrorCode.ConcurrentTransactions or ErrorCode.UnknownTopicOrPartition or ErrorCode.RequestTimedOut
        or ErrorCode.NetworkException || (error.IsRetriable() && error is not ErrorCode.OutOfOrderSequenceNumber);

    /// <summary>Errors after which the producer cannot continue (Java's fatal errors).</summary>
    internal static bool IsFatal(ErrorCode error) => error is ErrorCode.ProducerFenced or ErrorCode.InvalidProducerEpoch
        or ErrorCode.TransactionalIdAuthorizationFailed or ErrorCode.ClusterAuthorizationFailed or ErrorCode.UnsupportedVersion
        or ErrorCode.UnsupportedForMessageFormat or ErrorCode.InvalidTransactionTimeout or ErrorCode.InvalidProducerIdMapping
        or ErrorCode.InvalidTxnState or ErrorCode.TransactionalIdNotFound;

    private void Fatal(KafkaException e)
    {
        lock (_gate)
        {
            _lastError = e;
            SetState(TransactionState.FatalError);
        }
    }

    private void Abortable(KafkaException e)
    {
        lock (_gate)
        {
            if (_state == TransactionState.FatalError) return;
            _lastError ??= e;
            if (_state is TransactionState.InTransaction or TransactionState.Committing) SetState(TransactionState.AbortableError);
        }
    }

    private static KafkaTransactionException Wrap(KafkaException? e, string what, bool fatal) =>
        new(e?.ErrorCode ?? ErrorCode.UnknownServerError, $"{what}: {e?.Message ?? "unknown error"}", isFatal: fatal, requiresAbort: !fatal, innerException: e);

    private void Transition(TransactionState from, TransactionState to, TransactionState? alsoFrom = null)
    {
        lock (_gate)
        {
            if (_state == TransactionState.FatalError) throw Wrap(_lastError, "The producer is in a fatal state", fatal: true);
            if (_state != from && _state != alsoFrom) throw new InvalidOperationException($"Invalid transaction transition {_state} -> {to}.");
            SetState(to);
        }
    }

    private void SetState(TransactionState to)
    {
        if (_state == to) return;
        Log.TransactionState(logger, _state.ToString(), to.ToString());
        _state = to;
    }
}
