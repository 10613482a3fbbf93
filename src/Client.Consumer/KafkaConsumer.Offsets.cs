using Samsa.Consumer.Internal;

namespace Samsa.Consumer;

public sealed partial class KafkaConsumer<TKey, TValue>
{
    /// <inheritdoc />
    public void StoreOffset(ConsumeResult<TKey, TValue> result)
    {
        ArgumentNullException.ThrowIfNull(result);
        StoreOffset(result.NextOffset);
    }

    /// <inheritdoc />
    public void StoreOffset(TopicPartitionOffset offset)
    {
        lock (_state.Gate)
        {
            _ = Owned(offset.TopicPartition);
            _stored[offset.TopicPartition] = offset;
        }
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<TopicPartitionOffset>> CommitAsync(CancellationToken cancellationToken = default)
    {
        var offsets = CommittableOffsets(null);
        await CommitCoreAsync(offsets, cancellationToken).ConfigureAwait(false);
        return offsets;
    }

    /// <inheritdoc />
    public ValueTask CommitAsync(IEnumerable<TopicPartitionOffset> offsets, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(offsets);
        return CommitCoreAsync(offsets.ToList(), cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<TopicPartitionOffset>> CommittedAsync(IEnumerable<TopicPartition> partitions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        var groupOffsets = _groupOffsets ?? throw new InvalidOperationException("Committed offsets need group.id.");
        var list = partitions.ToList();
        var found = await groupOffsets.FetchAsync(list, cancellationToken).ConfigureAwait(false);
        return list.Select(tp => found.TryGetValue(tp, out var o) ? o : new TopicPartitionOffset(tp, Offsets.Unset)).ToList();
    }

    /// <inheritdoc />
    public async ValueTask<long> PositionAsync(TopicPartition partition, CancellationToken cancellationToken = default)
    {
        var deadline = TimeSpan.FromMilliseconds(_options.DefaultApiTimeoutMs);
        long start = _time.GetTimestamp();
        while (true)
        {
            lock (_state.Gate)
            {
                var state = Owned(partition);
                if (state.Position >= 0) return state.Position;
                if (state.PendingError is { } error) throw error;
            }
            if (_time.GetElapsedTime(start) > deadline) throw new Client.KafkaTimeoutException($"The position of {partition} was not known within default.api.timeout.ms.");
            _state.FetcherWake.Set();
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Max(5, _options.RetryBackoffMs / 4)), _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<TopicPartitionOffset>> OffsetsForTimesAsync(IEnumerable<KeyValuePair<TopicPartition, long>> timestampsMs,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(timestampsMs);
        var request = timestampsMs.ToDictionary(p => p.Key, p => p.Value);
        foreach (var ts in request.Values) ArgumentOutOfRangeException.ThrowIfNegative(ts, nameof(timestampsMs));
        var found = await OffsetLookup.ListAsync(_cluster, request, _options.IsolationLevel, cancellationToken).ConfigureAwait(false);
        return request.Keys.Select(tp => found.TryGetValue(tp, out var o) ? new TopicPartitionOffset(tp, o.Offset, o.LeaderEpoch) : new TopicPartitionOffset(tp, -1)).ToList();
    }

    /// <inheritdoc />
    public async ValueTask<(long Low, long High)> QueryWatermarkOffsetsAsync(TopicPartition partition, CancellationToken cancellationToken = default)
    {
        var low = await OffsetLookup.ListAsync(_cluster, new Dictionary<TopicPartition, long> { [partition] = Offsets.Beginning }, _options.IsolationLevel, cancellationToken).ConfigureAwait(false);
        var high = await OffsetLookup.ListAsync(_cluster, new Dictionary<TopicPartition, long> { [partition] = Offsets.End }, _options.IsolationLevel, cancellationToken).ConfigureAwait(false);
        return (low[partition].Offset, high[partition].Offset);
    }

    /// <summary>
    /// What a commit of "everything" stores: per assigned partition, the stored offset when the application set one,
    /// else the position (when known and past the last commit). <paramref name="only"/> limits it to some partitions.
    /// </summary>
    internal List<TopicPartitionOffset> CommittableOffsets(IReadOnlyCollection<TopicPartition>? only)
    {
        var result = new List<TopicPartitionOffset>();
        lock (_state.Gate)
        {
            foreach (var p in _state.Assigned.Values)
            {
                if (only is not null && !only.Contains(p.TopicPartition)) continue;
                if (_stored.TryGetValue(p.TopicPartition, out var stored)) result.Add(stored);
                else if (p.Position >= 0) result.Add(new TopicPartitionOffset(p.TopicPartition, p.Position, p.PositionEpoch));
            }
        }
        return result;
    }

    private async ValueTask CommitCoreAsync(IReadOnlyCollection<TopicPartitionOffset> offsets, CancellationToken cancellationToken)
    {
        var groupOffsets = _groupOffsets ?? throw new InvalidOperationException("Committing offsets needs group.id.");
        if (_group is not null) await _group.CommitAsync(offsets, cancellationToken).ConfigureAwait(false);
        else await groupOffsets.CommitAsync(offsets, -1, "", cancellationToken).ConfigureAwait(false);
    }
}
