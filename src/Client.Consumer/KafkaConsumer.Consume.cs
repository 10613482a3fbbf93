using System.Runtime.CompilerServices;
using Samsa.Consumer.Internal;
using Samsa.Protocol.Records;
using Samsa.Serialization;

namespace Samsa.Consumer;

public sealed partial class KafkaConsumer<TKey, TValue>
{
    /// <inheritdoc />
    public ValueTask<ConsumeResult<TKey, TValue>> ConsumeAsync(CancellationToken cancellationToken = default)
    {
        BeforeConsume();
        if (_asyncKeyDeserializer is null && _asyncValueDeserializer is null && TryNext(out var raw))
        {
            try
            {
                var result = Deserialize(raw);
                return new ValueTask<ConsumeResult<TKey, TValue>>(result);
            }
            finally
            {
                FlushPosition();
            }
        }
        return ConsumeSlowAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ConsumeResult<TKey, TValue>> ConsumeAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (true) yield return await ConsumeAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<ConsumeResult<TKey, TValue>>> ConsumeBatchAsync(int maxRecords = 0, CancellationToken cancellationToken = default)
    {
        int max = maxRecords > 0 ? maxRecords : _options.MaxPollRecords;
        var results = new List<ConsumeResult<TKey, TValue>>(Math.Min(max, 64));
        while (true)
        {
            BeforeConsume();
            try
            {
                while (results.Count < max && TryNext(out var raw)) results.Add(await DeserializeAsync(raw, cancellationToken).ConfigureAwait(false));
            }
            finally
            {
                FlushPosition();
            }
            if (results.Count > 0)
            {
                _metrics.RecordConsumed(results.Count);
                return results;
            }
            await WaitForDataAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public ValueTask<int> ConsumeRawAsync(IRawRecordHandler handler, int maxRecords = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        int max = maxRecords > 0 ? maxRecords : _options.MaxPollRecords;
        BeforeConsume();
        int count = DrainRaw(handler, max);
        return count > 0 ? new ValueTask<int>(count) : ConsumeRawSlowAsync(handler, max, cancellationToken);
    }

    private async ValueTask<int> ConsumeRawSlowAsync(IRawRecordHandler handler, int max, CancellationToken cancellationToken)
    {
        while (true)
        {
            await WaitForDataAsync(cancellationToken).ConfigureAwait(false);
            BeforeConsume();
            int count = DrainRaw(handler, max);
            if (count > 0) return count;
        }
    }

    // The raw path's per-record loop: optimized at once rather than after many calls in unoptimized tiers.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int DrainRaw(IRawRecordHandler handler, int max)
    {
        int count = 0;
        try
        {
            while (count < max && TryNext(out var raw))
            {
                handler.OnRecord(raw);
                count++;
            }
        }
        finally
        {
            FlushPosition();
        }
        _metrics.RecordConsumed(count);
        return count;
    }

    private async ValueTask<ConsumeResult<TKey, TValue>> ConsumeSlowAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            BeforeConsume();
            if (TryNext(out var raw))
            {
                try
                {
                    return await DeserializeAsync(raw, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    FlushPosition();
                }
            }
            await WaitForDataAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Group bookkeeping and errors the application must see, before every consume call.</summary>
    private void BeforeConsume()
    {
        if (Volatile.Read(ref _closed) == 1) throw new ObjectDisposedException(GetType().Name);
        _group?.OnConsume();
        if (_state.Attention) ThrowPendingErrors();
    }

    private void ThrowPendingErrors()
    {
        _state.Attention = false;
        lock (_state.Gate)
        {
            foreach (var p in _state.Assigned.Values)
            {
                if (p.PendingError is not { } error) continue;
                p.PendingError = null;
                _state.Attention = _state.Assigned.Values.Any(o => o.PendingError is not null);
                throw error;
            }
        }
    }

    private async ValueTask WaitForDataAsync(CancellationToken cancellationToken)
    {
        var wakeup = Volatile.Read(ref _wakeup).Token;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, wakeup);
        _group?.SetWaiting(true);
        try
        {
            if (!await _state.Ready.WaitToReadAsync(linked.Token).ConfigureAwait(false)) throw new ObjectDisposedException(GetType().Name);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && wakeup.IsCancellationRequested)
        {
            throw new OperationCanceledException("The consumer was woken up.", null, wakeup);
        }
        finally
        {
            _group?.SetWaiting(false);
        }
    }

    /// <summary>The next record to hand out, moving through queued fetches; false when nothing is buffered.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool TryNext(out RawRecord record)
    {
        while (true)
        {
            var fetch = _cursor.Current;
            if (fetch is null)
            {
                if (!_state.Ready.TryRead(out fetch))
                {
                    record = default;
                    return false;
                }
                if (fetch.IsMarker)
                {
                    if (_state.Attention) ThrowPendingErrors();
                    continue;
                }
                if (fetch.State.Generation != fetch.Generation)
                {
                    _state.Finish(fetch);
                    continue;
                }
                _cursor.Start(fetch);
            }
            if (fetch.State.Generation == fetch.Generation && _cursor.TryNext(out var view))
            {
                record = new RawRecord(fetch.State.TopicPartition.Topic, fetch.State.TopicPartition.Partition, _cursor.BatchLeaderEpoch,
                    _cursor.BatchTimestampType, view);
                return true;
            }
            FlushPosition();
            _cursor.Stop();
            _state.Finish(fetch);
        }
    }

    /// <summary>Publishes the cursor's position to the partition's shared state.</summary>
    private void FlushPosition()
    {
        if (_cursor.Current is not { } fetch) return;
        lock (_state.Gate)
        {
            var state = fetch.State;
            if (state.Generation != fetch.Generation || _cursor.Position <= state.Position) return;
            state.Position = _cursor.Position;
            if (_cursor.PositionEpoch >= 0) state.PositionEpoch = _cursor.PositionEpoch;
        }
    }

    private ConsumeResult<TKey, TValue> Deserialize(in RawRecord raw)
    {
        var view = raw.View;
        Headers? headers = view.Headers.Count > 0 ? CopyHeaders(view.Headers) : null;
        TKey key;
        TValue value;
        try
        {
            key = _keyDeserializer!.Deserialize(view.Key.Span, view.IsKeyNull, new SerializationContext(raw.Topic, MessageComponent.Key, headers));
            value = _valueDeserializer!.Deserialize(view.Value.Span, view.IsValueNull, new SerializationContext(raw.Topic, MessageComponent.Value, headers));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new ConsumeException(new TopicPartitionOffset(raw.Topic, raw.Partition, raw.Offset), $"Could not deserialize {raw.Topic}-{raw.Partition}@{raw.Offset}: {e.Message}", e);
        }
        _metrics.RecordConsumed(1);
        return Result(raw, key, value, headers);
    }

    private async ValueTask<ConsumeResult<TKey, TValue>> DeserializeAsync(RawRecord raw, CancellationToken cancellationToken)
    {
        if (_asyncKeyDeserializer is null && _asyncValueDeserializer is null) return Deserialize(raw);
        var view = raw.View;
        Headers? headers = view.Headers.Count > 0 ? CopyHeaders(view.Headers) : null;
        TKey key;
        TValue value;
        try
        {
            var keyContext = new SerializationContext(raw.Topic, MessageComponent.Key, headers);
            key = _asyncKeyDeserializer is { } ak
                ? await ak.DeserializeAsync(view.Key, view.IsKeyNull, keyContext, cancellationToken).ConfigureAwait(false)
                : _keyDeserializer!.Deserialize(view.Key.Span, view.IsKeyNull, keyContext);
            var valueContext = new SerializationContext(raw.Topic, MessageComponent.Value, headers);
            value = _asyncValueDeserializer is { } av
                ? await av.DeserializeAsync(view.Value, view.IsValueNull, valueContext, cancellationToken).ConfigureAwait(false)
                : _valueDeserializer!.Deserialize(view.Value.Span, view.IsValueNull, valueContext);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new ConsumeException(new TopicPartitionOffset(raw.Topic, raw.Partition, raw.Offset), $"Could not deserialize {raw.Topic}-{raw.Partition}@{raw.Offset}: {e.Message}", e);
        }
        _metrics.RecordConsumed(1);
        return Result(raw, key, value, headers);
    }

    private ConsumeResult<TKey, TValue> Result(in RawRecord raw, TKey key, TValue value, Headers? headers)
    {
        var result = new ConsumeResult<TKey, TValue>
        {
            Topic = raw.Topic,
            Partition = raw.Partition,
            Offset = raw.Offset,
            LeaderEpoch = raw.LeaderEpoch,
            Timestamp = raw.Timestamp,
            TimestampType = raw.TimestampType,
            Key = key,
            Value = value,
            Headers = headers,
        };
        ConsumerTracing.OnConsumed(result.Topic, result.Partition, result.Offset, headers, _options.GroupId);
        return result;
    }

    private static Headers CopyHeaders(RecordHeaders source)
    {
        var headers = new Headers(source.Count);
        foreach (var h in source) headers.Add(h.GetKey(), h.IsValueNull ? null : h.Value.ToArray());
        return headers;
    }
}
