using System.IO.Pipelines;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Samsa.Broker.Mini.Cluster;
using Samsa.Broker.Mini.Configs;
using Samsa.Broker.Mini.Handlers;
using Samsa.Broker.Mini.SchemaRegistry;
using Samsa.Broker.Mini.Transport;
using Samsa.Protocol;

namespace Samsa.Broker.Mini;

/// <summary>
/// An in-process Kafka cluster of one or more brokers that real clients can talk to over TCP, or tests over
/// in-memory pipes. Start with <see cref="StartAsync"/>; dispose to stop.
/// </summary>
public sealed class MiniCluster : IAsyncDisposable
{
    private readonly ClusterState _state;
    private readonly RequestDispatcher _dispatcher;
    private readonly InterceptorRegistry _interceptors = new();
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _shutdown = new();
    private Task _retentionLoop = Task.CompletedTask;
    private SchemaRegistryServer? _schemaRegistry;
    private Task _cleanerLoop = Task.CompletedTask;
    private Task _isrLoop = Task.CompletedTask;
    private Task _balanceLoop = Task.CompletedTask;
    private int _disposed;

    private MiniCluster(MiniClusterOptions options)
    {
        _logger = (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Samsa.Broker.Mini");
        _state = new ClusterState(options, _logger);
        _dispatcher = new RequestDispatcher(_state, HandlerCatalog.Create(), _interceptors, _logger);
    }

    /// <summary>Starts a cluster: binds every broker, recovers any saved state, and starts retention.</summary>
    public static Task<MiniCluster> StartAsync(MiniClusterOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new MiniClusterOptions();
        options.Validate();
        cancellationToken.ThrowIfCancellationRequested();
        var cluster = new MiniCluster(options);
        try
        {
            lock (cluster._state.Sync)
            {
                foreach (var broker in cluster._state.Brokers)
                {
                    broker.Listener = SocketListener.Start(broker, cluster._dispatcher, cluster._logger);
                    broker.IsAlive = true;
                }
                cluster._state.LoadMetadata();
                cluster._state.RefreshTopicConfigs();
                cluster._state.ResumeTransactions();
                foreach (var broker in cluster._state.Brokers) broker.Fetcher = ReplicaFetcher.Start(cluster._state, broker.Id, cluster._logger);
            }
            if (options.SchemaRegistry) cluster._schemaRegistry = SchemaRegistryServer.Start(cluster, options, cluster._logger);
        }
        catch
        {
            _ = cluster.DisposeAsync().AsTask();
            throw;
        }
        Log.ClusterStarted(cluster._logger, cluster._state.ClusterId, options.Brokers, options.DataDirectory ?? "memory");
        cluster._retentionLoop = Task.Run(cluster.RetentionLoopAsync);
        cluster._cleanerLoop = Task.Run(cluster.CleanerLoopAsync);
        cluster._isrLoop = Task.Run(cluster.IsrExpirationLoopAsync);
        cluster._balanceLoop = Task.Run(cluster.LeaderBalanceLoopAsync);
        return Task.FromResult(cluster);
    }

    /// <summary>The cluster id reported in Metadata and DescribeCluster.</summary>
    public string ClusterId => _state.ClusterId;

    /// <summary>Comma-separated host:port of every broker, for a client's bootstrap.servers.</summary>
    public string BootstrapServers => string.Join(',', _state.Brokers.Select(b => b.Endpoint));

    /// <summary>
    /// The base URL of the Confluent-compatible Schema Registry (e.g. <c>http://127.0.0.1:8081</c>), or null when
    /// <see cref="MiniClusterOptions.SchemaRegistry"/> is off.
    /// </summary>
    public string? SchemaRegistryUrl => _schemaRegistry?.Url;

    /// <summary>Number of brokers (node ids are 0..BrokerCount-1).</summary>
    public int BrokerCount => _state.Brokers.Length;

    /// <summary>The host:port broker <paramref name="brokerId"/> listens on.</summary>
    public string EndpointOf(int brokerId) => Broker(brokerId).Endpoint;

    /// <summary>
    /// Opens a socket-free connection to a broker: write Kafka request frames to the returned pipe's Output and read
    /// response frames from its Input. Complete the Output to close the connection.
    /// </summary>
    public IDuplexPipe ConnectInMemory(int brokerId = 0)
    {
        var broker = Broker(brokerId);
        if (!broker.IsAlive) throw new InvalidOperationException($"Broker {brokerId} is stopped.");
        var toServer = new Pipe();
        var toClient = new Pipe();
        new Connection(new DuplexPipe(toServer.Reader, toClient.Writer), broker, _dispatcher, _logger).Start();
        return new DuplexPipe(toClient.Reader, toServer.Writer);
    }

    /// <summary>
    /// Stops a broker as if it crashed: closes its listener and connections, stops its replicas, removes it from every
    /// ISR and moves its leaderships to other in-sync replicas (or out-of-sync ones under
    /// <c>unclean.leader.election.enable</c>) with a leader epoch bump.
    /// </summary>
    public async Task StopBrokerAsync(int brokerId)
    {
        var broker = Broker(brokerId);
        SocketListener? listener;
        ReplicaFetcher? fetcher;
        lock (_state.Sync)
        {
            if (!broker.IsAlive) return;
            listener = broker.Listener;
            broker.Listener = null;
            fetcher = broker.Fetcher;
            broker.Fetcher = null;
            _state.OnBrokerStopped(brokerId);
        }
        if (fetcher is not null) await fetcher.DisposeAsync().ConfigureAwait(false);
        if (listener is not null) await listener.DisposeAsync().ConfigureAwait(false);
        await Task.WhenAll(broker.Connections.AbortAll()).ConfigureAwait(false);
        Log.BrokerStopped(_logger, brokerId);
    }

    /// <summary>
    /// Restarts a stopped broker on its previous port: its replicas truncate any divergent tail, catch up with their
    /// leaders and rejoin the ISR.
    /// </summary>
    public Task StartBrokerAsync(int brokerId)
    {
        var broker = Broker(brokerId);
        lock (_state.Sync)
        {
            if (broker.IsAlive) return Task.CompletedTask;
            broker.Listener = SocketListener.Start(broker, _dispatcher, _logger);
            _state.OnBrokerStarted(brokerId);
            broker.Fetcher = ReplicaFetcher.Start(_state, brokerId, _logger);
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// Adds an interceptor for requests of <paramref name="apiKey"/> (any key when null) reaching
    /// <paramref name="brokerId"/> (any broker when null). Interceptors run in the order added; dispose the result to remove it.
    /// </summary>
    public IDisposable Intercept(ApiKey? apiKey, int? brokerId, RequestInterceptor interceptor)
    {
        ArgumentNullException.ThrowIfNull(interceptor);
        return _interceptors.Add(apiKey, brokerId, interceptor);
    }

    /// <summary>Creates a topic directly (as CreateTopics would), with Kafka-named topic configs.</summary>
    public Task CreateTopicAsync(string name, int partitions = 1, int replicationFactor = 1, IReadOnlyDictionary<string, string>? configs = null)
    {
        lock (_state.Sync)
        {
            var asked = (configs ?? new Dictionary<string, string>()).ToDictionary(kv => kv.Key, kv => (string?)kv.Value);
            var error = TopicValidation.Validate(_state, name, partitions, replicationFactor, asked);
            if (error is { } e) throw new InvalidOperationException($"{e.Code}: {e.Message}");
            _state.CreateTopic(name, _state.AssignReplicas(partitions, replicationFactor), configs ?? new Dictionary<string, string>());
        }
        return Task.CompletedTask;
    }

    /// <summary>Enforces retention on every partition now, instead of waiting for <c>log.retention.check.interval.ms</c>.</summary>
    public void EnforceRetention()
    {
        lock (_state.Sync) _state.ApplyRetention();
    }

    /// <summary>
    /// Runs the log cleaner over every compacted topic now (as its background pass every <c>log.cleaner.backoff.ms</c>
    /// would); returns how many segments were rewritten.
    /// </summary>
    public int CompactLogs()
    {
        lock (_state.Sync) return _state.CleanLogs();
    }

    internal ClusterState State => _state;

    /// <summary>The request dispatcher every connection uses (for frame-level tests without a transport).</summary>
    internal RequestDispatcher Dispatcher => _dispatcher;

    /// <summary>Test hook: pauses (or resumes) replication to <paramref name="brokerId"/>'s follower replicas.</summary>
    internal void PauseReplication(int brokerId, bool paused)
    {
        lock (_state.Sync)
        {
            Broker(brokerId).ReplicationPaused = paused;
            _state.SignalDataArrived();
        }
    }

    /// <summary>Stops every broker, closes every connection and flushes the data directory.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        Log.ClusterStopping(_logger);
        _shutdown.Cancel();
        if (_schemaRegistry is not null) await _schemaRegistry.DisposeAsync().ConfigureAwait(false);
        var closing = new List<Task>();
        foreach (var broker in _state.Brokers)
        {
            SocketListener? listener;
            ReplicaFetcher? fetcher;
            lock (_state.Sync)
            {
                listener = broker.Listener;
                broker.Listener = null;
                fetcher = broker.Fetcher;
                broker.Fetcher = null;
                broker.IsAlive = false;
            }
            if (fetcher is not null) await fetcher.DisposeAsync().ConfigureAwait(false);
            if (listener is not null) await listener.DisposeAsync().ConfigureAwait(false);
            closing.AddRange(broker.Connections.AbortAll());
        }
        await Task.WhenAll(closing).ConfigureAwait(false);
        await _retentionLoop.ConfigureAwait(false);
        await _cleanerLoop.ConfigureAwait(false);
        await _isrLoop.ConfigureAwait(false);
        await _balanceLoop.ConfigureAwait(false);
        lock (_state.Sync) _state.Dispose();
        _shutdown.Dispose();
    }

    private BrokerNode Broker(int brokerId) =>
        brokerId >= 0 && brokerId < _state.Brokers.Length ? _state.Brokers[brokerId]
        : throw new ArgumentOutOfRangeException(nameof(brokerId), brokerId, "No such broker.");

    private async Task RetentionLoopAsync()
    {
        long intervalMs;
        lock (_state.Sync) intervalMs = long.Parse(_state.BrokerConfig(0, BrokerConfigs.LogRetentionCheckIntervalMs).Value!, System.Globalization.CultureInfo.InvariantCulture);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(intervalMs), _state.Time);
        try
        {
            while (await timer.WaitForNextTickAsync(_shutdown.Token).ConfigureAwait(false)) EnforceRetention();
        }
        catch (OperationCanceledException)
        {
            // Shutdown.
        }
    }

    private async Task CleanerLoopAsync()
    {
        long intervalMs;
        lock (_state.Sync) intervalMs = long.Parse(_state.BrokerConfig(0, BrokerConfigs.LogCleanerBackoffMs).Value!, System.Globalization.CultureInfo.InvariantCulture);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(Math.Max(intervalMs, 1)), _state.Time);
        try
        {
            while (await timer.WaitForNextTickAsync(_shutdown.Token).ConfigureAwait(false))
            {
                lock (_state.Sync)
                {
                    if (_state.CleanerEnabled) _state.CleanLogs();
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Shutdown.
        }
    }

    /// <summary>Kafka's isr-expiration task: every half <c>replica.lag.time.max.ms</c>, drop lagging followers from ISRs.</summary>
    private async Task IsrExpirationLoopAsync()
    {
        long lagMs;
        lock (_state.Sync) lagMs = _state.ReplicaLagTimeMaxMs;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(Math.Max(lagMs / 2, 1)), _state.Time);
        try
        {
            while (await timer.WaitForNextTickAsync(_shutdown.Token).ConfigureAwait(false))
            {
                lock (_state.Sync) _state.ExpireIsr();
            }
        }
        catch (OperationCanceledException)
        {
            // Shutdown.
        }
    }

    /// <summary>
    /// The controller's leader balancer: while <c>auto.leader.rebalance.enable</c> is true, every
    /// <c>leader.imbalance.check.interval.seconds</c> leadership moves back to each partition's preferred replica when it
    /// is live and in sync (KRaft balances every such partition; there is no per-broker threshold).
    /// </summary>
    private async Task LeaderBalanceLoopAsync()
    {
        TimeSpan interval;
        lock (_state.Sync) interval = _state.LeaderImbalanceCheckInterval;
        using var timer = new PeriodicTimer(interval, _state.Time);
        try
        {
            while (await timer.WaitForNextTickAsync(_shutdown.Token).ConfigureAwait(false))
            {
                lock (_state.Sync)
                {
                    if (_state.AutoLeaderRebalanceEnabled) _state.BalanceLeaders();
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Shutdown.
        }
    }

    private sealed record DuplexPipe(PipeReader Input, PipeWriter Output) : IDuplexPipe;
}
