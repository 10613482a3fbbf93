using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Samsa.Client.Cluster;
using Samsa.Client.Connections;
using Samsa.Client.Diagnostics;
using Samsa.Protocol;

namespace Samsa.Client;

/// <summary>
/// The shared entry point to a Kafka cluster: bootstraps from <c>bootstrap.servers</c>, keeps one connection per broker,
/// caches metadata (refreshed on demand, on stale-metadata errors and every <c>metadata.max.age.ms</c>), and routes
/// requests to partition leaders, group/transaction coordinators or any broker. Producers, consumers and admin clients
/// build on it. Thread-safe.
/// </summary>
public sealed partial class KafkaCluster : IAsyncDisposable
{
    private readonly ConcurrentDictionary<int, BrokerNode> _brokers = new();
    private readonly BrokerNode[] _bootstrap;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _background;
    private int _bootstrapCursor;

    /// <summary>Creates the cluster client; options are validated here. No connection is opened until first use.</summary>
    /// <param name="options">Client options.</param>
    /// <param name="loggerFactory">Logging; none by default.</param>
    /// <param name="timeProvider">Clock; the system clock by default.</param>
    /// <param name="transport">Transport; TCP/TLS per <c>security.protocol</c> by default, or an <see cref="InMemoryTransport"/>.</param>
    public KafkaCluster(KafkaClientOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null,
        IKafkaTransport? transport = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        LoggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        Logger = LoggerFactory.CreateLogger("Samsa.Client.Cluster");
        Time = timeProvider ?? TimeProvider.System;
        Transport = transport ?? new SocketTransport(options);
        _bootstrap = BrokerAddress.ParseList(options.BootstrapServers).Select(a => new BrokerNode(this, null, a)).ToArray();
        _background = Task.Run(BackgroundLoopAsync);
    }

    /// <summary>The validated options.</summary>
    public KafkaClientOptions Options { get; }

    /// <summary>The current metadata snapshot (<see cref="ClusterMetadata.Empty"/> before the first refresh).</summary>
    public ClusterMetadata Metadata => Volatile.Read(ref _metadata);

    internal TimeProvider Time { get; }

    internal IKafkaTransport Transport { get; }

    internal ILoggerFactory LoggerFactory { get; }

    internal ILogger Logger { get; }

    internal CancellationToken Stopping => _stopping.Token;

    /// <summary>The connection to broker <paramref name="nodeId"/>, opening it if needed (the broker must be in metadata).</summary>
    public async ValueTask<KafkaConnection> GetConnectionAsync(int nodeId, CancellationToken cancellationToken = default)
    {
        var node = NodeFor(nodeId) ?? await NodeAfterRefreshAsync(nodeId, cancellationToken).ConfigureAwait(false);
        return await node.GetAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A connection to any broker: an open one with the fewest requests in flight, else a known broker not backing
    /// off, else a bootstrap address (rotating), as Kafka's least-loaded-node choice does.
    /// </summary>
    public async ValueTask<KafkaConnection> GetAnyConnectionAsync(CancellationToken cancellationToken = default)
    {
        KafkaConnection? best = null;
        foreach (var node in _brokers.Values)
        {
            if (node.Current is { } c && (best is null || c.InFlightCount < best.InFlightCount)) best = c;
        }
        if (best is not null) return best;
        var candidates = _brokers.Values.Where(n => !n.IsBackingOff).ToList();
        if (candidates.Count == 0) candidates = _bootstrap.Where(n => !n.IsBackingOff).ToList();
        if (candidates.Count == 0) candidates = [.. _bootstrap];
        var chosen = candidates[(int)((uint)Interlocked.Increment(ref _bootstrapCursor) % (uint)candidates.Count)];
        return await chosen.GetAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The connection to the leader of <paramref name="topic"/>-<paramref name="partition"/>, refreshing metadata and
    /// retrying (with <c>retry.backoff.ms</c>) while the leader is unknown, until <c>default.api.timeout.ms</c>.
    /// </summary>
    public async ValueTask<KafkaConnection> GetLeaderConnectionAsync(string topic, int partition, CancellationToken cancellationToken = default)
    {
        var leader = await GetLeaderAsync(topic, partition, cancellationToken).ConfigureAwait(false);
        return await GetConnectionAsync(leader.LeaderId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The partition's metadata with a live leader, refreshing metadata while needed (see <see cref="GetLeaderConnectionAsync"/>).</summary>
    public ValueTask<PartitionMetadata> GetLeaderAsync(string topic, int partition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(topic);
        if (Metadata.Partition(topic, partition) is { LeaderId: >= 0 } known && Metadata.Brokers.ContainsKey(known.LeaderId))
            return new ValueTask<PartitionMetadata>(known);
        return RetryAsync(async ct =>
        {
            var metadata = await RefreshMetadataAsync([topic], ct).ConfigureAwait(false);
            if (!metadata.Topics.TryGetValue(topic, out var t)) throw new KafkaException(ErrorCode.UnknownTopicOrPartition);
            if (t.Error != ErrorCode.None) throw KafkaException.FromErrorCode(t.Error, $"Topic '{topic}': {t.Error.Describe()}");
            if (!t.Partitions.TryGetValue(partition, out var p)) throw new KafkaException(ErrorCode.UnknownTopicOrPartition, $"Topic '{topic}' has no partition {partition}.");
            if (p.LeaderId < 0 || !metadata.Brokers.ContainsKey(p.LeaderId)) throw new KafkaException(ErrorCode.LeaderNotAvailable, $"{topic}-{partition} has no leader.");
            return p;
        }, cancellationToken);
    }

    /// <summary>
    /// Reacts to an error code from a response: requests a metadata refresh when the error means metadata is stale
    /// (NOT_LEADER_OR_FOLLOWER, UNKNOWN_TOPIC_OR_PARTITION, LEADER_NOT_AVAILABLE, FENCED_LEADER_EPOCH…). Returns true when it did.
    /// </summary>
    public bool HandleError(ErrorCode error)
    {
        if (!MetadataMerger.CallsForRefresh(error)) return false;
        RequestMetadataUpdate();
        return true;
    }

    /// <summary>
    /// Runs <paramref name="attempt"/> until it succeeds, retrying <see cref="KafkaException.IsRetriable"/> failures with
    /// exponential backoff (<c>retry.backoff.ms</c> to <c>retry.backoff.max.ms</c>, with jitter) until
    /// <c>default.api.timeout.ms</c>, then throwing <see cref="KafkaTimeoutException"/> with the last failure inside.
    /// Non-retriable failures surface at once.
    /// </summary>
    public async ValueTask<T> RetryAsync<T>(Func<CancellationToken, ValueTask<T>> attempt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        long start = Time.GetTimestamp();
        var deadline = TimeSpan.FromMilliseconds(Options.DefaultApiTimeoutMs);
        for (int failures = 1; ; failures++)
        {
            try
            {
                return await attempt(cancellationToken).ConfigureAwait(false);
            }
            catch (KafkaException e) when (e.IsRetriable && !cancellationToken.IsCancellationRequested)
            {
                HandleError(e.ErrorCode);
                var backoff = Backoff.Compute(Options.RetryBackoffMs, Options.RetryBackoffMaxMs, failures);
                var elapsed = Time.GetElapsedTime(start);
                if (elapsed + backoff >= deadline)
                    throw new KafkaTimeoutException($"Gave up after {failures} attempt(s) in {elapsed.TotalMilliseconds:F0} ms: {e.Message}", e.ErrorCode, e);
                Log.Retrying(Logger, e.ErrorCode, failures, (long)backoff.TotalMilliseconds);
                await Task.Delay(backoff, Time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Closes every connection and stops background refresh.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested) return;
        _stopping.Cancel();
        try
        {
            await _background.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        foreach (var node in _brokers.Values.Concat(_bootstrap)) await node.CloseAsync().ConfigureAwait(false);
    }

    private BrokerNode? NodeFor(int nodeId)
    {
        if (_brokers.TryGetValue(nodeId, out var node)) return node;
        if (!Metadata.Brokers.TryGetValue(nodeId, out var info)) return null;
        // Static lambda with state: a capturing one would allocate its closure on every call, hits included.
        return _brokers.GetOrAdd(nodeId, static (id, state) => new BrokerNode(state.Cluster, id, state.Address), (Cluster: this, info.Address));
    }

    private async ValueTask<BrokerNode> NodeAfterRefreshAsync(int nodeId, CancellationToken cancellationToken)
    {
        await RefreshMetadataAsync(null, cancellationToken).ConfigureAwait(false);
        return NodeFor(nodeId) ?? throw new KafkaException(ErrorCode.BrokerNotAvailable, $"Broker {nodeId} is not in the cluster metadata.");
    }

    /// <summary>Registers (or moves) a broker learned outside Metadata, such as a coordinator.</summary>
    internal void LearnBroker(int nodeId, string host, int port)
    {
        var address = new BrokerAddress(host, port);
        var node = _brokers.GetOrAdd(nodeId, id => new BrokerNode(this, id, address));
        if (node.Address != address) node.Address = address;
    }
}
