using Samsa.Client.Cluster;
using Samsa.Client.Diagnostics;
using Samsa.Protocol.Messages;

namespace Samsa.Client;

public sealed partial class KafkaCluster
{
    private readonly HashSet<string> _trackedTopics = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _refreshGate = new(1, 1);
    private readonly SemaphoreSlim _updateSignal = new(0, 1);
    private ClusterMetadata _metadata = ClusterMetadata.Empty;
    private long _refreshCount;
    private long _idleChecks;

    /// <summary>How many times the background loop has checked for idle connections (for tests).</summary>
    internal long IdleChecks => Interlocked.Read(ref _idleChecks);

    /// <summary>How many metadata refreshes have completed (for diagnostics and tests).</summary>
    public long MetadataRefreshCount => Interlocked.Read(ref _refreshCount);

    /// <summary>
    /// Fetches metadata for <paramref name="topics"/> plus every topic tracked so far (null: just brokers and the tracked
    /// topics) from the least-loaded broker and merges it into <see cref="Metadata"/>. Topics asked for are tracked
    /// from then on. Does not create topics. Retries retriable failures until <c>default.api.timeout.ms</c>.
    /// </summary>
    public ValueTask<ClusterMetadata> RefreshMetadataAsync(IEnumerable<string>? topics = null, CancellationToken cancellationToken = default)
    {
        if (topics is not null)
        {
            lock (_trackedTopics)
            {
                foreach (var topic in topics) _trackedTopics.Add(topic);
            }
        }
        return RetryAsync(RefreshOnceAsync, cancellationToken);
    }

    /// <summary>
    /// Fetches metadata for every topic in the cluster (Metadata with a null topic list) and replaces the tracked set.
    /// </summary>
    public ValueTask<ClusterMetadata> RefreshAllTopicsAsync(CancellationToken cancellationToken = default) =>
        RetryAsync(ct => RefreshCoreAsync(allTopics: true, ct), cancellationToken);

    /// <summary>Asks the background loop to refresh metadata soon (coalesced with other requests).</summary>
    public void RequestMetadataUpdate()
    {
        try
        {
            _updateSignal.Release();
        }
        catch (SemaphoreFullException)
        {
            // An update is already pending.
        }
    }

    private ValueTask<ClusterMetadata> RefreshOnceAsync(CancellationToken cancellationToken) => RefreshCoreAsync(false, cancellationToken);

    private async ValueTask<ClusterMetadata> RefreshCoreAsync(bool allTopics, CancellationToken cancellationToken)
    {
        await _refreshGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = await GetAnyConnectionAsync(cancellationToken).ConfigureAwait(false);
            short version = connection.ApiVersions!.Select(Protocol.ApiKey.Metadata);
            // Before v4 brokers always auto-create (if enabled broker-side); the field exists only from v4.
            var request = new MetadataRequest { AllowAutoTopicCreation = version < 4 || Options.AllowAutoCreateTopics };
            if (allTopics) request.Topics = null;
            else
            {
                lock (_trackedTopics)
                {
                    request.Topics = _trackedTopics.Select(t => new MetadataRequest.MetadataRequestTopic { Name = t }).ToList();
                }
            }
            var response = await connection.SendAsync(request, version, null, cancellationToken).ConfigureAwait(false);
            var merged = MetadataMerger.Merge(Metadata, response, allTopics, Time.GetTimestamp(), Logger);
            if (allTopics)
            {
                lock (_trackedTopics)
                {
                    _trackedTopics.Clear();
                    _trackedTopics.UnionWith(merged.Topics.Keys);
                }
            }
            foreach (var broker in merged.Brokers.Values) LearnBroker(broker.NodeId, broker.Host, broker.Port);
            Volatile.Write(ref _metadata, merged);
            Interlocked.Increment(ref _refreshCount);
            return merged;
        }
        finally
        {
            _refreshGate.Release();
        }
    }

    /// <summary>
    /// Refreshes metadata when asked (<see cref="RequestMetadataUpdate"/>) or when it is older than
    /// <c>metadata.max.age.ms</c>, and closes connections idle for longer than <c>connections.max.idle.ms</c>.
    /// </summary>
    private async Task BackgroundLoopAsync()
    {
        var token = _stopping.Token;
        var maxAge = TimeSpan.FromMilliseconds(Options.MetadataMaxAgeMs);
        var maxIdle = TimeSpan.FromMilliseconds(Options.ConnectionsMaxIdleMs);
        var tick = TimeSpan.FromMilliseconds(Math.Clamp(Math.Min(Options.MetadataMaxAgeMs, Options.ConnectionsMaxIdleMs) / 4, 10, 10_000));
        while (!token.IsCancellationRequested)
        {
            bool requested;
            // The tick runs on the cluster's TimeProvider, so a manual clock drives refresh and idle reaping in tests.
            using (var timeout = new CancellationTokenSource(tick, Time))
            using (var wait = CancellationTokenSource.CreateLinkedTokenSource(token, timeout.Token))
            {
                try
                {
                    await _updateSignal.WaitAsync(Timeout.InfiniteTimeSpan, wait.Token).ConfigureAwait(false);
                    requested = true;
                }
                catch (OperationCanceledException) when (!token.IsCancellationRequested)
                {
                    requested = false;
                }
            }
            var current = Metadata;
            bool stale = current.UpdatedTimestamp != 0 && Time.GetElapsedTime(current.UpdatedTimestamp) >= maxAge;
            if (requested || stale)
            {
                if (requested)
                {
                    // Coalesce bursts of errors and avoid hammering: wait retry.backoff.ms since the last update.
                    var since = Time.GetElapsedTime(current.UpdatedTimestamp);
                    var minGap = TimeSpan.FromMilliseconds(Options.RetryBackoffMs);
                    if (current.UpdatedTimestamp != 0 && since < minGap) await Task.Delay(minGap - since, Time, token).ConfigureAwait(false);
                }
                try
                {
                    await RefreshMetadataAsync(null, token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is KafkaException && !token.IsCancellationRequested)
                {
                    Log.MetadataRefreshFailed(Logger, e, e.Message);
                }
            }
            foreach (var node in _brokers.Values.Concat(_bootstrap)) await node.ReapIfIdleAsync(maxIdle).ConfigureAwait(false);
            Interlocked.Increment(ref _idleChecks);
        }
    }
}
