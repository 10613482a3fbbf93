using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Samsa.Client;
using Samsa.Consumer.Internal;

namespace Samsa.Consumer.Groups;

/// <summary>
/// What both group protocols share: the subscription the application sets, liveness from consume calls
/// (<c>max.poll.interval.ms</c>), the background task that runs one membership step at a time, auto-commit scheduling,
/// and surfacing a group error on the next consume call. <see cref="ClassicGroup"/> and
/// <see cref="ConsumerGroupMember"/> supply the protocol: the step itself, leaving, and the commit identity.
/// </summary>
internal abstract class GroupMemberBase : IGroupMember
{
    private readonly AsyncSignal _wakeSignal = new();
    private readonly CancellationTokenSource _stopSource = new();
    private Task _loop = Task.CompletedTask;
    private long _nextAutoCommitAt;

    protected GroupMemberBase(KafkaCluster cluster, ConsumerOptions options, ConsumerState state, GroupOffsets offsets, RebalanceHandlers handlers,
        Func<IReadOnlyCollection<TopicPartition>?, List<TopicPartitionOffset>> committable, Action<IReadOnlyCollection<TopicPartition>> initializePositions,
        ConsumerMetrics metrics, ILogger logger, TimeProvider time)
    {
        Cluster = cluster;
        Options = options;
        State = state;
        Offsets = offsets;
        Metrics = metrics;
        Logger = logger;
        Time = time;
        GroupId = options.GroupId!;
        Partitions = new PartitionOwnership(state, handlers, committable, initializePositions, CommitAsync, logger, GroupId);
        Poll = new PollInterval(time, options.MaxPollIntervalMs);
    }

    protected KafkaCluster Cluster { get; }

    protected ConsumerOptions Options { get; }

    protected ConsumerState State { get; }

    protected GroupOffsets Offsets { get; }

    protected ConsumerMetrics Metrics { get; }

    protected ILogger Logger { get; }

    protected TimeProvider Time { get; }

    protected string GroupId { get; }

    protected PartitionOwnership Partitions { get; }

    protected PollInterval Poll { get; }

    /// <summary>Guards the fields below, which application threads and the background task share.</summary>
    protected object Sync { get; } = new();

    protected List<string>? Topics { get; set; }

    protected Regex? Pattern { get; set; }

    protected bool Subscribed { get; set; }

    protected bool WaitingForConsume { get; set; }

    protected Exception? PendingForApp { get; set; }

    protected string CurrentMemberId { get; set; } = "";

    /// <summary>Cancelled when the member stops for good (close or dispose).</summary>
    protected CancellationToken Stopping => _stopSource.Token;

    public string MemberId
    {
        get
        {
            lock (Sync) return CurrentMemberId;
        }
    }

    public bool IsSubscribed
    {
        get
        {
            lock (Sync) return Subscribed;
        }
    }

    public IReadOnlyCollection<string> SubscribedTopics
    {
        get
        {
            lock (Sync) return Topics is null ? [] : [.. Topics];
        }
    }

    public void Subscribe(List<string>? topics, Regex? pattern)
    {
        lock (Sync)
        {
            Topics = topics;
            Pattern = pattern;
            Subscribed = true;
            OnSubscribedLocked();
            if (_loop.IsCompleted) _loop = Task.Run(RunAsync);
        }
        Wake();
    }

    public void Unsubscribe()
    {
        lock (Sync)
        {
            Subscribed = false;
            Topics = null;
            Pattern = null;
        }
        Wake();
    }

    public void OnConsume()
    {
        Poll.Touch();
        Exception? pending;
        lock (Sync)
        {
            pending = PendingForApp;
            PendingForApp = null;
            if (WaitingForConsume)
            {
                WaitingForConsume = false;
                OnConsumeResumedLocked();
                Wake();
            }
        }
        if (pending is not null) throw pending;
    }

    public void SetWaiting(bool waiting) => Poll.SetWaiting(waiting);

    public ValueTask CommitAsync(IReadOnlyCollection<TopicPartitionOffset> offsets, CancellationToken cancellationToken)
    {
        int generation;
        string memberId;
        lock (Sync) (generation, memberId) = CommitIdentityLocked();
        return Offsets.CommitAsync(offsets, generation, memberId, cancellationToken);
    }

    public async ValueTask CloseAsync(CancellationToken cancellationToken)
    {
        await StopLoopAsync().ConfigureAwait(false);
        var owned = Partitions.Snapshot();
        if (Options.EnableAutoCommit) await Partitions.TryCommitAsync(IsSubscribed ? owned : null, cancellationToken).ConfigureAwait(false);
        if (owned.Count > 0) await Partitions.RevokeAsync(owned, lost: false).ConfigureAwait(false);
        if (LeavesOnClose) await LeaveAsync("the consumer is closing", cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => new(StopLoopAsync());

    /// <summary>Wakes the background task for an immediate step.</summary>
    protected void Wake() => _wakeSignal.Set();

    /// <summary>One round of membership work; returns how long to wait before the next.</summary>
    protected abstract Task<TimeSpan> StepAsync(CancellationToken token);

    /// <summary>Leaves the group (LeaveGroup, or a heartbeat with the leave epoch).</summary>
    protected abstract Task LeaveAsync(string reason, CancellationToken token);

    /// <summary>The generation (or member epoch) and member id that commits carry now ((-1, "") outside a generation).</summary>
    public (int Generation, string MemberId) CommitIdentity
    {
        get
        {
            lock (Sync) return CommitIdentityLocked();
        }
    }

    /// <summary>The generation (or member epoch) and member id that commits carry; called under <see cref="Sync"/>.</summary>
    protected abstract (int Generation, string MemberId) CommitIdentityLocked();

    /// <summary>Whether closing sends a leave (Kafka keeps static classic members in the group).</summary>
    protected abstract bool LeavesOnClose { get; }

    /// <summary>Called under <see cref="Sync"/> when the application subscribes.</summary>
    protected virtual void OnSubscribedLocked()
    {
    }

    /// <summary>Called under <see cref="Sync"/> when a consume call follows a poll timeout.</summary>
    protected virtual void OnConsumeResumedLocked()
    {
    }

    /// <summary>Handles a failed step; returns the wait before the next one, or null for the default retry backoff.</summary>
    protected virtual ValueTask<TimeSpan?> OnStepFailedAsync(Exception error) => ValueTask.FromResult<TimeSpan?>(null);

    /// <summary>
    /// <c>max.poll.interval.ms</c> passed without a consume call: leave, report the partitions lost, and tell the
    /// application on its next consume call, which rejoins.
    /// </summary>
    protected async Task<TimeSpan> LeaveAfterPollTimeoutAsync(long elapsedMs, CancellationToken token)
    {
        Log.PollTimeout(Logger, GroupId, elapsedMs, Options.MaxPollIntervalMs);
        await LeaveAsync("consumer poll timeout has expired", token).ConfigureAwait(false);
        await Partitions.RevokeAllAsync(lost: true).ConfigureAwait(false);
        lock (Sync)
        {
            WaitingForConsume = true;
            PendingForApp = new MaxPollIntervalExceededException(
                $"No consume call for {elapsedMs} ms (max.poll.interval.ms {Options.MaxPollIntervalMs}): left group '{GroupId}'; its partitions were reassigned. The next consume call rejoins.");
        }
        State.RaiseAttention();
        return Timeout.InfiniteTimeSpan;
    }

    /// <summary>Commits the owned partitions when auto-commit is on and <c>auto.commit.interval.ms</c> has passed.</summary>
    protected async Task MaybeAutoCommitAsync(CancellationToken token)
    {
        if (!Options.EnableAutoCommit || Time.GetTimestamp() < Volatile.Read(ref _nextAutoCommitAt)) return;
        ScheduleAutoCommit();
        await Partitions.TryCommitAsync(Partitions.Snapshot(), token).ConfigureAwait(false);
    }

    protected void ScheduleAutoCommit() =>
        Volatile.Write(ref _nextAutoCommitAt, Time.GetTimestamp() + Options.AutoCommitIntervalMs * Time.TimestampFrequency / 1000);

    /// <summary>Milliseconds until the next auto-commit is due (never below 10).</summary>
    protected long MsUntilAutoCommit() => Math.Max(10, (Volatile.Read(ref _nextAutoCommitAt) - Time.GetTimestamp()) * 1000 / Time.TimestampFrequency);

    private async Task StopLoopAsync()
    {
        _stopSource.Cancel();
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
        var token = _stopSource.Token;
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
                if (await OnStepFailedAsync(e).ConfigureAwait(false) is { } handled) wait = handled;
                else
                {
                    Log.GroupStepFailed(Logger, e, GroupId);
                    Metrics.RecordRebalance(false);
                    wait = TimeSpan.FromMilliseconds(Math.Max(Options.RetryBackoffMs, 100));
                }
            }
            try
            {
                await _wakeSignal.WaitAsync(wait, Time, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
