using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Samsa.Broker.Mini.SchemaRegistry;

/// <summary>One parsed HTTP request: method, path (without the query), decoded query parameters, headers and body.</summary>
internal sealed record HttpRequestData(string Method, string Path, IReadOnlyDictionary<string, string> Query, IReadOnlyDictionary<string, string> Headers, byte[] Body);

/// <summary>A response: status, body text and content type.</summary>
internal sealed record HttpResponseData(int Status, string Body, string ContentType);

/// <summary>
/// A minimal HTTP/1.1 server on sockets: persistent connections, Content-Length and chunked request bodies,
/// <c>Expect: 100-continue</c>. Enough for REST clients (HttpClient, python-requests) without ASP.NET Core or
/// HttpListener (which cannot bind an ephemeral port). Handlers run synchronously on the connection's task.
/// </summary>
internal sealed class HttpServer : IAsyncDisposable
{
    private const int MaxHeaderBytes = 64 * 1024;
    private const int MaxBodyBytes = 16 * 1024 * 1024;
    private readonly TcpListener _listener;
    private readonly Func<HttpRequestData, HttpResponseData> _handler;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<Task, TcpClient> _connections = new();
    private Task _acceptLoop = Task.CompletedTask;

    private HttpServer(TcpListener listener, Func<HttpRequestData, HttpResponseData> handler, ILogger logger)
    {
        _listener = listener;
        _handler = handler;
        _logger = logger;
    }

    /// <summary>The port the server listens on.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Binds <paramref name="host"/>:<paramref name="port"/> (0 picks a free port) and starts accepting.</summary>
    public static HttpServer Start(string host, int port, Func<HttpRequestData, HttpResponseData> handler, ILogger logger)
    {
        var address = IPAddress.TryParse(host, out var ip) ? ip : Dns.GetHostAddresses(host)[0];
        var listener = new TcpListener(address, port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        var server = new HttpServer(listener, handler, logger);
        server._acceptLoop = Task.Run(server.AcceptLoopAsync);
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _acceptLoop.ConfigureAwait(false);
        foreach (var client in _connections.Values) client.Dispose();
        await Task.WhenAll(_connections.Keys).ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            client.NoDelay = true;
            var task = Task.Run(() => ServeAsync(client));
            _connections[task] = client;
            _ = task.ContinueWith(t => _connections.TryRemove(t, out _), TaskScheduler.Default);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var reader = new BufferedReader(stream);
                while (!_stop.IsCancellationRequested)
                {
                    var request = await ReadRequestAsync(reader, stream, _stop.Token).ConfigureAwait(false);
                    if (request is null) return;
                    HttpResponseData response;
                    try
                    {
                        response = _handler(request);
                    }
                    catch (Exception e)
                    {
                        RegistryLog.HandlerFailed(_logger, request.Method, request.Path, e);
                        response = new HttpResponseData(500, "{\"error_code\":500,\"message\":\"Internal server error\"}", "application/json");
                    }
                    bool close = request.Headers.TryGetValue("connection", out var c) && c.Equals("close", StringComparison.OrdinalIgnoreCase);
                    await WriteResponseAsync(stream, response, close, _stop.Token).ConfigureAwait(false);
                    if (close) return;
                }
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException or InvalidDataException)
            {
                // The peer went away, sent garbage or the server is stopping: drop the connection.
            }
        }
    }

    private static async Task<HttpRequestData?> ReadRequestAsync(BufferedReader reader, Stream stream, CancellationToken ct)
    {
        var requestLine = await reader.ReadLineAsync(ct).ConfigureAwait(false);
        if (requestLine is null) return null;
        var parts = requestLine.Split(' ');
        if (parts.Length != 3 || !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal)) throw new InvalidDataException("Bad request line.");
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        int headerBytes = 0;
        while (true)
        {
            var line = await reader.ReadLineAsync(ct).ConfigureAwait(false) ?? throw new InvalidDataException("Headers cut short.");
            if (line.Length == 0) break;
            headerBytes += line.Length;
            if (headerBytes > MaxHeaderBytes) throw new InvalidDataException("Headers too large.");
            int colon = line.IndexOf(':');
            if (colon > 0) headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }
        if (headers.TryGetValue("expect", out var expect) && expect.Equals("100-continue", StringComparison.OrdinalIgnoreCase))
            await stream.WriteAsync("HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray(), ct).ConfigureAwait(false);
        byte[] body;
        if (headers.TryGetValue("transfer-encoding", out var te) && te.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            body = await ReadChunkedAsync(reader, ct).ConfigureAwait(false);
        }
        else
        {
            int length = headers.TryGetValue("content-length", out var cl) ? int.Parse(cl, CultureInfo.InvariantCulture) : 0;
            if (length is < 0 or > MaxBodyBytes) throw new InvalidDataException("Bad Content-Length.");
            body = await reader.ReadExactAsync(length, ct).ConfigureAwait(false);
        }
        var target = parts[1];
        int q = target.IndexOf('?');
        var query = new Dictionary<string, string>(StringComparer.Ordinal);
        if (q >= 0)
        {
            foreach (var pair in target[(q + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var kv = pair.Split('=', 2);
                query[Unescape(kv[0])] = kv.Length == 2 ? Unescape(kv[1]) : string.Empty;
            }
            target = target[..q];
        }
        return new HttpRequestData(parts[0].ToUpperInvariant(), target, query, headers, body);
    }

    private static string Unescape(string s) => Uri.UnescapeDataString(s.Replace('+', ' '));

    private static async Task<byte[]> ReadChunkedAsync(BufferedReader reader, CancellationToken ct)
    {
        using var body = new MemoryStream();
        while (true)
        {
            var sizeLine = await reader.ReadLineAsync(ct).ConfigureAwait(false) ?? throw new InvalidDataException("Chunk cut short.");
            int semi = sizeLine.IndexOf(';');
            int size = int.Parse(semi >= 0 ? sizeLine[..semi] : sizeLine, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (size == 0)
            {
                while ((await reader.ReadLineAsync(ct).ConfigureAwait(false))?.Length > 0)
                {
                    // Trailers are ignored.
                }
                return body.ToArray();
            }
            if (body.Length + size > MaxBodyBytes) throw new InvalidDataException("Body too large.");
            body.Write(await reader.ReadExactAsync(size, ct).ConfigureAwait(false));
            await reader.ReadLineAsync(ct).ConfigureAwait(false);
        }
    }

    private static async Task WriteResponseAsync(Stream stream, HttpResponseData response, bool close, CancellationToken ct)
    {
        var body = Encoding.UTF8.GetBytes(response.Body);
        var head = $"HTTP/1.1 {response.Status} {Reason(response.Status)}\r\nContent-Type: {response.ContentType}\r\nContent-Length: {body.Length}\r\n{(close ? "Connection: close\r\n" : string.Empty)}\r\n";
        var bytes = new byte[Encoding.ASCII.GetByteCount(head) + body.Length];
        int n = Encoding.ASCII.GetBytes(head, bytes);
        body.CopyTo(bytes, n);
        await stream.WriteAsync(bytes, ct).ConfigureAwait(false);
    }

    private static string Reason(int status) => status switch
    {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Entity",
        500 => "Internal Server Error",
        _ => "Status",
    };

    /// <summary>Line and exact-length reads over a stream with one reusable buffer.</summary>
    private sealed class BufferedReader(Stream stream)
    {
        private readonly byte[] _buffer = new byte[8192];
        private int _start;
        private int _end;

        public async Task<string?> ReadLineAsync(CancellationToken ct)
        {
            var line = new StringBuilder();
            while (true)
            {
                if (_start == _end && !await FillAsync(ct).ConfigureAwait(false))
                    return line.Length == 0 ? null : throw new InvalidDataException("Line cut short.");
                int nl = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
                int stop = nl < 0 ? _end : nl;
                line.Append(Encoding.ASCII.GetString(_buffer, _start, stop - _start));
                if (line.Length > MaxHeaderBytes) throw new InvalidDataException("Line too long.");
                _start = nl < 0 ? _end : nl + 1;
                if (nl >= 0) return line.Length > 0 && line[^1] == '\r' ? line.ToString(0, line.Length - 1) : line.ToString();
            }
        }

        public async Task<byte[]> ReadExactAsync(int count, CancellationToken ct)
        {
            var result = new byte[count];
            int filled = 0;
            while (filled < count)
            {
                if (_start == _end && !await FillAsync(ct).ConfigureAwait(false)) throw new InvalidDataException("Body cut short.");
                int n = Math.Min(count - filled, _end - _start);
                Buffer.BlockCopy(_buffer, _start, result, filled, n);
                _start += n;
                filled += n;
            }
            return result;
        }

        private async Task<bool> FillAsync(CancellationToken ct)
        {
            _start = 0;
            _end = await stream.ReadAsync(_buffer, ct).ConfigureAwait(false);
            return _end > 0;
        }
    }
}
