using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Samsa.Client.Connections;
using Samsa.Client.Tests.Support;
using Samsa.Protocol;

namespace Samsa.Client.Tests;

/// <summary>
/// <c>security.protocol=SSL</c> against an in-test TLS server (SslStream over a loopback TcpListener, self-signed
/// certificates) that answers ApiVersions through the scripted server.
/// </summary>
public sealed class TlsTests : IAsyncDisposable
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("samsa-tls-").FullName;
    private readonly ScriptedServer _server = new();
    private Task _acceptLoop = Task.CompletedTask;
    private int _handshakes;

    private int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>A self-signed server certificate for <paramref name="dnsName"/> (with its key) and its PEM file.</summary>
    private (X509Certificate2 Certificate, string PemPath) CreateCertificate(string dnsName, string fileName)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={dnsName}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(dnsName);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, false, 0, critical: true));
        using var ephemeral = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var certificate = X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pfx), null);
        string path = Path.Combine(_directory, fileName);
        File.WriteAllText(path, certificate.ExportCertificatePem());
        return (certificate, path);
    }

    private void StartServer(X509Certificate2 certificate)
    {
        _listener.Start();
        _acceptLoop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                Socket socket;
                try
                {
                    socket = await _listener.AcceptSocketAsync(_stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                _ = Task.Run(async () =>
                {
                    var ssl = new SslStream(new NetworkStream(socket, ownsSocket: true));
                    try
                    {
                        await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate }, _stop.Token);
                        Interlocked.Increment(ref _handshakes);
                        await _server.ServeAsync(new StreamDuplexPipe(ssl, "tls-test-server"));
                    }
                    catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException or OperationCanceledException)
                    {
                        // The client rejected our certificate or went away.
                    }
                    finally
                    {
                        await ssl.DisposeAsync();
                    }
                });
            }
        });
    }

    private KafkaClientOptions Options(string? caLocation, string identification = "https") => new()
    {
        BootstrapServers = $"localhost:{Port}",
        SecurityProtocol = SecurityProtocol.Ssl,
        SslCaLocation = caLocation,
        SslEndpointIdentificationAlgorithm = identification,
        SocketConnectionSetupTimeoutMs = 20_000,
        SocketConnectionSetupTimeoutMaxMs = 20_000,
    };

    private Task<KafkaConnection> ConnectAsync(KafkaClientOptions options)
    {
        options.Validate();
        return KafkaConnection.ConnectAsync(new SocketTransport(options), new BrokerAddress("localhost", Port), options).AsTask().WaitAsync(HangGuard);
    }

    [Fact]
    public async Task ConnectAsync_Ssl_CertificateTrustedThroughCaLocation_HandshakesAndNegotiates()
    {
        var (certificate, pem) = CreateCertificate("localhost", "broker.pem");
        StartServer(certificate);
        var options = new KafkaClientOptions();
        KafkaConfigBinder.BindStrict(options, [new("bootstrap.servers", $"localhost:{Port}"), new("security.protocol", "SSL"), new("ssl.ca.location", pem)]);

        await using var connection = await ConnectAsync(options);

        Assert.True(connection.IsConnected);
        Assert.Equal(ApiKeys.Get(ApiKey.Heartbeat).HighestStableVersion, connection.ApiVersions!.Select(ApiKey.Heartbeat));
        await connection.SendAsync(new Protocol.Messages.HeartbeatRequest { GroupId = "g" }).AsTask().WaitAsync(HangGuard);
        Assert.Equal(1, _handshakes);
    }

    [Fact]
    public async Task ConnectAsync_Ssl_CertificateNotTrusted_ThrowsAuthenticationException()
    {
        var (certificate, _) = CreateCertificate("localhost", "broker.pem");
        var (_, otherCa) = CreateCertificate("localhost", "other-ca.pem");
        StartServer(certificate);

        var withOtherCa = await Assert.ThrowsAsync<KafkaAuthenticationException>(() => ConnectAsync(Options(otherCa)));
        var withOsStore = await Assert.ThrowsAsync<KafkaAuthenticationException>(() => ConnectAsync(Options(null)));

        Assert.Contains("TLS handshake", withOtherCa.Message);
        Assert.False(withOtherCa.IsRetriable);
        Assert.False(withOsStore.IsRetriable);
        Assert.Equal(0, Interlocked.Read(ref _server.RequestsSeen)); // not a byte of Kafka went over an untrusted channel
    }

    [Fact]
    public async Task ConnectAsync_Ssl_HostNameMismatch_FailsWithHttpsIdentificationAndSucceedsWithoutIt()
    {
        var (certificate, pem) = CreateCertificate("broker.example.com", "broker.pem");
        StartServer(certificate);

        var e = await Assert.ThrowsAsync<KafkaAuthenticationException>(() => ConnectAsync(Options(pem, identification: "https")));
        Assert.Contains("localhost", e.Message);

        await using var connection = await ConnectAsync(Options(pem, identification: ""));
        Assert.True(connection.IsConnected);
        await connection.SendAsync(new Protocol.Messages.HeartbeatRequest { GroupId = "g" }).AsTask().WaitAsync(HangGuard);
    }

    [Fact]
    public void Load_CaLocationWithoutCertificates_ThrowsNamingTheKey()
    {
        string empty = Path.Combine(_directory, "empty.pem");
        File.WriteAllText(empty, "not a certificate\n");
        var e = Assert.ThrowsAny<ArgumentException>(() => new SocketTransport(Options(empty)));
        Assert.Equal("ssl.ca.location", e.ParamName);
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _acceptLoop.WaitAsync(HangGuard);
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
