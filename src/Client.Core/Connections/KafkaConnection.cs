using System.IO.Pipelines;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Samsa.Client.Diagnostics;
using Samsa.Protocol;
using Samsa.Protocol.Messages;

namespace Samsa.Client.Connections;

/// <summary>
/// One connection to one broker: a write loop that encodes queued requests straight into the pipe, and a read loop that
/// matches responses to requests by correlation id, in order. Up to <c>max.in.flight.requests.per.connection</c>
/// requests wait for responses at once. When the connection fails, every pending request fails with the same
/// <see cref="KafkaException"/>. Thread-safe: any number of callers may send concurrently.
/// </summary>
public sealed partial class KafkaConnection : IAsyncDisposable
{
    private static long s_nextId;

    private readonly IDuplexPipe _pipe;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly byte[] _clientId;
    private readonly int _maxInFlight;
    private readonly long _requestTimeoutMs;
    private readonly int _maxFrameSize;
    private readonly Channel<PendingRequest> _queue;
    private readonly Queue<PendingRequest> _inFlight = new();
    private readonly FramePool _leaseFrames = new(); // reused buffers for leased (Fetch) response frames
    private readonly SemaphoreSlim _slots;
    private readonly CancellationTokenSource _stop = new();
    private readonly ITimer _timeoutTimer;
    private readonly string _endpoint;
    private Task _readLoop = Task.CompletedTask;
    private Task _writeLoop = Task.CompletedTask;
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _closedByClient;
    private Exception? _failure;
    private bool _inFlightClosed;
    private int _nextCorrelationId;
    private long _lastActivity;
    private long _throttledUntil;

    internal KafkaConnection(IDuplexPipe pipe, BrokerAddress address, int? brokerId, ConnectionSettings settings,
        TimeProvider? time = null, ILogger? logger = null)
    {
        _pipe = pipe;
        Address = address;
        BrokerId = brokerId;
        _endpoint = address.ToString();
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _clientId = Encoding.UTF8.GetBytes(settings.ClientId ?? "");
        _maxInFlight = settings.MaxInFlight;
        _requestTimeoutMs = settings.RequestTimeoutMs;
        _maxFrameSize = settings.MaxFrameSize;
        _slots = new SemaphoreSlim(settings.MaxInFlight, settings.MaxInFlight);
        // Synchronous continuations: an idle write loop resumes on the thread that queues a request and writes it there (for
        // the producer, its sender thread), rather than waking another thread.
        _queue = Channel.CreateUnbounded<PendingRequest>(new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = true });
        Id = Interlocked.Increment(ref s_nextId);
        _lastActivity = _time.GetTimestamp();
        long tick = Math.Clamp(_requestTimeoutMs / 10, 10, 1000);
        _timeoutTimer = _time.CreateTimer(static s => ((KafkaConnection)s!).CheckTimeouts(), this,
            TimeSpan.FromMilliseconds(tick), TimeSpan.FromMilliseconds(tick));
    }

    /// <summary>The buffers leased response frames are read into (for tests).</summary>
    internal FramePool LeaseFrames => _leaseFrames;

    /// <summary>A process-unique id for logs.</summary>
    public long Id { get; }

    /// <summary>The broker's address.</summary>
    public BrokerAddress Address { get; }

    /// <summary>The broker's node id, or null for a bootstrap connection whose broker is not yet known.</summary>
    public int? BrokerId { get; }

    /// <summary>The versions negotiated with the broker at connect time (null only before the handshake).</summary>
    public ApiVersionSet? ApiVersions { get; internal set; }

    /// <summary>True until the connection fails or is disposed.</summary>
    public bool IsConnected => Volatile.Read(ref _failure) is null;

    /// <summary>Why the connection failed, or null while it is healthy.</summary>
    public Exception? Failure => Volatile.Read(ref _failure);

    /// <summary>Requests written and still waiting for a response.</summary>
    public int InFlightCount
    {
        get
        {
            lock (_inFlight) return _inFlight.Count;
        }
    }

    /// <summary>Time since the last request was sent or response received.</summary>
    public TimeSpan IdleTime => _time.GetElapsedTime(Volatile.Read(ref _lastActivity));

    /// <summary>Sends a request at the negotiated version and returns its parsed response.</summary>
    public ValueTask<TResponse> SendAsync<TResponse>(IKafkaRequest<TResponse> request, CancellationToken cancellationToken = default)
        where TResponse : IKafkaResponse, new() =>
        SendAsync(request, SelectVersion(request), null, cancellationToken);

    /// <summary>
    /// Sends a request at an explicit <paramref name="version"/>. The response is awaited for <paramref name="timeout"/>
    /// (default <c>request.timeout.ms</c>) after it is written; on timeout the request fails with
    /// <see cref="KafkaTimeoutException"/> and the connection is closed, as Kafka's clients do.
    /// </summary>
    public ValueTask<TResponse> SendAsync<TResponse>(IKafkaRequest<TResponse> request, short version, TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
        where TResponse : IKafkaResponse, new()
    {
        ArgumentNullException.ThrowIfNull(request);
        if (cancellationToken.IsCancellationRequested) return ValueTask.FromCanceled<TResponse>(cancellationToken);
        var pending = ResponsePending<TResponse>.Rent(request, version, TimeoutMs(timeout), cancellationToken);
        Enqueue(pending);
        return pending.Task;
    }

    /// <summary>
    /// Sends a request whose response keeps zero-copy slices of the frame (for example Fetch record sets). Dispose the
    /// lease when done with the response.
    /// </summary>
    public ValueTask<ResponseLease<TResponse>> SendLeasedAsync<TResponse>(IKafkaRequest<TResponse> request, short version,
        TimeSpan? timeout = null, CancellationToken cancellationToken = default)
        where TResponse : IKafkaResponse, new()
    {
        ArgumentNullException.ThrowIfNull(request);
        if (cancellationToken.IsCancellationRequested) return ValueTask.FromCanceled<ResponseLease<TResponse>>(cancellationToken);
        var pending = LeasePending<TResponse>.Rent(request, version, TimeoutMs(timeout), cancellationToken);
        Enqueue(pending);
        return pending.Task;
    }

    /// <summary>Sends a request the broker does not answer (Produce with acks=0); completes once written and flushed.</summary>
    public async ValueTask SendWithoutResponseAsync(IKafkaApiMessage request, short version, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        var pending = OneWayPending.Rent(request, version, _requestTimeoutMs, cancellationToken);
        Enqueue(pending);
        await pending.Task.ConfigureAwait(false);
    }

    /// <summary>The version this connection uses for <paramref name="request"/>'s API.</summary>
    public short SelectVersion(IKafkaApiMessage request)
    {
        var versions = ApiVersions ?? throw new InvalidOperationException("The ApiVersions handshake has not completed.");
        return versions.Select(request.ApiKey, request.HighestSupportedVersion);
    }

    /// <summary>Closes the connection; pending requests fail with <see cref="KafkaConnectionException"/>.</summary>
    public ValueTask DisposeAsync()
    {
        _closedByClient = true;
        Fail(new KafkaConnectionException($"Connection {Id} to {_endpoint} was closed by the client.", _endpoint));
        return new ValueTask(_closed.Task);
    }

    /// <summary>Completes when the connection has failed or closed and its transport is released.</summary>
    public Task Completion => _closed.Task;

    internal void Start()
    {
        _readLoop = Task.Run(ReadLoopAsync);
        _writeLoop = Task.Run(WriteLoopAsync);
    }

    private long TimeoutMs(TimeSpan? timeout) => timeout is { } t ? (long)t.TotalMilliseconds : _requestTimeoutMs;

    private void Enqueue(PendingRequest pending)
    {
        if (_queue.Writer.TryWrite(pending)) return;
        pending.TryFail(Volatile.Read(ref _failure) ?? new KafkaConnectionException("Connection closed.", _endpoint));
        pending.Release();
    }

    /// <summary>Fails the connection once: every queued and in-flight request fails with <paramref name="cause"/>.</summary>
    internal void Fail(Exception cause)
    {
        if (Interlocked.CompareExchange(ref _failure, cause, null) is not null) return;
        _queue.Writer.TryComplete();
        _timeoutTimer.Dispose();
        PendingRequest[] inFlight;
        lock (_inFlight)
        {
            _inFlightClosed = true;
            inFlight = _inFlight.ToArray();
            _inFlight.Clear();
        }
        if (_closedByClient) Log.ConnectionClosed(_logger, Id, _endpoint);
        else
        {
            Log.ConnectionFailed(_logger, cause, Id, _endpoint, inFlight.Length);
            ClientMetrics.ConnectionErrors.Add(1);
        }
        foreach (var pending in inFlight)
        {
            if (pending.TryFail(cause)) ClientMetrics.RequestErrors.Add(1, ClientMetrics.ApiTag(pending.ApiKey));
            pending.Release();
        }
        _stop.Cancel();
        _ = CloseTransportAsync();
    }

    private async Task CloseTransportAsync()
    {
        try
        {
            await Task.WhenAll(_readLoop, _writeLoop).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Loop failures were already reported through Fail.
        }
        ClientMetrics.ActiveConnections.Add(-1);
        try
        {
            if (_pipe is IAsyncDisposable disposable) await disposable.DisposeAsync().ConfigureAwait(false);
            else
            {
                await _pipe.Input.CompleteAsync().ConfigureAwait(false);
                await _pipe.Output.CompleteAsync().ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
        }
        _closed.TrySetResult();
    }
}

/// <summary>Per-connection settings derived from <see cref="KafkaClientOptions"/>.</summary>
internal sealed record ConnectionSettings(string? ClientId, int MaxInFlight, long RequestTimeoutMs, int MaxFrameSize = Protocol.Primitives.FrameReader.DefaultMaxFrameSize)
{
    public static ConnectionSettings From(KafkaClientOptions options) =>
        new(options.ClientId, options.MaxInFlightRequestsPerConnection, options.RequestTimeoutMs);
}
