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
internal sealed partial class ClassicGroup : GroupMemberBase
{
    private readonly IReadOnlyList<IConsumerPartitionAssignor> _assignors;
    private readonly RebalanceProtocol _protocol;
    private bool _rejoinNeeded = true;
    private int _generation = -1;
    private Dictionary<string, int> _joinedPartitionCounts = new(StringComparer.Ordinal);

    public ClassicGroup(KafkaCluster cluster, ConsumerOptions options, ConsumerState state, GroupOffsets offsets,
        IReadOnlyList<IConsumerPartitionAssignor> assignors, RebalanceHandlers handlers,
        Func<IReadOnlyCollection<TopicPartition>?, List<TopicPartitionOffset>> committable, Action<IReadOnlyCollection<TopicPartition>> initializePositions,
        ConsumerMetrics metrics, ILogger logger, TimeProvider time)
        : base(cluster, options, state, offsets, handlers, committable, initializePositions, metrics, logger, time)
    {
        _assignors = assignors;
        // Java: the rebalance protocol is the newest one every configured assignor supports.
        _protocol = assignors.All(a => a.SupportedProtocols.Contains(RebalanceProtocol.Cooperative)) ? RebalanceProtocol.Cooperative : RebalanceProtocol.Eager;
    }

    public int Generation
    {
        get
        {
            lock (Sync) return _generation;
        }
    }

    /// <summary>Static members stay in the group on close, as in Kafka; dynamic ones leave.</summary>
    protected override bool LeavesOnClose => Options.GroupInstanceId is null && MemberId.Length > 0;

    protected override void OnSubscribedLocked() => _rejoinNeeded = true;

    protected override void OnConsumeResumedLocked() => _rejoinNeeded = true;

    /// <summary>Commits as the current generation's member.</summary>
    protected override (int Generation, string MemberId) CommitIdentityLocked() =>
        Subscribed ? (_generation, CurrentMemberId) : (-1, "");

    /// <summary>One round of membership work; returns how long to wait before the next.</summary>
    protected override async Task<TimeSpan> StepAsync(CancellationToken token)
    {
        bool subscribed, rejoin, waitingForConsume;
        lock (Sync)
        {
            subscribed = Subscribed;
            rejoin = _rejoinNeeded || _generation < 0;
            waitingForConsume = WaitingForConsume;
        }
        if (!subscribed)
        {
            if (MemberId.Length > 0)
            {
                await Partitions.RevokeAllAsync(lost: false).ConfigureAwait(false);
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
        if (Poll.Expired(out long elapsedMs)) return await LeaveAfterPollTimeoutAsync(elapsedMs, token).ConfigureAwait(false);
        await HeartbeatAsync(token).ConfigureAwait(false);
        await MaybeAutoCommitAsync(token).ConfigureAwait(false);
        if (await SubscriptionChangedAsync(token).ConfigureAwait(false)) lock (Sync) _rejoinNeeded = true;
        long next = Math.Min(Options.HeartbeatIntervalMs, Poll.MsUntilDeadline(10));
        if (Options.EnableAutoCommit) next = Math.Min(next, MsUntilAutoCommit());
        return TimeSpan.FromMilliseconds(next);
    }
}
