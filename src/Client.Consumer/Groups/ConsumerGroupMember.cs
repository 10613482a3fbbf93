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
internal sealed partial class ConsumerGroupMember : GroupMemberBase
{
    private const int LeaveEpoch = -1;
    private const int StaticLeaveEpoch = -2;
    private readonly Dictionary<string, Uuid> _topicIds = new(StringComparer.Ordinal);

    // Shared with application threads, under Sync.
    private bool _stopped;
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

    public ConsumerGroupMember(KafkaCluster cluster, ConsumerOptions options, ConsumerState state, GroupOffsets offsets, RebalanceHandlers handlers,
        Func<IReadOnlyCollection<TopicPartition>?, List<TopicPartitionOffset>> committable, Action<IReadOnlyCollection<TopicPartition>> initializePositions,
        ConsumerMetrics metrics, ILogger logger, TimeProvider time)
        : base(cluster, options, state, offsets, handlers, committable, initializePositions, metrics, logger, time)
    {
    }

    /// <summary>The member epoch (0 when not in the group).</summary>
    public int MemberEpoch
    {
        get
        {
            lock (Sync) return _epoch;
        }
    }

    /// <summary>Leaving with the leave epoch is how a KIP-848 member closes (static members use -2 and keep their partitions for a while).</summary>
    protected override bool LeavesOnClose => true;

    protected override void OnSubscribedLocked() => _stopped = false;

    /// <summary>Commits with the member epoch as the generation (OffsetCommit v9+ checks it against the member's epoch).</summary>
    protected override (int Generation, string MemberId) CommitIdentityLocked() =>
        Subscribed && _epoch > 0 ? (_epoch, CurrentMemberId) : (-1, "");

    /// <summary>A broker without ConsumerGroupHeartbeat is fatal for this member: retrying can never succeed.</summary>
    protected override async ValueTask<TimeSpan?> OnStepFailedAsync(Exception error)
    {
        if (error is not UnsupportedVersionException unsupported) return null;
        await FailAsync(new UnsupportedVersionException(
            $"The cluster does not support the consumer group protocol (KIP-848): {unsupported.Message} Set group.protocol=classic until the cluster is upgraded.",
            unsupported.ApiKey)).ConfigureAwait(false);
        return Timeout.InfiniteTimeSpan;
    }

    /// <summary>One round of membership work; returns how long to wait before the next.</summary>
    protected override async Task<TimeSpan> StepAsync(CancellationToken token)
    {
        bool subscribed, waitingForConsume, stopped;
        int epoch;
        lock (Sync)
        {
            subscribed = Subscribed;
            waitingForConsume = WaitingForConsume;
            stopped = _stopped;
            epoch = _epoch;
        }
        if (!subscribed)
        {
            if (epoch > 0)
            {
                if (Options.EnableAutoCommit) await Partitions.TryCommitAsync(Partitions.Snapshot(), token).ConfigureAwait(false);
                await Partitions.RevokeAllAsync(lost: false).ConfigureAwait(false);
                await LeaveAsync("the consumer unsubscribed", token).ConfigureAwait(false);
            }
            return Timeout.InfiniteTimeSpan;
        }
        if (waitingForConsume || stopped) return Timeout.InfiniteTimeSpan;
        if (epoch > 0 && Poll.Expired(out long elapsedMs)) return await LeaveAfterPollTimeoutAsync(elapsedMs, token).ConfigureAwait(false);
        var topics = await ResolveSubscriptionAsync(epoch == 0, token).ConfigureAwait(false);
        bool subscriptionChanged = _sentTopics is null || !_sentTopics.SequenceEqual(topics, StringComparer.Ordinal);
        if (epoch == 0 || _ackNeeded || subscriptionChanged || Time.GetTimestamp() >= _nextHeartbeat)
            await HeartbeatAsync(topics, token).ConfigureAwait(false);
        bool unresolved = _target is not null && await ReconcileAsync(topics, token).ConfigureAwait(false);
        if (MemberEpoch > 0) await MaybeAutoCommitAsync(token).ConfigureAwait(false);
        lock (Sync)
        {
            if (_epoch == 0 || _ackNeeded) return TimeSpan.Zero;
        }
        long next = Math.Min(MsUntil(_nextHeartbeat), Poll.MsUntilDeadline(10));
        if (Options.EnableAutoCommit) next = Math.Min(next, MsUntilAutoCommit());
        if (unresolved) next = Math.Min(next, Math.Max(Options.RetryBackoffMs, 100));
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
        lock (Sync)
        {
            topics = Topics;
            pattern = Pattern;
        }
        if (pattern is null && !joining) return topics ?? [];
        if (!joining && Time.GetElapsedTime(_resolvedAt).TotalMilliseconds < Options.MetadataMaxAgeMs) return _resolvedTopics;
        _resolvedTopics = await SubscriptionTopics.ResolveAsync(Cluster, topics, pattern, token).ConfigureAwait(false);
        _resolvedAt = Time.GetTimestamp();
        return _resolvedTopics;
    }

    private long MsUntil(long timestamp) => Math.Max(0, (timestamp - Time.GetTimestamp()) * 1000 / Time.TimestampFrequency);

    /// <summary>A fatal membership error: partitions are lost, the error is surfaced on the next consume call, and the member stops until the next Subscribe.</summary>
    private async Task FailAsync(Exception error)
    {
        Log.GroupFatal(Logger, error, GroupId);
        await Partitions.RevokeAllAsync(lost: true).ConfigureAwait(false);
        lock (Sync)
        {
            _stopped = true;
            _epoch = 0;
            PendingForApp = error;
        }
        _sentTopics = null;
        _target = null;
        State.RaiseAttention();
    }
}
