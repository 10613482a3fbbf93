using System.Text.RegularExpressions;
using Samsa.Consumer.Internal;

namespace Samsa.Consumer;

public sealed partial class KafkaConsumer<TKey, TValue>
{
    /// <inheritdoc />
    public void Assign(IEnumerable<TopicPartition> partitions)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        Assign(partitions.Select(p => new TopicPartitionOffset(p, Offsets.Unset)));
    }

    /// <inheritdoc />
    public void Assign(IEnumerable<TopicPartitionOffset> partitions)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        var list = partitions.ToList();
        EnsureManual();
        lock (_state.Gate)
        {
            var keep = list.Select(p => p.TopicPartition).ToHashSet();
            foreach (var tp in _state.Assigned.Keys.Where(k => !keep.Contains(k)).ToList()) _state.Remove(tp);
            foreach (var tp in keep) _state.Remove(tp);
        }
        AddPartitions(list);
    }

    /// <inheritdoc />
    public void IncrementalAssign(IEnumerable<TopicPartitionOffset> partitions)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        AddPartitions(partitions.ToList());
    }

    /// <summary>Adds partitions to the assignment, starting from committed offsets or <c>auto.offset.reset</c>.</summary>
    public void IncrementalAssign(IEnumerable<TopicPartition> partitions)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        AddPartitions(partitions.Select(p => new TopicPartitionOffset(p, Offsets.Unset)).ToList());
    }

    /// <inheritdoc />
    public void IncrementalUnassign(IEnumerable<TopicPartition> partitions)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        lock (_state.Gate)
        {
            foreach (var tp in partitions)
            {
                _state.Remove(tp);
                _stored.Remove(tp);
            }
        }
        _state.FetcherWake.Set();
    }

    /// <inheritdoc />
    public void Unassign()
    {
        lock (_state.Gate)
        {
            foreach (var tp in _state.Assigned.Keys.ToList()) _state.Remove(tp);
            _stored.Clear();
        }
        _state.FetcherWake.Set();
    }

    /// <inheritdoc />
    public void Subscribe(IEnumerable<string> topics)
    {
        ArgumentNullException.ThrowIfNull(topics);
        RequireGroup().Subscribe(topics.ToList(), null);
    }

    /// <inheritdoc />
    public void Subscribe(Regex pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        RequireGroup().Subscribe(null, pattern);
    }

    /// <inheritdoc />
    public void Unsubscribe() => _group?.Unsubscribe();

    /// <inheritdoc />
    public void Seek(TopicPartitionOffset position)
    {
        lock (_state.Gate)
        {
            var state = Owned(position.TopicPartition);
            if (position.Offset is Offsets.Beginning or Offsets.End) state.RequestReset(position.Offset);
            else if (position.Offset >= 0) state.SeekTo(position.Offset, position.LeaderEpoch);
            else throw new ArgumentOutOfRangeException(nameof(position), $"Cannot seek to offset {position.Offset}.");
            state.AwaitingCommitted = false;
        }
        _state.FetcherWake.Set();
    }

    /// <inheritdoc />
    public void SeekToBeginning(IEnumerable<TopicPartition> partitions) => SeekAll(partitions, Offsets.Beginning);

    /// <inheritdoc />
    public void SeekToEnd(IEnumerable<TopicPartition> partitions) => SeekAll(partitions, Offsets.End);

    /// <inheritdoc />
    public void Pause(IEnumerable<TopicPartition> partitions)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        lock (_state.Gate)
        {
            foreach (var tp in partitions)
            {
                var state = Owned(tp);
                if (state.Paused) continue;
                state.Paused = true;
                // Buffered data is dropped and fetched again after Resume, from the position.
                if (state.Position >= 0) state.SeekTo(state.Position, state.PositionEpoch);
            }
        }
    }

    /// <inheritdoc />
    public void Resume(IEnumerable<TopicPartition> partitions)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        lock (_state.Gate)
        {
            foreach (var tp in partitions) Owned(tp).Paused = false;
        }
        _state.FetcherWake.Set();
    }

    /// <inheritdoc />
    public IReadOnlyCollection<TopicPartition> Paused
    {
        get
        {
            lock (_state.Gate) return _state.Assigned.Values.Where(p => p.Paused).Select(p => p.TopicPartition).ToList();
        }
    }

    private void SeekAll(IEnumerable<TopicPartition> partitions, long where)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        foreach (var tp in partitions) Seek(new TopicPartitionOffset(tp, where));
    }

    private void AddPartitions(List<TopicPartitionOffset> partitions)
    {
        var needCommitted = new List<TopicPartition>();
        lock (_state.Gate)
        {
            foreach (var p in partitions)
            {
                if (_state.Assigned.ContainsKey(p.TopicPartition)) continue;
                var state = _state.Add(p.TopicPartition);
                if (p.Offset >= 0) state.SeekTo(p.Offset, p.LeaderEpoch);
                else if (p.Offset is Offsets.Beginning or Offsets.End) state.RequestReset(p.Offset);
                else needCommitted.Add(p.TopicPartition);
            }
        }
        if (needCommitted.Count > 0) InitializePositions(needCommitted);
        _state.FetcherWake.Set();
    }

    /// <summary>
    /// Starts the positions of partitions without one: from the group's committed offsets when there is a group, else
    /// (or when nothing is committed) from <c>auto.offset.reset</c>.
    /// </summary>
    private void InitializePositions(IReadOnlyCollection<TopicPartition> partitions)
    {
        if (_groupOffsets is null)
        {
            lock (_state.Gate)
            {
                foreach (var tp in partitions)
                {
                    if (_state.Assigned.TryGetValue(tp, out var state)) ApplyReset(state, -1);
                }
            }
            _state.FetcherWake.Set();
            return;
        }
        var generations = new Dictionary<TopicPartition, int>();
        lock (_state.Gate)
        {
            foreach (var tp in partitions)
            {
                if (!_state.Assigned.TryGetValue(tp, out var state)) continue;
                state.AwaitingCommitted = true;
                generations[tp] = state.Generation;
            }
        }
        _ = FetchCommittedAsync(generations);
    }

    private async Task FetchCommittedAsync(Dictionary<TopicPartition, int> generations)
    {
        Dictionary<TopicPartition, TopicPartitionOffset>? committed = null;
        while (committed is null)
        {
            try
            {
                committed = await _groupOffsets!.FetchAsync(generations.Keys, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is Client.KafkaException)
            {
                Log.OffsetResetFailed(_logger, e);
                if (Volatile.Read(ref _closed) == 1) return;
                await Task.Delay(TimeSpan.FromMilliseconds(_options.RetryBackoffMs), _time).ConfigureAwait(false);
            }
        }
        lock (_state.Gate)
        {
            foreach (var (tp, generation) in generations)
            {
                if (!_state.Assigned.TryGetValue(tp, out var state) || state.Generation != generation || !state.AwaitingCommitted) continue;
                state.AwaitingCommitted = false;
                if (committed.TryGetValue(tp, out var c) && c.Offset >= 0) state.SeekTo(c.Offset, c.LeaderEpoch);
                else ApplyReset(state, -1);
            }
        }
        _state.FetcherWake.Set();
    }

    private void ApplyReset(PartitionState state, long offset)
    {
        switch (_options.AutoOffsetReset)
        {
            case AutoOffsetReset.Earliest:
                state.RequestReset(Offsets.Beginning);
                break;
            case AutoOffsetReset.Latest:
                state.RequestReset(Offsets.End);
                break;
            default:
                state.PendingError = new OffsetOutOfRangeException(state.TopicPartition, offset);
                _state.RaiseAttention();
                break;
        }
    }

    private PartitionState Owned(TopicPartition tp) =>
        _state.Assigned.TryGetValue(tp, out var state) ? state : throw new InvalidOperationException($"{tp} is not assigned to this consumer.");

    private void EnsureManual()
    {
        if (_group is { IsSubscribed: true }) throw new InvalidOperationException("Assign cannot be used while subscribed; call Unsubscribe first.");
    }

    private Groups.IGroupMember RequireGroup() =>
        _group ?? throw new InvalidOperationException("Subscribe needs group.id.");
}
