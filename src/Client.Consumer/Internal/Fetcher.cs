using Microsoft.Extensions.Logging;
using Samsa.Client;
using Samsa.Protocol;
using Samsa.Protocol.Messages;

namespace Samsa.Consumer.Internal;

/// <summary>
/// The background fetcher: one loop that plans, and at most one Fetch in flight per broker (each with its KIP-227
/// session). It keeps fetching ahead of the application while fewer than <c>fetch.buffer.max.bytes</c> are buffered,
/// resolves pending offset resets with ListOffsets, and reacts to leader changes through metadata.
/// </summary>
internal sealed partial class Fetcher : IAsyncDisposable
{
    private readonly KafkaCluster _cluster;
    private readonly ConsumerOptions _options;
    private readonly ConsumerState _state;
    private readonly ConsumerMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Dictionary<int, FetchSession> _sessions = new();
    private readonly HashSet<int> _busyNodes = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _resetsInFlight;
    private int _refreshing;

    public Fetcher(KafkaCluster cluster, ConsumerOptions options, ConsumerState state, ConsumerMetrics metrics, ILogger logger, TimeProvider time)
    {
        _cluster = cluster;
        _options = options;
        _state = state;
        _metrics = metrics;
        _logger = logger;
        _time = time;
        _loop = Task.Run(RunAsync);
    }

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested) return;
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
            bool waitShort;
            try
            {
                waitShort = PlanAndLaunch();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Log.FetcherPlanFailed(_logger, e);
                waitShort = true;
            }
            var wait = waitShort ? TimeSpan.FromMilliseconds(Math.Max(10, _options.RetryBackoffMs)) : TimeSpan.FromSeconds(1);
            try
            {
                await _state.FetcherWake.WaitAsync(wait, _time, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Starts resets and fetches that can start now; returns true when something should be retried soon.</summary>
    private bool PlanAndLaunch()
    {
        long now = _time.GetTimestamp();
        var metadata = _cluster.Metadata;
        var plans = new Dictionary<int, List<FetchSession.Wanted>>();
        List<(PartitionState State, long Target, int Generation)>? resets = null;
        bool retrySoon = false;
        HashSet<string>? unknownLeaders = null;
        lock (_state.Gate)
        {
            int count = _state.Assigned.Count;
            long perPartitionLimit = Math.Max(_options.MaxPartitionFetchBytes, _options.FetchBufferMaxBytes / Math.Max(1, count));
            bool bufferFull = _state.BufferedBytes >= _options.FetchBufferMaxBytes;
            foreach (var p in _state.Assigned.Values)
            {
                if (p.PendingReset is { } target && !p.Resetting && p.BackoffUntil <= now)
                {
                    p.Resetting = true;
                    (resets ??= []).Add((p, target, p.Generation));
                    continue;
                }
                if (p.BackoffUntil > now) retrySoon = true;
                if (bufferFull || !p.IsFetchable(now, perPartitionLimit)) continue;
                var tp = p.TopicPartition;
                var partitionMetadata = metadata.Partition(tp.Topic, tp.Partition);
                if (partitionMetadata is null || partitionMetadata.LeaderId < 0 || !metadata.Brokers.ContainsKey(partitionMetadata.LeaderId))
                {
                    (unknownLeaders ??= new HashSet<string>(StringComparer.Ordinal)).Add(tp.Topic);
                    retrySoon = true;
                    continue;
                }
                p.LeaderEpoch = partitionMetadata.LeaderEpoch;
                int node = partitionMetadata.LeaderId;
                if (p.PreferredReadReplica >= 0)
                {
                    if (p.PreferredReadReplicaExpiry > now && metadata.Brokers.ContainsKey(p.PreferredReadReplica)) node = p.PreferredReadReplica;
                    else p.PreferredReadReplica = -1;
                }
                if (_busyNodes.Contains(node)) continue;
                if (!plans.TryGetValue(node, out var list)) plans[node] = list = [];
                var topicId = metadata.Topics.TryGetValue(tp.Topic, out var t) ? t.TopicId : Uuid.Zero;
                list.Add(new FetchSession.Wanted(p, p.FetchPosition, p.Generation, p.LeaderEpoch, topicId));
            }
            foreach (var (node, list) in plans)
            {
                _busyNodes.Add(node);
                foreach (var w in list) w.State.Fetching = true;
            }
        }
        if (unknownLeaders is not null) _ = RefreshLeadersAsync(unknownLeaders);
        if (resets is not null)
        {
            Interlocked.Increment(ref _resetsInFlight);
            _ = ResetAsync(resets);
        }
        foreach (var (node, list) in plans) _ = FetchAsync(node, list);
        return retrySoon;
    }

    private async Task ResetAsync(List<(PartitionState State, long Target, int Generation)> resets)
    {
        try
        {
            var request = resets.ToDictionary(r => r.State.TopicPartition, r => r.Target);
            var found = await OffsetLookup.ListAsync(_cluster, request, _options.IsolationLevel, _stop.Token).ConfigureAwait(false);
            lock (_state.Gate)
            {
                foreach (var (state, target, generation) in resets)
                {
                    state.Resetting = false;
                    if (state.Generation != generation || state.PendingReset != target) continue;
                    if (found.TryGetValue(state.TopicPartition, out var listed) && listed.Offset >= 0)
                    {
                        state.SeekTo(listed.Offset);
                        Log.OffsetReset(_logger, state.TopicPartition.ToString(), target == Offsets.Beginning ? "earliest" : "latest", listed.Offset);
                    }
                    else state.BackoffUntil = _time.GetTimestamp() + MsToTicks(_options.RetryBackoffMs);
                }
            }
        }
        catch (Exception e) when (!_stop.IsCancellationRequested)
        {
            Log.OffsetResetFailed(_logger, e);
            lock (_state.Gate)
            {
                long until = _time.GetTimestamp() + MsToTicks(_options.RetryBackoffMs);
                foreach (var (state, _, _) in resets)
                {
                    state.Resetting = false;
                    state.BackoffUntil = until;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            Interlocked.Decrement(ref _resetsInFlight);
            _state.FetcherWake.Set();
        }
    }

    private async Task RefreshLeadersAsync(HashSet<string> topics)
    {
        if (Interlocked.Exchange(ref _refreshing, 1) == 1) return;
        try
        {
            await _cluster.RefreshMetadataAsync(topics, _stop.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is KafkaException or OperationCanceledException)
        {
            Log.MetadataRefreshFailed(_logger, e);
        }
        finally
        {
            Volatile.Write(ref _refreshing, 0);
            _state.FetcherWake.Set();
        }
    }

    private long MsToTicks(long ms) => ms * _time.TimestampFrequency / 1000;
}
