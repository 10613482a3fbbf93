using System.Runtime.CompilerServices;
using Samsa.Client;
using Samsa.Protocol;
using Samsa.Protocol.Records;

namespace Samsa.Producer.Internal;

internal sealed partial class Sender
{
    private void HandleResponse(List<ProducerBatch> batches, ReadOnlySpan<PartitionAck> acks, bool hasResponse, Exception? failure)
    {
        for (int i = 0; i < batches.Count; i++)
        {
            var batch = batches[i];
            if (failure is not null)
            {
                var error = failure is KafkaException k ? k.ErrorCode : ErrorCode.NetworkException;
                bool retriable = failure is KafkaException k2 ? k2.IsRetriable : failure is not OperationCanceledException;
                OnBatchError(batch, error, failure, retriable, PersistenceStatus.PossiblyPersisted);
                continue;
            }
            if (!hasResponse)
            {
                // acks=0: no response; offsets are unknown.
                Succeed(batch, -1, -1);
                continue;
            }
            if (!acks[i].Found)
            {
                OnBatchError(batch, ErrorCode.UnknownServerError, new KafkaException(ErrorCode.UnknownServerError, "The produce response did not mention the partition."), true, PersistenceStatus.PossiblyPersisted);
                continue;
            }
            HandlePartition(batch, in acks[i]);
        }
    }

    private void HandlePartition(ProducerBatch batch, in PartitionAck result)
    {
        var error = (ErrorCode)result.ErrorCode;
        switch (error)
        {
            case ErrorCode.None:
                Succeed(batch, result.BaseOffset, result.LogAppendTimeMs);
                return;
            case ErrorCode.DuplicateSequenceNumber:
                // The broker already has this batch (an earlier attempt was written): success, as the Java client treats it.
                Succeed(batch, result.BaseOffset, result.LogAppendTimeMs);
                return;
            case ErrorCode.MessageTooLarge or ErrorCode.RecordListTooLarge when batch.Count > 1:
                Split(batch, excluded: null, error);
                return;
            case ErrorCode.InvalidRecord when result.RecordErrors is { } recordErrors && recordErrors.Count < batch.Count:
                var bad = new Dictionary<int, string?>();
                foreach (var e in recordErrors) bad[e.BatchIndex] = e.BatchIndexErrorMessage;
                Split(batch, bad, error, result.ErrorMessage);
                return;
        }
        string message = result.ErrorMessage ?? error.Describe();
        if (error is ErrorCode.OutOfOrderSequenceNumber or ErrorCode.UnknownProducerId && _idempotent)
        {
            HandleSequenceError(batch, error, message);
            return;
        }
        _cluster.HandleError(error);
        var exception = KafkaException.FromErrorCode(error, $"{batch.Queue.TopicName}-{batch.Queue.Partition}: {message}");
        OnBatchError(batch, error, exception, error.IsRetriable(), PersistenceStatus.NotPersisted);
    }

    /// <summary>A batch failed: retry it (in order) while retries and delivery.timeout.ms allow, else fail its records.</summary>
    private void OnBatchError(ProducerBatch batch, ErrorCode error, Exception exception, bool retriable, PersistenceStatus status)
    {
        long now = _time.GetTimestamp();
        bool canRetry = retriable && batch.Attempts <= _options.Retries && now - batch.CreatedTimestamp < _deliveryTimeoutTicks && !_forceStop.IsCancellationRequested;
        if (_transactions is not null && _transactions.HasAbortableError) canRetry = false;
        if (canRetry)
        {
            _metrics.RecordRetries(batch.Count);
            Log.RetryingBatch(_logger, batch.Queue.TopicName, batch.Queue.Partition, error, batch.Attempts);
            _cluster.HandleError(error);
            var backoff = Backoff(batch.Attempts);
            batch.RetryAfterTimestamp = now + backoff;
            lock (batch.Queue.Gate)
            {
                batch.Queue.RemoveInFlight(batch);
                batch.Queue.Reenqueue(batch);
            }
            return;
        }
        bool written = status != PersistenceStatus.NotPersisted;
        lock (batch.Queue.Gate)
        {
            batch.Queue.RemoveInFlight(batch);
            if (_idempotent && batch.BaseSequence >= 0)
            {
                if (written) RequestEpochBump("a batch in doubt failed");
                else AdjustSequencesAfter(batch.Queue, batch.BaseSequence, batch.Count);
            }
        }
        _transactions?.OnBatchFailed(exception);
        Fail(batch, exception, status);
    }

    private long Backoff(int attempts)
    {
        double ms = Math.Min(_options.RetryBackoffMs * Math.Pow(2, Math.Max(attempts - 1, 0)), _options.RetryBackoffMaxMs);
        ms *= 0.8 + Random.Shared.NextDouble() * 0.4;
        return MsToTicks((long)ms);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Succeed(ProducerBatch batch, long baseOffset, long logAppendTime)
    {
        lock (batch.Queue.Gate)
        {
            batch.Queue.RemoveInFlight(batch);
            if (batch.BaseSequence >= 0)
            {
                int last = batch.BaseSequence + batch.Count - 1;
                if (last > batch.Queue.LastAckedSequence || batch.Queue.LastAckedSequence < 0) batch.Queue.LastAckedSequence = last;
            }
        }
        _sink.DeliverAll(batch.Records, batch.Queue.TopicName, batch.Queue.Partition, baseOffset, logAppendTime, null,
            _acks == 0 ? PersistenceStatus.PossiblyPersisted : PersistenceStatus.Persisted, _logger);
        _metrics.RecordsSent(batch.Count);
        _accumulator.Complete(batch);
    }

    private void Fail(ProducerBatch batch, Exception exception, PersistenceStatus status)
    {
        _sink.DeliverAll(batch.Records, batch.Queue.TopicName, batch.Queue.Partition, -1, -1, exception, status, _logger);
        _metrics.RecordErrors(batch.Count);
        _accumulator.Complete(batch);
    }

    private void DeliverSafely(ref RecordMeta meta, string topic, int partition, long offset, long timestamp, Exception? error, PersistenceStatus status)
    {
        try
        {
            _sink.Deliver(ref meta, topic, partition, offset, timestamp, error, status);
        }
        catch (Exception e)
        {
            Log.DeliveryHandlerFailed(_logger, e);
        }
    }

    private void ExpireBatches(List<ProducerBatch> expired)
    {
        foreach (var batch in expired)
        {
            var exception = new KafkaTimeoutException(
                $"Expiring {batch.Count} record(s) for {batch.Queue.TopicName}-{batch.Queue.Partition}: delivery.timeout.ms ({_options.DeliveryTimeoutMs} ms) has passed since batch creation.");
            if (_idempotent && batch.BaseSequence >= 0)
            {
                lock (batch.Queue.Gate) RequestEpochBump("an unacknowledged batch expired");
            }
            _transactions?.OnBatchFailed(exception);
            Fail(batch, exception, batch.Attempts > 0 ? PersistenceStatus.PossiblyPersisted : PersistenceStatus.NotPersisted);
        }
    }

    /// <summary>Fails every batch still queued (close after the timeout, or abort).</summary>
    internal void FailAll(Exception exception)
    {
        foreach (var topic in _topics.All)
        {
            foreach (var queue in topic.Partitions)
            {
                List<ProducerBatch> batches;
                lock (queue.Gate) batches = queue.DrainAll();
                foreach (var batch in batches) Fail(batch, exception, PersistenceStatus.NotPersisted);
            }
        }
    }

    /// <summary>
    /// Re-encodes the records of a rejected batch into smaller batches (MESSAGE_TOO_LARGE: about half <c>batch.size</c>
    /// each; INVALID_RECORD: everything but the rejected records, which fail individually) and puts them back at the
    /// front of the partition, taking over the batch's sequence range.
    /// </summary>
    private void Split(ProducerBatch batch, Dictionary<int, string?>? excluded, ErrorCode error, string? batchMessage = null)
    {
        var queue = batch.Queue;
        int target = excluded is null ? Math.Max(batch.SizeInBytes / 2, 1) : int.MaxValue;
        var parts = new List<ProducerBatch>();
        var records = batch.Records;
        ProducerBatch? current = null;
        int index = 0;
        // Re-read the records from an uncompressed copy of the batch.
        var saved = batch.Builder.Compression;
        batch.Builder.Compression = Protocol.Compression.CompressionType.None;
        var raw = batch.Builder.Build().ToArray();
        batch.Builder.Compression = saved;
        using (var reader = new RecordBatchReader(raw, verifyCrc: false))
        {
            while (reader.MoveNextBatch())
            {
                foreach (var record in reader.GetRecords())
                {
                    int i = index++;
                    if (excluded is not null && excluded.TryGetValue(i, out string? why))
                    {
                        var e = new KafkaException(error, $"{queue.TopicName}-{queue.Partition}: record {i} was rejected: {why ?? batchMessage ?? error.Describe()}");
                        DeliverSafely(ref records[i], queue.TopicName, queue.Partition, -1, records[i].Timestamp, e, PersistenceStatus.NotPersisted);
                        _metrics.RecordErrors(1);
                        continue;
                    }
                    if (current is null || (current.Count > 0 && current.SizeInBytes + record.Key.Length + record.Value.Length + RecordAccumulator.RecordOverhead > target))
                    {
                        current = _accumulator.NewBatch(queue, batch.CreatedTimestamp);
                        current.Attempts = batch.Attempts;
                        parts.Add(current);
                    }
                    var headers = new RecordHeader[record.Headers.Count];
                    int h = 0;
                    foreach (var header in record.Headers) headers[h++] = new RecordHeader(header.GetKey(), header.Value.ToArray(), header.IsValueNull);
                    current.Builder.Append(record.Timestamp, record.Key.Span, record.IsKeyNull, record.Value.Span, record.IsValueNull, headers);
                    current.AddMeta(records[i]);
                }
            }
        }
        int removed = excluded?.Count ?? 0;
        lock (queue.Gate)
        {
            queue.RemoveInFlight(batch);
            int sequence = batch.BaseSequence;
            foreach (var part in parts)
            {
                if (sequence >= 0)
                {
                    part.BaseSequence = sequence;
                    part.ProducerId = batch.ProducerId;
                    part.ProducerEpoch = batch.ProducerEpoch;
                    sequence += part.Count;
                }
            }
            if (batch.BaseSequence >= 0 && removed > 0) AdjustSequencesAfter(queue, batch.BaseSequence + batch.Count - 1, removed);
        }
        if (parts.Count > 0) parts[0].ReservedBytes = batch.ReservedBytes;
        batch.ReservedBytes = 0;
        for (int p = 0; p < parts.Count; p++) _accumulator.Reenqueue(parts[p], isNew: p > 0);
        // The first part takes over the old batch's place in the incomplete count; the old batch only returns its builder.
        if (parts.Count == 0) _accumulator.Complete(batch);
        else _accumulator.Recycle(batch);
    }
}
