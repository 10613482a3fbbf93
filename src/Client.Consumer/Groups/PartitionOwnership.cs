using Microsoft.Extensions.Logging;
using Samsa.Client;
using Samsa.Consumer.Internal;

namespace Samsa.Consumer.Groups;

/// <summary>
/// The partitions a group member owns, and the one way both group protocols hand them to and take them from the
/// consumer: commit before revoking (auto-commit), the rebalance callbacks (run on the group task, exceptions logged),
/// fetch state added or removed, positions started from committed offsets.
/// </summary>
internal sealed class PartitionOwnership
{
    private readonly ConsumerState _state;
    private readonly RebalanceHandlers _handlers;
    private readonly Func<IReadOnlyCollection<TopicPartition>?, List<TopicPartitionOffset>> _committable;
    private readonly Action<IReadOnlyCollection<TopicPartition>> _initializePositions;
    private readonly Func<IReadOnlyCollection<TopicPartitionOffset>, CancellationToken, ValueTask> _commit;
    private readonly ILogger _logger;
    private readonly string _groupId;
    private readonly HashSet<TopicPartition> _owned = new();
    private readonly object _sync = new();

    public PartitionOwnership(ConsumerState state, RebalanceHandlers handlers,
        Func<IReadOnlyCollection<TopicPartition>?, List<TopicPartitionOffset>> committable, Action<IReadOnlyCollection<TopicPartition>> initializePositions,
        Func<IReadOnlyCollection<TopicPartitionOffset>, CancellationToken, ValueTask> commit, ILogger logger, string groupId)
    {
        _state = state;
        _handlers = handlers;
        _committable = committable;
        _initializePositions = initializePositions;
        _commit = commit;
        _logger = logger;
        _groupId = groupId;
    }

    public List<TopicPartition> Snapshot()
    {
        lock (_sync) return [.. _owned];
    }

    public bool Contains(TopicPartition tp)
    {
        lock (_sync) return _owned.Contains(tp);
    }

    /// <summary>Commits the consumed positions of <paramref name="partitions"/> (all assigned when null); failures are logged.</summary>
    public async Task TryCommitAsync(IReadOnlyCollection<TopicPartition>? partitions, CancellationToken token)
    {
        var offsets = _committable(partitions);
        if (offsets.Count == 0) return;
        try
        {
            await _commit(offsets, token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is KafkaException)
        {
            Log.AutoCommitFailed(_logger, e);
        }
    }

    /// <summary>Adds partitions: fetch state, positions from committed offsets, then the assigned callback (also for none).</summary>
    public async Task AddAsync(IReadOnlyCollection<TopicPartition> added)
    {
        lock (_state.Gate)
        {
            foreach (var tp in added) _state.Add(tp);
        }
        lock (_sync)
        {
            foreach (var tp in added) _owned.Add(tp);
        }
        if (added.Count > 0) _initializePositions(added);
        await InvokeAsync(_handlers.Assigned, added).ConfigureAwait(false);
    }

    /// <summary>Reports <paramref name="partitions"/> revoked (or lost) while still owned, then removes them.</summary>
    public async Task RevokeAsync(IReadOnlyCollection<TopicPartition> partitions, bool lost)
    {
        await InvokeAsync(lost ? _handlers.Lost ?? _handlers.Revoked : _handlers.Revoked, partitions).ConfigureAwait(false);
        lock (_state.Gate)
        {
            foreach (var tp in partitions) _state.Remove(tp);
        }
        lock (_sync)
        {
            foreach (var tp in partitions) _owned.Remove(tp);
        }
        _state.FetcherWake.Set();
    }

    public async Task RevokeAllAsync(bool lost)
    {
        var owned = Snapshot();
        if (owned.Count > 0) await RevokeAsync(owned, lost).ConfigureAwait(false);
    }

    private async Task InvokeAsync(Func<IReadOnlyCollection<TopicPartition>, ValueTask>? handler, IReadOnlyCollection<TopicPartition> partitions)
    {
        if (handler is null) return;
        try
        {
            await handler(partitions).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Log.CallbackFailed(_logger, e, _groupId);
        }
    }
}
