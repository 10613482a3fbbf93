using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Samsa.Client.Security;

namespace Samsa.Client.Connections;

/// <summary>
/// TCP transport (every resolved address is tried in turn, as Kafka's <c>client.dns.lookup=use_all_dns_ips</c>),
/// wrapped in TLS when <c>security.protocol</c> is SSL or SASL_SSL.
/// </summary>
public sealed class SocketTransport : IKafkaTransport
{
    private readonly KafkaClientOptions _options;
    private readonly TlsSettings? _tls;

    /// <summary>Creates the transport; TLS material (trust store, key store) is loaded once here.</summary>
    public SocketTransport(KafkaClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        if (options.SecurityProtocol is SecurityProtocol.Ssl or SecurityProtocol.SaslSsl) _tls = TlsSettings.Load(options);
    }

    /// <inheritdoc />
    public async ValueTask<IDuplexPipe> ConnectAsync(BrokerAddress address, CancellationToken cancellationToken)
    {
        var socket = await ConnectSocketAsync(address, cancellationToken).ConfigureAwait(false);
        Stream stream = new NetworkStream(socket, ownsSocket: true);
        if (_tls is not null)
        {
            var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
            try
            {
                await ssl.AuthenticateAsClientAsync(_tls.ClientOptions(address.Host), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is System.Security.Authentication.AuthenticationException or IOException)
            {
                await ssl.DisposeAsync().ConfigureAwait(false);
                throw new KafkaAuthenticationException(Protocol.ErrorCode.SaslAuthenticationFailed,
                    $"TLS handshake with {address} failed: {e.Message}", e);
            }
            stream = ssl;
        }
        return new StreamDuplexPipe(stream, $"samsa-read {address}");
    }

    private async ValueTask<Socket> ConnectSocketAsync(BrokerAddress address, CancellationToken cancellationToken)
    {
        IPAddress[] addresses = IPAddress.TryParse(address.Host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(address.Host, cancellationToken).ConfigureAwait(false);
        if (addresses.Length == 0) throw new KafkaConnectionException($"No addresses resolved for {address}.", address.ToString());
        List<Exception>? failures = null;
        foreach (var ip in addresses)
        {
            var socket = new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            if (_options.SocketSendBufferBytes > 0) socket.SendBufferSize = _options.SocketSendBufferBytes;
            if (_options.ReceiveBufferBytes > 0) socket.ReceiveBufferSize = _options.ReceiveBufferBytes;
            try
            {
                await socket.ConnectAsync(new IPEndPoint(ip, address.Port), cancellationToken).ConfigureAwait(false);
                return socket;
            }
            catch (SocketException e)
            {
                socket.Dispose();
                (failures ??= []).Add(e);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        throw new KafkaConnectionException($"Could not connect to {address} ({addresses.Length} address(es) tried).",
            address.ToString(), new AggregateException(failures!));
    }
}
