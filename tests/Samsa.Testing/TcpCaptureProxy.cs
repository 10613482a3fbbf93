using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Samsa.Testing;

/// <summary>
/// A loopback TCP proxy that forwards every connection to one target and records each Kafka frame in both
/// directions (see <see cref="CapturedFrame"/>). Only the request header prefix (api key, version, correlation id,
/// client id) and the response correlation id are read; bytes are forwarded unchanged.
/// </summary>
/// <remarks>
/// Kafka clients connect to the addresses brokers advertise in Metadata, so only traffic sent to the proxy's
/// own address is seen: typically the bootstrap connection (ApiVersions, Metadata, and whatever a client sends
/// on it). To capture everything, point a client at a broker that advertises the proxy, or capture on the
/// loopback interface (see tools/GoldenCapture).
/// </remarks>
public sealed class TcpCaptureProxy : IAsyncDisposable, IDisposable
{
    /// <summary>Frames larger than this are forwarded but not recorded (and stop recording on that stream).</summary>
    public const int MaxRecordedFrameSize = 64 * 1024 * 1024;

    private readonly string _targetHost;
    private readonly int _targetPort;
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<CapturedFrame> _frames = new();
    private readonly ConcurrentDictionary<int, Task> _connections = new();
    private readonly Task _acceptLoop;
    private long _sequence = -1;
    private int _connectionCount;

    /// <summary>Starts listening on 127.0.0.1 (an OS-chosen port) and forwarding to the target.</summary>
    public TcpCaptureProxy(string targetHost, int targetPort)
    {
        _targetHost = targetHost;
        _targetPort = targetPort;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        LocalEndPoint = (IPEndPoint)_listener.LocalEndpoint;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>Creates a proxy for a <c>host:port</c> string (e.g. the first entry of a bootstrap list).</summary>
    public static TcpCaptureProxy ForAddress(string hostPort)
    {
        var first = hostPort.Split(',')[0].Trim();
        var colon = first.LastIndexOf(':');
        if (colon <= 0)
        {
            throw new ArgumentException($"Expected host:port, got '{hostPort}'", nameof(hostPort));
        }

        return new TcpCaptureProxy(first[..colon], int.Parse(first[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>The proxy's listening endpoint.</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>The proxy's <c>host:port</c>, to use as a client's bootstrap server.</summary>
    public string Address => $"127.0.0.1:{LocalEndPoint.Port}";

    /// <summary>Number of client connections accepted so far.</summary>
    public int ConnectionCount => Volatile.Read(ref _connectionCount);

    /// <summary>A snapshot of all frames captured so far, in capture order.</summary>
    public IReadOnlyList<CapturedFrame> Frames => _frames.OrderBy(f => f.Sequence).ToArray();

    /// <summary>Waits until a captured frame matches <paramref name="predicate"/>; returns it, or null on timeout.</summary>
    public async Task<CapturedFrame?> WaitForFrameAsync(Func<CapturedFrame, bool> predicate, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var hit = Frames.FirstOrDefault(predicate);
            if (hit is not null || DateTime.UtcNow >= deadline)
            {
                return hit;
            }

            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Stops accepting, closes every connection and waits for the pumps to finish.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        try
        {
            await _acceptLoop.ConfigureAwait(false);
            await Task.WhenAll(_connections.Values).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException or TimeoutException)
        {
            // Shutting down.
        }

        _stop.Dispose();
    }

    /// <inheritdoc />
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            var id = Interlocked.Increment(ref _connectionCount);
            _connections[id] = Task.Run(() => HandleConnectionAsync(id, client));
        }
    }

    private async Task HandleConnectionAsync(int id, Socket client)
    {
        using var clientSocket = client;
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        clientSocket.NoDelay = true;
        try
        {
            await server.ConnectAsync(_targetHost, _targetPort, _stop.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException)
        {
            return;
        }

        var pending = new ConcurrentDictionary<int, (short ApiKey, short ApiVersion, string? ClientId)>();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        var up = PumpAsync(id, clientSocket, server, FrameDirection.Request, pending, linked.Token);
        var down = PumpAsync(id, server, clientSocket, FrameDirection.Response, pending, linked.Token);
        await Task.WhenAny(up, down).ConfigureAwait(false);
        await linked.CancelAsync().ConfigureAwait(false);
        clientSocket.Close();
        server.Close();
        await Task.WhenAll(up, down).ConfigureAwait(false);
    }

    private async Task PumpAsync(
        int connectionId,
        Socket from,
        Socket to,
        FrameDirection direction,
        ConcurrentDictionary<int, (short ApiKey, short ApiVersion, string? ClientId)> pending,
        CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        var assembler = new FrameAssembler();
        try
        {
            while (true)
            {
                var n = await from.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }

                // Record before forwarding, so a request is registered before its response can arrive.
                foreach (var frame in assembler.Add(buffer.AsSpan(0, n)))
                {
                    Record(connectionId, direction, frame, pending);
                }

                var sent = 0;
                while (sent < n)
                {
                    sent += await to.SendAsync(buffer.AsMemory(sent, n - sent), SocketFlags.None, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Peer closed or proxy stopping.
        }
    }

    private void Record(
        int connectionId,
        FrameDirection direction,
        byte[] frame,
        ConcurrentDictionary<int, (short ApiKey, short ApiVersion, string? ClientId)> pending)
    {
        var payload = frame.AsSpan(4);
        short apiKey = -1, apiVersion = -1;
        var correlationId = -1;
        string? clientId = null;
        if (direction == FrameDirection.Request && payload.Length >= 8)
        {
            apiKey = BinaryPrimitives.ReadInt16BigEndian(payload);
            apiVersion = BinaryPrimitives.ReadInt16BigEndian(payload[2..]);
            correlationId = BinaryPrimitives.ReadInt32BigEndian(payload[4..]);
            clientId = ReadNullableString(payload[8..]);
            pending[correlationId] = (apiKey, apiVersion, clientId);
        }
        else if (direction == FrameDirection.Response && payload.Length >= 4)
        {
            correlationId = BinaryPrimitives.ReadInt32BigEndian(payload);
            if (pending.TryRemove(correlationId, out var request))
            {
                (apiKey, apiVersion, clientId) = request;
            }
        }

        _frames.Enqueue(new CapturedFrame(
            Interlocked.Increment(ref _sequence), connectionId, direction, apiKey, apiVersion, correlationId, clientId, frame, DateTimeOffset.UtcNow));
    }

    // Request header v1+ client_id: INT16 length (-1 = null) then UTF-8 bytes; header v0 (ControlledShutdown v0) has none.
    private static string? ReadNullableString(ReadOnlySpan<byte> span)
    {
        if (span.Length < 2)
        {
            return null;
        }

        var length = BinaryPrimitives.ReadInt16BigEndian(span);
        return length < 0 || span.Length < 2 + length ? null : Encoding.UTF8.GetString(span.Slice(2, length));
    }

    /// <summary>Splits a byte stream into whole size-prefixed frames.</summary>
    private sealed class FrameAssembler
    {
        private byte[] _buffer = new byte[4096];
        private int _count;
        private bool _broken;

        public List<byte[]> Add(ReadOnlySpan<byte> data)
        {
            var frames = new List<byte[]>();
            if (_broken)
            {
                return frames;
            }

            if (_count + data.Length > _buffer.Length)
            {
                Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _count + data.Length));
            }

            data.CopyTo(_buffer.AsSpan(_count));
            _count += data.Length;

            var offset = 0;
            while (_count - offset >= 4)
            {
                var size = BinaryPrimitives.ReadInt32BigEndian(_buffer.AsSpan(offset));
                if (size < 0 || size > MaxRecordedFrameSize)
                {
                    _broken = true;
                    return frames;
                }

                if (_count - offset < 4 + size)
                {
                    break;
                }

                frames.Add(_buffer.AsSpan(offset, 4 + size).ToArray());
                offset += 4 + size;
            }

            _buffer.AsSpan(offset, _count - offset).CopyTo(_buffer);
            _count -= offset;
            return frames;
        }
    }
}
