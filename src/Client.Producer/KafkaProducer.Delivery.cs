using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Samsa.Client;
using Samsa.Producer.Internal;
using Samsa.Protocol;
using Samsa.Serialization;

namespace Samsa.Producer;

public sealed partial class KafkaProducer<TKey, TValue>
{
    /// <inheritdoc />
    public Task<DeliveryResult<TKey, TValue>> ProduceAsync(string topic, Message<TKey, TValue> message, CancellationToken cancellationToken = default) =>
        ProduceAsyncCore(topic, message.Partition ?? -1, message, cancellationToken);

    /// <inheritdoc />
    public Task<DeliveryResult<TKey, TValue>> ProduceAsync(TopicPartition topicPartition, Message<TKey, TValue> message, CancellationToken cancellationToken = default) =>
        ProduceAsyncCore(topicPartition.Topic, topicPartition.Partition, message, cancellationToken);

    private async Task<DeliveryResult<TKey, TValue>> ProduceAsyncCore(string topic, int explicitPartition, Message<TKey, TValue> message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(topic);
        ArgumentNullException.ThrowIfNull(message);
        ThrowIfDisposed();
        _transactions?.EnsureCanProduce();
        var state = TopicFor(topic);
        if (state.Partitions.Length == 0 || state.Error is not null) await WaitForMetadataAsync(state, cancellationToken).ConfigureAwait(false);
        var headers = message.Headers;
        var activity = ProducerDiagnostics.StartPublish(topic, ref headers, _options.ClientId);
        if (activity is not null) message.Headers = headers;
        long timestamp = message.Timestamp.IsDefault ? _time.GetUtcNow().ToUnixTimeMilliseconds() : message.Timestamp.UnixTimestampMs;
        var completion = new TaskCompletionSource<DeliveryResult<TKey, TValue>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var meta = new RecordMeta { Handler = completion, Message = message, Timestamp = timestamp, Activity = activity };
        byte[]? keyBytes = null, valueBytes = null;
        bool keyIsNull, valueIsNull;
        try
        {
            if (_asyncKeySerializer is not null)
            {
                keyBytes = await _asyncKeySerializer.SerializeAsync(message.Key, new SerializationContext(topic, MessageComponent.Key, headers), cancellationToken).ConfigureAwait(false);
                keyIsNull = keyBytes is null;
            }
            else
            {
                var w = new System.Buffers.ArrayBufferWriter<byte>();
                keyIsNull = !_keySerializer!.Serialize(message.Key, w, new SerializationContext(topic, MessageComponent.Key, headers));
                keyBytes = w.WrittenSpan.ToArray();
            }
            if (_asyncValueSerializer is not null)
            {
                valueBytes = await _asyncValueSerializer.SerializeAsync(message.Value, new SerializationContext(topic, MessageComponent.Value, headers), cancellationToken).ConfigureAwait(false);
                valueIsNull = valueBytes is null;
            }
            else
            {
                var w = new System.Buffers.ArrayBufferWriter<byte>();
                valueIsNull = !_valueSerializer!.Serialize(message.Value, w, new SerializationContext(topic, MessageComponent.Value, headers));
                valueBytes = w.WrittenSpan.ToArray();
            }
        }
        catch (Exception e) when (e is not SerializationException and not OperationCanceledException)
        {
            activity?.Stop();
            throw new SerializationException($"Serializing the record for '{topic}' failed: {e.Message}", e);
        }
        await AppendAsync(state, explicitPartition, timestamp, keyBytes, keyIsNull, valueBytes, valueIsNull, headers, meta, cancellationToken).ConfigureAwait(false);
        return await completion.Task.ConfigureAwait(false);
    }

    /// <summary>The async append: tries without waiting, else reserves buffer space asynchronously and appends with it.</summary>
    private async ValueTask AppendAsync(TopicState state, int explicitPartition, long timestamp, byte[]? key, bool keyIsNull, byte[]? value,
        bool valueIsNull, Headers? headers, RecordMeta meta, CancellationToken cancellationToken)
    {
        long start = _time.GetTimestamp();
        int reserved = 0;
        while (true)
        {
            int need = TryAppendArrays(state, explicitPartition, timestamp, key, keyIsNull, value, valueIsNull, headers, meta, ref reserved);
            if (need == 0) return;
            var left = _maxBlock - _time.GetElapsedTime(start);
            try
            {
                await _accumulator.Pool.ReserveAsync(need, left < TimeSpan.Zero ? TimeSpan.Zero : left, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                meta.Activity?.Stop();
                throw;
            }
            reserved = need;
        }
    }

    /// <summary>Appends from arrays without blocking; returns the bytes to reserve first, or 0 when appended.</summary>
    private int TryAppendArrays(TopicState state, int explicitPartition, long timestamp, byte[]? key, bool keyIsNull, byte[]? value,
        bool valueIsNull, Headers? headers, RecordMeta meta, ref int reserved) =>
        Append(state, explicitPartition, timestamp, key, keyIsNull, value, valueIsNull, headers, ref meta, ref reserved, block: false);

    /// <inheritdoc />
    public int Flush(TimeSpan timeout)
    {
        ThrowIfDisposed();
        _sender.BeginFlush();
        try
        {
            long start = _time.GetTimestamp();
            lock (_flushGate)
            {
                while (_accumulator.IncompleteBatches > 0)
                {
                    var left = timeout == Timeout.InfiniteTimeSpan ? Timeout.InfiniteTimeSpan : timeout - _time.GetElapsedTime(start);
                    if (left != Timeout.InfiniteTimeSpan && left <= TimeSpan.Zero) break;
                    Monitor.Wait(_flushGate, left);
                }
            }
            return _accumulator.IncompleteBatches;
        }
        finally
        {
            _sender.EndFlush();
        }
    }

    /// <inheritdoc />
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        _sender.BeginFlush();
        try
        {
            while (true)
            {
                TaskCompletionSource waiter;
                lock (_flushGate)
                {
                    if (_accumulator.IncompleteBatches == 0) return;
                    waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    _flushWaiters.Add(waiter);
                }
                await waiter.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _sender.EndFlush();
        }
    }

    private void OnAllComplete()
    {
        lock (_flushGate)
        {
            Monitor.PulseAll(_flushGate);
            foreach (var waiter in _flushWaiters) waiter.TrySetResult();
            _flushWaiters.Clear();
        }
    }

    void IDeliverySink.Deliver(ref RecordMeta meta, string topic, int partition, long offset, long timestamp, Exception? error, PersistenceStatus status) =>
        DeliverOne(ref meta, topic, partition, offset, timestamp, error, status);

    // One interface call per batch rather than per record; compiled fully optimized at once (per-record path).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void IDeliverySink.DeliverAll(Span<RecordMeta> records, string topic, int partition, long baseOffset, long logAppendTime, Exception? error,
        PersistenceStatus status, ILogger logger)
    {
        for (int i = 0; i < records.Length; i++)
        {
            long offset = baseOffset < 0 ? -1 : baseOffset + i;
            long timestamp = logAppendTime >= 0 ? logAppendTime : records[i].Timestamp;
            try
            {
                DeliverOne(ref records[i], topic, partition, offset, timestamp, error, status);
            }
            catch (Exception e)
            {
                Log.DeliveryHandlerFailed(logger, e);
            }
        }
    }

    private void DeliverOne(ref RecordMeta meta, string topic, int partition, long offset, long timestamp, Exception? error, PersistenceStatus status)
    {
        if (meta.Activity is { } activity) ProducerDiagnostics.Stop(activity, partition, offset, error);
        var message = (Message<TKey, TValue>)meta.Message!;
        switch (meta.Handler)
        {
            case Action<DeliveryReport<TKey, TValue>> callback:
                callback(new DeliveryReport<TKey, TValue>(topic, partition, offset, new Timestamp(timestamp), message,
                    error is KafkaException k ? k.ErrorCode : error is null ? ErrorCode.None : ErrorCode.UnknownServerError, error, status));
                break;
            case TaskCompletionSource<DeliveryResult<TKey, TValue>> completion:
                var result = new DeliveryResult<TKey, TValue>
                {
                    Topic = topic,
                    Partition = partition,
                    Offset = offset,
                    Timestamp = new Timestamp(timestamp),
                    Message = message,
                    Status = status,
                };
                if (error is null) completion.TrySetResult(result);
                else
                {
                    var code = error is KafkaException ke ? ke.ErrorCode : ErrorCode.UnknownServerError;
                    completion.TrySetException(new ProduceException<TKey, TValue>(code, error.Message, error is KafkaException { IsRetriable: true }, result, error));
                }
                break;
        }
    }

    /// <summary>Flushes (up to <see cref="ProducerOptions.CloseTimeout"/>), fails what is left, stops the sender and closes connections.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await _sender.CloseAsync(_options.CloseTimeout).ConfigureAwait(false);
        await _sender.DisposeAsync().ConfigureAwait(false);
        _stopping.Cancel();
        if (_ownsCluster) await _cluster.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }
}
