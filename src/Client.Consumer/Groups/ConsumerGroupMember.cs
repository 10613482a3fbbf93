using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Samsa.Client;
using Samsa.Consumer.Internal;
using Samsa.Protocol;

namespace Samsa.Consumer.Groups;

/// <summary>
/// Membership in a KIP-848 consumer group (<c>group.protocol=consumer</c>), driven by one background task sending
/// ConsumerGroupHeartbeat: join with member epoch 0, heartbeat at the interval the broker returns, reconcile the
/// broker-computed target assignment (revoke first, then assign, then acknowledge with the owned partitions), rejoin
/// after fencing, leave with epoch -1 (-2 for a static member) on close, and enforce <c>max.poll.interval.ms</c>.
/// Rebalance callbacks run on this task. Commit, revocation and callback plumbing is shared with
/// <see cref="ClassicGroup"/> through <see cref="PartitionOwnership"/>.
/// </summary>
internal sealed partial class ConsumerGroupMember : IGroupMember
{
    private const int LeaveEpoch = -1;
    private const int StaticLeaveEpoch = -2;
    private readonly KafkaCluster _cluster;
    private readonly ConsumerOptions _options;
    private readonly ConsumerState _state;
    private readonly GroupOffsets _offsets;
    private readonly ConsumerMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly string _groupId;
    private readonly PartitionOwnership _partitions;
    private readonly PollInterval _poll;
    private readonly AsyncSignal _wake = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly object _sync = new();
    private readonly Dictionary<string, Uuid> _topicIds = new(StringComparer.Ordinal);
    private Task _loop = Task.CompletedTask;

    // Shared with application threads, under _sync.
    private List<string>? _topics;
    private Regex? _pattern;
    private bool _subscribed;
    private bool _stopped;
    private bool _waitingForConsume;
    private Exception? _pendingForApp;
    private string _memberId = "";
    private int _epoch;

    // Owned by the background task.
    private List<string> _resolvedTopics = [];
    private long _resolvedAt;
    private List<string>? _sentTopics;
    private Dictionary<Uuid, List<int>>? _target;
    private bool _ackNeeded;
    private bool _assignedSinceJoin;
    private int _heartbeatIntervalMs = 5_000;
    private long _nextHeartbeat;
    private long _nextAutoCommit;

    public ConsumerGroupMember(KafkaCluster cluster, ConsumerOptions options, ConsumerState state, GroupOffsets offsets, RebalanceHandlers handlers,
        Func<IReadOnlyCollection<TopicPartition>?, List<TopicPartitionOffset>> committable, Action<IReadOnlyCollection<TopicPartition>> initializePositions,
        ConsumerMetrics metrics, ILogger logger, TimeProvider time)
    {
        _cluster = cluster;
        _options = options;
        _state = state;
        _offsets = offsets;
        _metrics = metrics;
        _logger = logger;
        _time = time;
        _groupId = options.GroupId!;
        _partitions = new PartitionOwnership(state, handlers, committable, initializePositions, CommitAsync, logger, _groupId);
        _poll = new PollInterval(time, options.MaxPollIntervalMs);
    }

    public string MemberId
    {
        get
        {
            lock (_sync) return _memberId;
        }
    }

    /// <summary>The member epoch (0 when not in the group).</summary>
    public int MemberEpoch
    {
        get
        {
            lock (_sync) return _epoch;
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
            _stopped = false;
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
                _wake.Set();
            }
        }
        if (pending is not null) throw pending;
    }

    public void SetWaiting(bool waiting) => _poll.SetWaiting(waiting);

    /// <summary>Commits with the member epoch as the generation (OffsetCommit v9+ checks it against the member's epoch).</summary>
    public ValueTask CommitAsync(IReadOnlyCollection<TopicPartitionOffset> offsets, CancellationToken cancellationToken)
    {
        int epoch;
        string memberId;
        lock (_sync)
        {
            bool member = _subscribed && _epoch > 0;
            epoch = member ? _epoch : -1;
            memberId = member ? _memberId : "";
        }
        return _offsets.CommitAsync(offsets, epoch, memberId, cancellationToken);
    }

    public async ValueTask CloseAsync(CancellationToken cancellationToken)
    {
        await StopLoopAsync().ConfigureAwait(false);
        var owned = _partitions.Snapshot();
        if (_options.EnableAutoCommit) await _partitions.TryCommitAsync(IsSubscribed ? owned : null, cancellationToken).ConfigureAwait(false);
        if (owned.Count > 0) await _partitions.RevokeAsync(owned, lost: false).ConfigureAwait(false);
        await LeaveAsync("the consumer is closing", cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => new(StopLoopAsync());

    private async Task StopLoopAsync()
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
            catch (UnsupportedVersionException e)
            {
                await FailAsync(new UnsupportedVersionException(
                    $"The cluster does not support the consumer group protocol (KIP-848): {e.Message} Set group.protocol=classic until the cluster is upgraded.",
                    e.ApiKey)).ConfigureAwait(false);
                wait = Timeout.InfiniteTimeSpan;
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
        bool subscribed, waitingForConsume, stopped;
        int epoch;
        lock (_sync)
        {
            subscribed = _subscribed;
            waitingForConsume = _waitingForConsume;
            stopped = _stopped;
            epoch = _epoch;
        }
        if (!subscribed)
        {
            if (epoch > 0)
            {
                if (_options.EnableAutoCommit) await _partitions.TryCommitAsync(_partitions.Snapshot(), token).ConfigureAwait(false);
                await _partitions.RevokeAllAsync(lost: false).ConfigureAwait(false);
                await LeaveAsync("the consumer unsubscribed", token).ConfigureAwait(false);
            }
            return Timeout.InfiniteTimeSpan;
        }
        if (waitingForConsume || stopped) return Timeout.InfiniteTimeSpan;
        if (epoch > 0 && _poll.Expired(out long elapsedMs))
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
        var topics = await ResolveSubscriptionAsync(epoch == 0, token).ConfigureAwait(false);
        bool subscriptionChanged = _sentTopics is null || !_sentTopics.SequenceEqual(topics, StringComparer.Ordinal);
        if (epoch == 0 || _ackNeeded || subscriptionChanged || _time.GetTimestamp() >= _nextHeartbeat)
            await HeartbeatAsync(topics, token).ConfigureAwait(false);
        bool unresolved = _target is not null && await ReconcileAsync(topics, token).ConfigureAwait(false);
        await MaybeAutoCommitAsync(token).ConfigureAwait(false);
        lock (_sync)
        {
            if (_epoch == 0 || _ackNeeded) return TimeSpan.Zero;
        }
        long next = Math.Min(MsUntil(_nextHeartbeat), _poll.MsUntilDeadline(10));
        if (_options.EnableAutoCommit) next = Math.Min(next, MsUntil(_nextAutoCommit));
        if (unresolved) next = Math.Min(next, Math.Max(_options.RetryBackoffMs, 100));
        return TimeSpan.FromMilliseconds(Math.Max(next, 0));
    }

    /// <summary>
    /// The topic names to send. A <see cref="Regex"/> is resolved here against the cluster's topics (as Java does for a
    /// <c>java.util.regex.Pattern</c>), on join and every <c>metadata.max.age.ms</c>; broker-side regexes (KIP-848's
    /// RE2/J <c>SubscribedTopicRegex</c>) would differ from .NET regex semantics, so they are not used.
    /// </summary>
    private async Task<List<string>> ResolveSubscriptionAsync(bool joining, CancellationToken token)
    {
        List<string>? topics;
        Regex? pattern;
        lock (_sync)
        {
            topics = _topics;
            pattern = _pattern;
        }
        if (pattern is null && !joining) return topics ?? [];
        if (!joining && _time.GetElapsedTime(_resolvedAt).TotalMilliseconds < _options.MetadataMaxAgeMs) return _resolvedTopics;
        _resolvedTopics = await SubscriptionTopics.ResolveAsync(_cluster, topics, pattern, token).ConfigureAwait(false);
        _resolvedAt = _time.GetTimestamp();
        return _resolvedTopics;
    }

    private async Task MaybeAutoCommitAsync(CancellationToken token)
    {
        if (!_options.EnableAutoCommit || _time.GetTimestamp() < _nextAutoCommit || MemberEpoch <= 0) return;
        ScheduleAutoCommit();
        await _partitions.TryCommitAsync(_partitions.Snapshot(), token).ConfigureAwait(false);
    }

    private void ScheduleAutoCommit() => _nextAutoCommit = _time.GetTimestamp() + _options.AutoCommitIntervalMs * _time.TimestampFrequency / 1000;

    private long MsUntil(long timestamp) => Math.Max(0, (timestamp - _time.GetTimestamp()) * 1000 / _time.TimestampFrequency);

    /// <summary>A fatal membership error: partitions are lost, the error is surfaced on the next consume call, and the member stops until the next Subscribe.</summary>
    private async Task FailAsync(Exception error)
    {
        Log.GroupFatal(_logger, error, _groupId);
        await _partitions.RevokeAllAsync(lost: true).ConfigureAwait(false);
        lock (_sync)
        {
            _stopped = true;
            _epoch = 0;
            _pendingForApp = error;
        }
        _sentTopics = null;
        _target = null;
        _state.RaiseAttention();
    }
}
