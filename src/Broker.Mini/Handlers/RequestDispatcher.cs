using System.Buffers.Binary;
using Microsoft.Extensions.Logging;
using Samsa.Broker.Mini.Cluster;
using Samsa.Broker.Mini.Configs;
using Samsa.Protocol;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Primitives;

namespace Samsa.Broker.Mini.Handlers;

/// <summary>What to do after a request: close, send nothing, or send a response.</summary>
internal readonly record struct DispatchOutcome(bool Close, IKafkaApiMessage? Response, int CorrelationId, ApiKey ApiKey, short Version)
{
    public static DispatchOutcome CloseConnection => new(true, null, 0, default, 0);
}

/// <summary>
/// Parses a frame's header and body, applies interceptors, and routes the request to the handler for its API key.
/// Unknown keys and unsupported versions close the connection (Kafka's behaviour), except ApiVersions, which is
/// answered at v0 with UNSUPPORTED_VERSION and the supported list.
/// </summary>
internal sealed class RequestDispatcher
{
    private readonly IRequestHandler?[] _handlers = new IRequestHandler?[128];
    private readonly ClusterState _cluster;
    private readonly ILogger _logger;
    private readonly InterceptorRegistry _interceptors;

    public RequestDispatcher(ClusterState cluster, IEnumerable<IRequestHandler> handlers, InterceptorRegistry interceptors, ILogger logger)
    {
        _cluster = cluster;
        _logger = logger;
        _interceptors = interceptors;
        foreach (var h in handlers) _handlers[(short)h.Key] = h;
        MaxRequestBytes = int.Parse(cluster.BrokerConfig(0, BrokerConfigs.SocketRequestMaxBytes).Value!, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary><c>socket.request.max.bytes</c>.</summary>
    public int MaxRequestBytes { get; }

    /// <summary>Handlers in key order, for ApiVersions.</summary>
    public IEnumerable<IRequestHandler> Handlers => _handlers.Where(h => h is not null)!;

    /// <summary>
    /// Handles one request frame. The frame belongs to this request until the returned task completes: a handler may
    /// rewrite it (a produced batch gets its offsets in place) and the caller may reuse it afterwards, so nothing that
    /// outlives the request keeps slices of it. Interceptors see a body parsed from their own copy.
    /// </summary>
    public async ValueTask<DispatchOutcome> DispatchAsync(Memory<byte> frame, BrokerNode broker, long connectionId, CancellationToken cancellationToken)
    {
        if (frame.Length < 8)
        {
            Log.MalformedRequest(_logger, broker.Id, connectionId, $"frame of {frame.Length} bytes has no request header");
            return DispatchOutcome.CloseConnection;
        }
        var apiKey = (ApiKey)BinaryPrimitives.ReadInt16BigEndian(frame.Span);
        short version = BinaryPrimitives.ReadInt16BigEndian(frame.Span[2..]);
        var handler = (short)apiKey is >= 0 and < 128 ? _handlers[(short)apiKey] : null;
        bool supported = handler is not null && version >= handler.MinVersion && version <= handler.MaxVersion;
        if (!supported && !(apiKey == ApiKey.ApiVersions && version > 0))
        {
            Log.UnsupportedApi(_logger, broker.Id, connectionId, (short)apiKey, version);
            return DispatchOutcome.CloseConnection;
        }

        RequestHeader header;
        IKafkaApiMessage body;
        try
        {
            var reader = new KafkaReader(frame);
            header = new RequestHeader();
            if (!supported)
            {
                // ApiVersions newer than we know: read the header as the newest layout would and answer at v0.
                header.Read(ref reader, version >= 3 ? (short)2 : (short)1);
                return new DispatchOutcome(false, ApiVersionsHandler.Unsupported(Handlers), header.CorrelationId, apiKey, 0);
            }
            header.Read(ref reader, ApiKeys.RequestHeaderVersion(apiKey, version));
            body = ApiKeys.CreateRequest(apiKey);
            body.Read(ref reader, version);
        }
        catch (Exception ex) when (ex is KafkaProtocolException or ArgumentException or OverflowException or FormatException or IndexOutOfRangeException)
        {
            Log.MalformedRequest(_logger, broker.Id, connectionId, ex.Message);
            return DispatchOutcome.CloseConnection;
        }

        Log.RequestReceived(_logger, broker.Id, apiKey.ToString(), version, header.CorrelationId);
        try
        {
            if (_interceptors.HasAny)
            {
                var seen = new InterceptedRequest(broker.Id, apiKey, version, header, ParseBody(frame.ToArray(), apiKey, version));
                var decision = await _interceptors.RunAsync(seen, cancellationToken).ConfigureAwait(false);
                if (decision.Kind == 1)
                {
                    Log.InterceptorDropped(_logger, broker.Id, connectionId);
                    return DispatchOutcome.CloseConnection;
                }
                if (decision.Kind == 2) return Respond(decision.Response!, header, apiKey, version);
            }
            var context = new RequestContext(_cluster, broker, header, version, connectionId);
            var response = await handler!.HandleAsync(context, body, cancellationToken).ConfigureAwait(false);
            return response is null ? new DispatchOutcome(false, null, header.CorrelationId, apiKey, version) : Respond(response, header, apiKey, version);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return DispatchOutcome.CloseConnection;
        }
        catch (Exception ex)
        {
            Log.HandlerFailed(_logger, ex, broker.Id, apiKey.ToString(), version, connectionId);
            return DispatchOutcome.CloseConnection;
        }
    }

    /// <summary>The body of an already validated frame, parsed again from <paramref name="copy"/>.</summary>
    private static IKafkaApiMessage ParseBody(byte[] copy, ApiKey apiKey, short version)
    {
        var reader = new KafkaReader(copy.AsMemory());
        new RequestHeader().Read(ref reader, ApiKeys.RequestHeaderVersion(apiKey, version));
        var body = ApiKeys.CreateRequest(apiKey);
        body.Read(ref reader, version);
        return body;
    }

    private static DispatchOutcome Respond(IKafkaApiMessage response, RequestHeader header, ApiKey key, short version)
    {
        ResponseSanitizer.Sanitize(response, version);
        return new DispatchOutcome(false, response, header.CorrelationId, key, version);
    }
}

/// <summary>The cluster's interceptors, matched by API key and broker.</summary>
internal sealed class InterceptorRegistry
{
    private readonly Lock _sync = new();
    private ImmutableEntry[] _entries = [];

    private sealed record ImmutableEntry(ApiKey? Key, int? BrokerId, RequestInterceptor Interceptor);

    public bool HasAny => Volatile.Read(ref _entries).Length > 0;

    public IDisposable Add(ApiKey? key, int? brokerId, RequestInterceptor interceptor)
    {
        var entry = new ImmutableEntry(key, brokerId, interceptor);
        lock (_sync) _entries = [.. _entries, entry];
        return new Removal(this, entry);
    }

    public async ValueTask<InterceptResult> RunAsync(InterceptedRequest request, CancellationToken cancellationToken)
    {
        foreach (var e in Volatile.Read(ref _entries))
        {
            if (e.Key is { } k && k != request.ApiKey) continue;
            if (e.BrokerId is { } b && b != request.BrokerId) continue;
            var result = await e.Interceptor(request, cancellationToken).ConfigureAwait(false);
            if (result.Kind != 0) return result;
        }
        return InterceptResult.Continue;
    }

    private sealed class Removal(InterceptorRegistry owner, ImmutableEntry entry) : IDisposable
    {
        public void Dispose()
        {
            lock (owner._sync) owner._entries = owner._entries.Where(x => !ReferenceEquals(x, entry)).ToArray();
        }
    }
}
