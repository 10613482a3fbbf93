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
internal sealed partial class ClassicGroup : IAsyncDisposable
{
    private readonly KafkaCluster _cluster;
    private readonly ConsumerOptions _options;
    private readonly ConsumerState _state;
    private readonly GroupOffsets _offsets;
    private readonly IReadOnlyList<IConsumerPartitionAssignor> _assignors;
    private readonly RebalanceHandlers _handlers;
    private readonly Func<IReadOnlyCollection<TopicPartition>?, List<TopicPartitionOffset>> _committable;
    private readonly Action<IReadOnlyCollection<TopicPartition>> _initializePositions;
    private readonly ConsumerMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly string _groupId;
    private readonly RebalanceProtocol _protocol;
    private readonly AsyncSignal _wake = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly HashSet<TopicPartition> _owned = new();
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
    private long _lastConsume;
    private int _consumeWaiters;
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
        _handlers = handlers;
        _committable = committable;
        _initializePositions = initializePositions;
        _metrics = metrics;
        _logger = logger;
        _time = time;
        _groupId = options.GroupId!;
        // Java: the rebalance protocol is the newest one every configured assignor supports.
        _protocol = assignors.All(a => a.SupportedProtocols.Contains(RebalanceProtocol.Cooperative)) ? RebalanceProtocol.Cooperative : RebalanceProtocol.Eager;
        _lastConsume = time.GetTimestamp();
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

    /// <summary>Called at the start of every consume call: notes liveness and surfaces a poll timeout once.</summary>
    public void OnConsume()
    {
        Volatile.Write(ref _lastConsume, _time.GetTimestamp());
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

    /// <summary>A consume call waiting for data counts as consuming (the application is not stalled).</summary>
    public void SetWaiting(bool waiting)
    {
        if (waiting) Interlocked.Increment(ref _consumeWaiters);
        else
        {
            Interlocked.Decrement(ref _consumeWaiters);
            Volatile.Write(ref _lastConsume, _time.GetTimestamp());
        }
    }

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
        List<TopicPartition> owned;
        lock (_sync) owned = [.. _owned];
        if (_options.EnableAutoCommit) await TryCommitAsync(IsSubscribed ? owned : null, cancellationToken).ConfigureAwait(false);
        if (owned.Count > 0) await InvokeAsync(_handlers.Revoked, owned).ConfigureAwait(false);
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
                await RevokeAllAsync(lost: false).ConfigureAwait(false);
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
        if (PollExpired(out long elapsedMs))
        {
            Log.PollTimeout(_logger, _groupId, elapsedMs, _options.MaxPollIntervalMs);
            await LeaveAsync("consumer poll timeout has expired", token).ConfigureAwait(false);
            await RevokeAllAsync(lost: true).ConfigureAwait(false);
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
        long untilPollDeadline = _options.MaxPollIntervalMs - (long)_time.GetElapsedTime(Volatile.Read(ref _lastConsume)).TotalMilliseconds;
        long next = Math.Min(_options.HeartbeatIntervalMs, Math.Max(10, untilPollDeadline + 1));
        if (_options.EnableAutoCommit) next = Math.Min(next, Math.Max(10, (Volatile.Read(ref _nextAutoCommit) - _time.GetTimestamp()) * 1000 / _time.TimestampFrequency));
        return TimeSpan.FromMilliseconds(next);
    }

    private bool PollExpired(out long elapsedMs)
    {
        elapsedMs = (long)_time.GetElapsedTime(Volatile.Read(ref _lastConsume)).TotalMilliseconds;
        return Volatile.Read(ref _consumeWaiters) == 0 && elapsedMs > _options.MaxPollIntervalMs;
    }

    private async Task HeartbeatAsync(CancellationToken token)
    {
        int generation;
        string memberId;
        lock (_sync)
        {
            generation = _generation;
            memberId = _memberId;
        }
        var connection = await _cluster.GetCoordinatorConnectionAsync(CoordinatorType.Group, _groupId, token).ConfigureAwait(false);
        var request = new HeartbeatRequest { GroupId = _groupId, GenerationId = generation, MemberId = memberId };
        short version = connection.SelectVersion(request);
        if (version >= 3) request.GroupInstanceId = _options.GroupInstanceId;
        var response = await connection.SendAsync(request, version, null, token).ConfigureAwait(false);
        await HandleGroupErrorAsync((ErrorCode)response.ErrorCode).ConfigureAwait(false);
    }

    /// <summary>Reacts to a membership error; true when the member must rejoin.</summary>
    private async Task<bool> HandleGroupErrorAsync(ErrorCode error)
    {
        switch (error)
        {
            case ErrorCode.None:
                return false;
            case ErrorCode.RebalanceInProgress:
                Log.Rejoining(_logger, _groupId, error);
                lock (_sync) _rejoinNeeded = true;
                return true;
            case ErrorCode.UnknownMemberId or ErrorCode.IllegalGeneration or ErrorCode.FencedInstanceId:
                Log.Rejoining(_logger, _groupId, error);
                await RevokeAllAsync(lost: true).ConfigureAwait(false);
                lock (_sync)
                {
                    if (error == ErrorCode.UnknownMemberId) _memberId = "";
                    _generation = -1;
                    _rejoinNeeded = true;
                    if (error == ErrorCode.FencedInstanceId)
                    {
                        _subscribed = false;
                        _pendingForApp = new KafkaException(error, $"group.instance.id '{_options.GroupInstanceId}' was fenced by another member.");
                    }
                }
                if (error == ErrorCode.FencedInstanceId) _state.RaiseAttention();
                return true;
            case ErrorCode.NotCoordinator or ErrorCode.CoordinatorNotAvailable or ErrorCode.CoordinatorLoadInProgress:
                _cluster.InvalidateCoordinator(CoordinatorType.Group, _groupId);
                throw KafkaException.FromErrorCode(error);
            default:
                throw KafkaException.FromErrorCode(error, $"Group '{_groupId}': {error.Describe()}");
        }
    }

    private async Task MaybeAutoCommitAsync(CancellationToken token)
    {
        if (!_options.EnableAutoCommit || _time.GetTimestamp() < Volatile.Read(ref _nextAutoCommit)) return;
        ScheduleAutoCommit();
        List<TopicPartition> owned;
        lock (_sync) owned = [.. _owned];
        await TryCommitAsync(owned, token).ConfigureAwait(false);
    }

    private void ScheduleAutoCommit() =>
        Volatile.Write(ref _nextAutoCommit, _time.GetTimestamp() + _options.AutoCommitIntervalMs * _time.TimestampFrequency / 1000);

    private async Task TryCommitAsync(IReadOnlyCollection<TopicPartition>? partitions, CancellationToken token)
    {
        var offsets = _committable(partitions);
        if (offsets.Count == 0) return;
        try
        {
            await CommitAsync(offsets, token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is KafkaException)
        {
            Log.AutoCommitFailed(_logger, e);
        }
    }

    private async Task LeaveAsync(string reason, CancellationToken token)
    {
        string memberId;
        lock (_sync)
        {
            memberId = _memberId;
            _memberId = "";
            _generation = -1;
            _rejoinNeeded = true;
        }
        if (memberId.Length == 0) return;
        try
        {
            var connection = await _cluster.GetCoordinatorConnectionAsync(CoordinatorType.Group, _groupId, token).ConfigureAwait(false);
            var request = new LeaveGroupRequest { GroupId = _groupId };
            short version = connection.SelectVersion(request);
            // v3+ (KIP-345) names leaving members in a list; older versions carry one member id.
            if (version >= 3)
            {
                request.Members = [new LeaveGroupRequest.MemberIdentity
                {
                    MemberId = memberId,
                    GroupInstanceId = _options.GroupInstanceId,
                    Reason = version >= 5 ? reason : null,
                }];
            }
            else request.MemberId = memberId;
            await connection.SendAsync(request, version, null, token).ConfigureAwait(false);
            Log.Left(_logger, _groupId, memberId);
        }
        catch (Exception e) when (e is KafkaException or OperationCanceledException)
        {
            Log.GroupStepFailed(_logger, e, _groupId);
        }
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
