using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Samsa.Admin;
using Samsa.Streams.Internals;
using Samsa.Streams.Runtime;

namespace Samsa.Streams;

/// <summary>
/// Runs a topology (Kafka's <c>KafkaStreams</c>): creates the internal topics, bootstraps global stores, then runs
/// <c>num.stream.threads</c> stream threads that share the application's tasks with every other instance of the same
/// <c>application.id</c> through the consumer group. State follows Kafka's machine
/// (<see cref="KafkaStreamsState"/>) and is reported through <see cref="StateChanged"/>.
/// </summary>
public sealed partial class KafkaStreams : IAsyncDisposable
{
    private readonly ITopologyModel _model;
    private readonly StreamsConfig _config;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly StateDirectory _stateDirectory;
    private readonly object _sync = new();
    private readonly List<StreamThread> _threads = [];
    private Func<Exception, StreamsUncaughtExceptionResponse>? _exceptionHandler;
    private KafkaStreamsState _state = KafkaStreamsState.Created;
    private RuntimeContext? _context;
    private AdminClient? _admin;
    private GlobalStreamThread? _global;
    private Task? _errorShutdown;
    private IDisposable? _stateLock;

    /// <summary>Creates an instance for <paramref name="topology"/>; nothing connects until <see cref="StartAsync"/>.</summary>
    /// <param name="topology">The topology to run (built from a <c>StreamsBuilder</c> or the Processor API).</param>
    /// <param name="config">Settings; <c>application.id</c> and <c>bootstrap.servers</c> are required.</param>
    /// <param name="loggerFactory">Logging for the runtime and its clients (none when null).</param>
    /// <param name="timeProvider">The clock (the system clock when null).</param>
    public KafkaStreams(Topology topology, StreamsConfig config, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
        : this((topology ?? throw new ArgumentNullException(nameof(topology))).Build(config), config, loggerFactory, timeProvider)
    {
    }

    internal KafkaStreams(ITopologyModel model, StreamsConfig config, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(config);
        if (string.IsNullOrWhiteSpace(config.ApplicationId)) throw new ArgumentException("application.id is required.", nameof(config));
        if (string.IsNullOrWhiteSpace(config.BootstrapServers)) throw new ArgumentException("bootstrap.servers is required.", nameof(config));
        if (config.NumStreamThreads < 1) throw new ArgumentException("num.stream.threads must be at least 1.", nameof(config));
        if (config.ProcessingGuarantee is not ("at_least_once" or "exactly_once_v2" or "exactly_once" or "exactly_once_beta"))
            throw new ArgumentException($"processing.guarantee '{config.ProcessingGuarantee}' is not one of at_least_once, exactly_once_v2.", nameof(config));
        if (config.NumStandbyReplicas != 0)
            throw new ArgumentException("num.standby.replicas: standby tasks are not supported yet; leave it at 0 (stores restore from their changelogs).", nameof(config));
        if (config.MaxTaskIdleMs > 0)
            throw new ArgumentException("max.task.idle.ms: waiting for empty inputs is not supported yet; use 0 or -1 (tasks process whatever is buffered).", nameof(config));
        if (config.TopologyOptimization is not ("none" or "all"))
            throw new ArgumentException($"topology.optimization '{config.TopologyOptimization}' is not one of none, all.", nameof(config));
        _model = model;
        _config = config;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger("Samsa.Streams.KafkaStreams");
        _time = timeProvider ?? TimeProvider.System;
        _stateDirectory = new StateDirectory(config);
    }

    /// <summary>The current state.</summary>
    public KafkaStreamsState State
    {
        get
        {
            lock (_sync) return _state;
        }
    }

    /// <summary>Raised on every state change, on the thread that caused it; keep handlers short.</summary>
    public event EventHandler<KafkaStreamsStateChange>? StateChanged;

    /// <summary>
    /// Decides what happens when a stream thread dies of an exception (default: <see cref="StreamsUncaughtExceptionResponse.ShutdownClient"/>).
    /// Only allowed before <see cref="StartAsync"/>.
    /// </summary>
    public void SetUncaughtExceptionHandler(Func<Exception, StreamsUncaughtExceptionResponse> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_sync)
        {
            if (_state != KafkaStreamsState.Created) throw new StreamsException("The uncaught-exception handler can only be set before the instance starts.");
            _exceptionHandler = handler;
        }
    }

    /// <summary>
    /// Starts the instance: creates internal topics (repartition and changelog), validates co-partitioning, bootstraps
    /// global stores, then starts the stream threads, which join the group and restore their tasks in the background
    /// (state REBALANCING until every thread runs). Throws <see cref="StreamsException"/> for topology problems.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (!TrySetState(KafkaStreamsState.Rebalancing, KafkaStreamsState.Created))
            throw new StreamsException($"Cannot start a KafkaStreams instance in state {State}; create a new one.");
        try
        {
            _stateLock = _stateDirectory.Lock();
            _admin = new AdminClientBuilder(ClientConfigs.Admin(_config, _config.ApplicationId + "-admin"))
                .WithLogging(_loggerFactory).WithTimeProvider(_time).Build();
            var topology = await new InternalTopicManager(_admin, _config, _logger).PrepareAsync(_model, cancellationToken).ConfigureAwait(false);
            _context = new RuntimeContext(_config, topology, _stateDirectory, _stateDirectory.ProcessId(), _admin, _loggerFactory, _time);
            Log.Starting(_logger, _config.ApplicationId, _context.ProcessId, _config.NumStreamThreads, _config.ProcessingGuarantee);
            if (_model.GlobalStores.Count > 0)
            {
                _global = new GlobalStreamThread(_context, [.. _model.GlobalStores.Select(g => g.SourceTopic).Distinct(StringComparer.Ordinal)]);
                _global.Failed += e => OnThreadFailed(null, e);
                await _global.StartAsync(cancellationToken).ConfigureAwait(false);
            }
            lock (_sync)
            {
                for (int i = 0; i < _config.NumStreamThreads; i++) StartThread(i);
            }
        }
        catch
        {
            TrySetState(KafkaStreamsState.PendingError);
            await StopEverythingAsync().ConfigureAwait(false);
            TrySetState(KafkaStreamsState.Error);
            throw;
        }
    }

    /// <summary>
    /// Shuts down: every thread commits and closes its tasks (writing checkpoints), leaves the group, and the instance
    /// ends in NOT_RUNNING (or stays in ERROR). Returns false when <paramref name="timeout"/> elapsed first.
    /// </summary>
    public async Task<bool> CloseAsync(TimeSpan? timeout = null)
    {
        bool closing;
        lock (_sync)
        {
            closing = _state is not (KafkaStreamsState.NotRunning or KafkaStreamsState.Error or KafkaStreamsState.PendingError or KafkaStreamsState.PendingShutdown);
        }
        if (closing)
        {
            if (State == KafkaStreamsState.Created)
            {
                TrySetState(KafkaStreamsState.PendingShutdown);
                TrySetState(KafkaStreamsState.NotRunning);
                return true;
            }
            TrySetState(KafkaStreamsState.PendingShutdown);
        }
        var work = closing ? StopEverythingAsync() : _errorShutdown ?? Task.CompletedTask;
        try
        {
            if (timeout is { } limit) await work.WaitAsync(limit, _time).ConfigureAwait(false);
            else await work.ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return false;
        }
        if (closing) TrySetState(KafkaStreamsState.NotRunning);
        return true;
    }

    /// <summary>Closes the instance (see <see cref="CloseAsync"/>).</summary>
    public async ValueTask DisposeAsync() => await CloseAsync().ConfigureAwait(false);

    /// <summary>
    /// Deletes this application's local state (every task and global directory under <c>state.dir/application.id</c>),
    /// as Kafka's <c>cleanUp()</c>. Only allowed before start or after close.
    /// </summary>
    public void CleanUp()
    {
        if (State is not (KafkaStreamsState.Created or KafkaStreamsState.NotRunning or KafkaStreamsState.Error))
            throw new StreamsException($"CleanUp() is only allowed before StartAsync or after CloseAsync (state is {State}).");
        _stateDirectory.CleanUp();
    }

    /// <summary>Test hook: stops every thread as if the process had crashed (no commit, abort or checkpoint).</summary>
    internal async Task CrashAsync()
    {
        List<StreamThread> threads;
        lock (_sync)
        {
            _state = KafkaStreamsState.PendingShutdown;
            threads = [.. _threads];
        }
        foreach (var thread in threads) thread.Abandon();
        foreach (var thread in threads) await thread.DisposeAsync().ConfigureAwait(false);
        if (_global is not null) await _global.DisposeAsync().ConfigureAwait(false);
        if (_admin is not null) await _admin.DisposeAsync().ConfigureAwait(false);
        Interlocked.Exchange(ref _stateLock, null)?.Dispose();
        lock (_sync) _state = KafkaStreamsState.NotRunning;
    }

    internal IReadOnlyList<StreamThread> Threads
    {
        get
        {
            lock (_sync) return [.. _threads];
        }
    }

    private void StartThread(int index)
    {
        var thread = new StreamThread(_context!, index);
        thread.StateChanged += _ => OnThreadStateChanged();
        thread.Failed += OnThreadFailed;
        _threads.Add(thread);
        thread.Start();
    }

    private void OnThreadStateChanged()
    {
        KafkaStreamsState next;
        lock (_sync)
        {
            if (_state is not (KafkaStreamsState.Rebalancing or KafkaStreamsState.Running)) return;
            var alive = _threads.Where(t => t.State != StreamThreadState.Dead).ToList();
            next = alive.Count > 0 && alive.All(t => t.State == StreamThreadState.Running) ? KafkaStreamsState.Running : KafkaStreamsState.Rebalancing;
        }
        TrySetState(next, KafkaStreamsState.Rebalancing, KafkaStreamsState.Running);
    }

    private void OnThreadFailed(StreamThread? thread, Exception exception)
    {
        var response = StreamsUncaughtExceptionResponse.ShutdownClient;
        try
        {
            if (thread is not null && _exceptionHandler is { } handler) response = handler(exception);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Log.HandlerFailed(_logger, e);
        }
        Log.ThreadDied(_logger, exception, thread?.Name ?? "global thread", response);
        lock (_sync)
        {
            if (_state is not (KafkaStreamsState.Rebalancing or KafkaStreamsState.Running)) return;
            if (response == StreamsUncaughtExceptionResponse.ReplaceThread && thread is not null)
            {
                _threads.Remove(thread);
                StartThread(thread.Index);
                return;
            }
        }
        if (response == StreamsUncaughtExceptionResponse.ShutdownApplication) Log.ShutdownApplicationLocalOnly(_logger);
        if (!TrySetState(KafkaStreamsState.PendingError, KafkaStreamsState.Rebalancing, KafkaStreamsState.Running)) return;
        _errorShutdown = Task.Run(async () =>
        {
            await StopEverythingAsync().ConfigureAwait(false);
            TrySetState(KafkaStreamsState.Error);
        });
    }

    private async Task StopEverythingAsync()
    {
        List<StreamThread> threads;
        lock (_sync) threads = [.. _threads];
        foreach (var thread in threads) thread.RequestShutdown();
        foreach (var thread in threads) await thread.DisposeAsync().ConfigureAwait(false);
        if (_global is not null) await _global.DisposeAsync().ConfigureAwait(false);
        if (_admin is not null) await _admin.DisposeAsync().ConfigureAwait(false);
        Interlocked.Exchange(ref _stateLock, null)?.Dispose();
    }

    /// <summary>Moves to <paramref name="next"/> when the move is legal (and, if given, the current state is one of <paramref name="from"/>).</summary>
    private bool TrySetState(KafkaStreamsState next, params KafkaStreamsState[] from)
    {
        KafkaStreamsState old;
        lock (_sync)
        {
            old = _state;
            if (from.Length > 0 && !from.Contains(old)) return false;
            if (!IsValidTransition(old, next)) return false;
            _state = next;
        }
        Log.StateChanged(_logger, _config.ApplicationId, old, next);
        StateChanged?.Invoke(this, new KafkaStreamsStateChange(old, next));
        return true;
    }

    private static bool IsValidTransition(KafkaStreamsState from, KafkaStreamsState to) => (from, to) switch
    {
        (KafkaStreamsState.Created, KafkaStreamsState.Rebalancing or KafkaStreamsState.PendingShutdown) => true,
        (KafkaStreamsState.Rebalancing, KafkaStreamsState.Running or KafkaStreamsState.PendingShutdown or KafkaStreamsState.PendingError) => true,
        (KafkaStreamsState.Running, KafkaStreamsState.Rebalancing or KafkaStreamsState.PendingShutdown or KafkaStreamsState.PendingError) => true,
        (KafkaStreamsState.PendingShutdown, KafkaStreamsState.NotRunning) => true,
        (KafkaStreamsState.PendingError, KafkaStreamsState.Error) => true,
        _ => false,
    };
}
