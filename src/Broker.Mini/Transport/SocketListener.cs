using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Samsa.Broker.Mini.Cluster;
using Samsa.Broker.Mini.Handlers;

namespace Samsa.Broker.Mini.Transport;

/// <summary>Accepts TCP connections for one broker and runs a <see cref="Connection"/> per socket.</summary>
internal sealed class SocketListener : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly BrokerNode _broker;
    private readonly RequestDispatcher _dispatcher;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _cts = new();
    private readonly Task _acceptLoop;

    private SocketListener(Socket socket, BrokerNode broker, RequestDispatcher dispatcher, ILogger logger)
    {
        _socket = socket;
        _broker = broker;
        _dispatcher = dispatcher;
        _logger = logger;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>Binds <paramref name="broker"/>'s host and port (0 = ephemeral, then recorded on the broker) and starts accepting.</summary>
    public static SocketListener Start(BrokerNode broker, RequestDispatcher dispatcher, ILogger logger)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(new IPEndPoint(IPAddress.Parse(broker.Host), broker.Port));
            socket.Listen(512);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        broker.Port = ((IPEndPoint)socket.LocalEndPoint!).Port;
        Log.BrokerListening(logger, broker.Id, broker.Endpoint);
        return new SocketListener(socket, broker, dispatcher, logger);
    }

    private async Task AcceptLoopAsync()
    {
        while (!_cts.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _socket.AcceptAsync(_cts.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                break;
            }
            client.NoDelay = true;
            var stream = new NetworkStream(client, ownsSocket: true);
            // 64 KiB reads (the default is 4 KiB): a request larger than that is rarely read in more than a few calls.
            var pipe = new StreamDuplexPipe(PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 65_536, minimumReadSize: 16_384)), PipeWriter.Create(stream));
            Log.ConnectionAccepted(_logger, _broker.Id, 0, client.RemoteEndPoint?.ToString() ?? "?");
            new Connection(pipe, _broker, _dispatcher, _logger, stream).Start();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _cts.Cancel();
        _socket.Dispose();
        await _acceptLoop.ConfigureAwait(false);
        _cts.Dispose();
    }

    private sealed record StreamDuplexPipe(PipeReader Input, PipeWriter Output) : IDuplexPipe;
}
