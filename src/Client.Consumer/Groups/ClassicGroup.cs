using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Samsa.Client;
using Samsa.Consumer.Assignors;
using Samsa.Consumer.Internal;
using Samsa.Protocol;
using Samsa.Protocol.Messages;

namespace Samsa.Consumer.Groups;

/// <summary>
/// Membership in a classic consumer group, driven by one background task: JoinGroup/SyncGroup (running the assignor
/// when this member leads), heartbeats every <c>heartbeat.interval.ms</c>, auto-commit, eager or KIP-429 cooperative
/// revocation, <c>max.poll.interval.ms</c> enforcement and LeaveGroup on close. Rebalance callbacks run on this task.
/// </summary>
internal sealed partial class ClassicGroup : IGroupMember
{
    private readonly KafkaCluster _cluster;
    private readonly ConsumerOptions _options;
    private readonly ConsumerState _state;
    private readonly GroupOffsets _offsets;
    private readonly IReadOnlyList<IConsumerPartitionAssignor> _assignors;
    private readonly ConsumerMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly string _groupId;
    private readonly RebalanceProtocol _protocol;
    private readonly PartitionOwnership _partitions;
    private readonly PollInterval _poll;
    private readonly AsyncSignal _wake = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly object _sync = new();
    private Task _loop = Task.CompletedTask;
    private List<string>? _topics;
    private Regex? _pattern;
    private bool _subscribed;
    private bool _rejoinNeeded = true;
    private bool _waitingForConsume;
    private Exception? _pendingForApp;
    private string _memberId = "";
    private int _generation = -1;
    private long _nextAutoCommit;
    private Dictionary<string, int> _joinedPartitionCounts = new(StringComparer.Ordinal);

    public ClassicGroup(KafkaCluster cluster, ConsumerOptions options, ConsumerState state, GroupOffsets offsets,
        IReadOnlyList<IConsumerPartitionAssignor> assignors, RebalanceHandlers handlers,
        Func<IReadOnlyCollection<TopicPartition>?, List<TopicPartitionOffset>> committable, Action<IReadOnlyCollection<TopicPartition>> initializePositions,
        ConsumerMetrics metrics, ILogger logger, TimeProvider time)
    {
        _cluster = cluster;
        _options = options;
        _state = state;
        _offsets = offsets;
        _assignors = assignors;
        _metrics = metrics;
        _logger = logger;
        _time = time;
        _groupId = options.GroupId!;
        // Java: the rebalance protocol is the newest one every configured assignor supports.
        _partitions = new PartitionOwnership(state, handlers, committable, initializePositions, CommitAsync, logger, _groupId);
        _poll = new PollInterval(time, options.MaxPollIntervalMs);
        _protocol = assignors.All(a => a.SupportedProtocols.Contains(RebalanceProtocol.Cooperative)) ? RebalanceProtocol.Cooperative : RebalanceProtocol.Eager;
    }

    public string MemberId
    {
        get
        {
            lock (_sync) return _memberId;
        }
    }

    public int Generation
    {
        get
        {
            lock (_sync) return _generation;
        }
    }

    public bool IsSubscribed
    {
        get
        {
            lock (_sync) return _subscribed;
        }
    }

    public IReadOnlyCollection<string> SubscribedTopics
    {
        get
        {
            lock (_sync) return _topics is null ? [] : [.. _topics];
        }
    }

    public void Subscribe(List<string>? topics, Regex? pattern)
    {
        lock (_sync)
        {
            _topics = topics;
            _pattern = pattern;
            _subscribed = true;
            _rejoinNeeded = true;
            if (_loop.IsCompleted) _loop = Task.Run(RunAsync);
        }
        _wake.Set();
    }

    public void Unsubscribe()
    {
        lock (_sync)
        {
            _subscribed = false;
            _topics = null;
            _pattern = null;
        }
        _wake.Set();
    }

    /// <inheritdoc />
    public void OnConsume()
    {
        _poll.Touch();
        Exception? pending;
        lock (_sync)
        {
            pending = _pendingForApp;
            _pendingForApp = null;
            if (_waitingForConsume)
            {
                _waitingForConsume = false;
                _rejoinNeeded = true;
                _wake.Set();
            }
        }
        if (pending is not null) throw pending;
    }

    /// <inheritdoc />
    public void SetWaiting(bool waiting) => _poll.SetWaiting(waiting);

    /// <summary>Commits as the current generation's member.</summary>
    public ValueTask CommitAsync(IReadOnlyCollection<TopicPartitionOffset> offsets, CancellationToken cancellationToken)
    {
        int generation;
        string memberId;
        lock (_sync)
        {
            generation = _subscribed ? _generation : -1;
            memberId = _subscribed ? _memberId : "";
        }
        return _offsets.CommitAsync(offsets, generation, memberId, cancellationToken);
    }

    /// <summary>Commits (auto-commit), reports revocation, and leaves the group (static members stay, as in Kafka).</summary>
    public async ValueTask CloseAsync(CancellationToken cancellationToken)
    {
        _stop.Cancel();
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        var owned = _partitions.Snapshot();
        if (_options.EnableAutoCommit) await _partitions.TryCommitAsync(IsSubscribed ? owned : null, cancellationToken).ConfigureAwait(false);
        if (owned.Count > 0) await _partitions.RevokeAsync(owned, lost: false).ConfigureAwait(false);
        if (_options.GroupInstanceId is null && MemberId.Length > 0) await LeaveAsync("the consumer is closing", cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task RunAsync()
    {
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                wait = await StepAsync(token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                Log.GroupStepFailed(_logger, e, _groupId);
                _metrics.RecordRebalance(false);
                wait = TimeSpan.FromMilliseconds(Math.Max(_options.RetryBackoffMs, 100));
            }
            try
            {
                await _wake.WaitAsync(wait, _time, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One round of membership work; returns how long to wait before the next.</summary>
    private async Task<TimeSpan> StepAsync(CancellationToken token)
    {
        bool subscribed, rejoin, waitingForConsume;
        lock (_sync)
        {
            subscribed = _subscribed;
            rejoin = _rejoinNeeded || _generation < 0;
            waitingForConsume = _waitingForConsume;
        }
        if (!subscribed)
        {
            if (MemberId.Length > 0)
            {
                await _partitions.RevokeAllAsync(lost: false).ConfigureAwait(false);
                await LeaveAsync("the consumer unsubscribed", token).ConfigureAwait(false);
            }
            return Timeout.InfiniteTimeSpan;
        }
        if (waitingForConsume) return Timeout.InfiniteTimeSpan;
        if (rejoin)
        {
            await JoinAndSyncAsync(token).ConfigureAwait(false);
            return TimeSpan.Zero;
        }
        if (_poll.Expired(out long elapsedMs))
        {
            Log.PollTimeout(_logger, _groupId, elapsedMs, _options.MaxPollIntervalMs);
            await LeaveAsync("consumer poll timeout has expired", token).ConfigureAwait(false);
            await _partitions.RevokeAllAsync(lost: true).ConfigureAwait(false);
            lock (_sync)
            {
                _waitingForConsume = true;
                _pendingForApp = new MaxPollIntervalExceededException(
                    $"No consume call for {elapsedMs} ms (max.poll.interval.ms {_options.MaxPollIntervalMs}): left group '{_groupId}'; its partitions were reassigned. The next consume call rejoins.");
            }
            _state.RaiseAttention();
            return Timeout.InfiniteTimeSpan;
        }
        await HeartbeatAsync(token).ConfigureAwait(false);
        await MaybeAutoCommitAsync(token).ConfigureAwait(false);
        if (await SubscriptionChangedAsync(token).ConfigureAwait(false)) lock (_sync) _rejoinNeeded = true;
        long next = Math.Min(_options.HeartbeatIntervalMs, _poll.MsUntilDeadline(10));
        if (_options.EnableAutoCommit) next = Math.Min(next, Math.Max(10, (Volatile.Read(ref _nextAutoCommit) - _time.GetTimestamp()) * 1000 / _time.TimestampFrequency));
        return TimeSpan.FromMilliseconds(next);
    }
}
