using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Samsa.Client.Diagnostics;
using Samsa.Client.Security;
using Samsa.Protocol;
using Samsa.Protocol.Messages;

namespace Samsa.Client.Connections;

public sealed partial class KafkaConnection
{
    /// <summary>The client software name sent in ApiVersions v3+.</summary>
    public const string ClientSoftwareName = "samsa-dotnet";

    /// <summary>The client software version sent in ApiVersions v3+.</summary>
    public static readonly string ClientSoftwareVersion =
        typeof(KafkaConnection).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    /// <summary>
    /// Opens a connection: transport, ApiVersions handshake (with Kafka's fallback), then SASL when
    /// <c>security.protocol</c> asks for it. The whole setup must finish within
    /// <c>socket.connection.setup.timeout.ms</c>.
    /// </summary>
    /// <param name="transport">Where bytes go: <see cref="SocketTransport"/> or <see cref="InMemoryTransport"/>.</param>
    /// <param name="address">The broker address.</param>
    /// <param name="options">Validated client options.</param>
    /// <param name="brokerId">The broker's node id, when known.</param>
    /// <param name="loggerFactory">Logging; none by default.</param>
    /// <param name="timeProvider">Clock; the system clock by default.</param>
    /// <param name="cancellationToken">Cancels the attempt.</param>
    public static async ValueTask<KafkaConnection> ConnectAsync(IKafkaTransport transport, BrokerAddress address, KafkaClientOptions options,
        int? brokerId = null, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(options);
        var time = timeProvider ?? TimeProvider.System;
        var logger = (ILogger?)loggerFactory?.CreateLogger("Samsa.Client.Connections") ?? NullLogger.Instance;
        using var setup = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        setup.CancelAfter(TimeSpan.FromMilliseconds(options.SocketConnectionSetupTimeoutMs));
        KafkaConnection? connection = null;
        try
        {
            // v3 (KIP-511) is answered by every broker since 2.4.
            short apiVersionsVersion = Math.Min(ApiKeys.Get(ApiKey.ApiVersions).HighestStableVersion, (short)3);
            while (true)
            {
                var pipe = await transport.ConnectAsync(address, setup.Token).ConfigureAwait(false);
                connection = new KafkaConnection(pipe, address, brokerId, ConnectionSettings.From(options), time, logger);
                connection.Start();
                ClientMetrics.ActiveConnections.Add(1);
                var (versions, fallback) = await NegotiateApiVersionsAsync(connection, apiVersionsVersion, logger, setup.Token).ConfigureAwait(false);
                if (versions is not null)
                {
                    connection.ApiVersions = versions;
                    break;
                }
                // Some brokers (librdkafka's mock) stop answering after rejecting ApiVersions, so retry on a fresh connection.
                await connection.DisposeAsync().ConfigureAwait(false);
                connection = null;
                apiVersionsVersion = fallback;
            }
            if (options.SecurityProtocol is SecurityProtocol.SaslPlaintext or SecurityProtocol.SaslSsl)
            {
                var session = SaslAuthenticator.CreateSession(options);
                await SaslAuthenticator.AuthenticateAsync(connection, options.SaslMechanism, session, logger, setup.Token).ConfigureAwait(false);
            }
            ClientMetrics.ConnectionsOpened.Add(1);
            Log.Connected(logger, address.ToString(), connection.Id);
            return connection;
        }
        catch (Exception e)
        {
            if (connection is not null) await connection.DisposeAsync().ConfigureAwait(false);
            else ClientMetrics.ConnectionErrors.Add(1);
            if (e is OperationCanceledException && !cancellationToken.IsCancellationRequested)
                throw new KafkaConnectionException($"Connecting to {address} took longer than socket.connection.setup.timeout.ms ({options.SocketConnectionSetupTimeoutMs} ms).",
                    address.ToString(), new KafkaTimeoutException("Connection setup timed out.", ErrorCode.RequestTimedOut, e));
            if (e is KafkaException or OperationCanceledException) throw;
            throw new KafkaConnectionException($"Connecting to {address} failed: {e.Message}", address.ToString(), e);
        }
    }

    /// <summary>
    /// ApiVersions at <paramref name="version"/>. If the broker answers UNSUPPORTED_VERSION, returns the version to retry
    /// with: the highest ApiVersions version it listed, or v0 (Kafka's fallback).
    /// </summary>
    private static async ValueTask<(ApiVersionSet? Versions, short Fallback)> NegotiateApiVersionsAsync(KafkaConnection connection, short version,
        ILogger logger, CancellationToken cancellationToken)
    {
        var request = new ApiVersionsRequest { ClientSoftwareName = ClientSoftwareName, ClientSoftwareVersion = ClientSoftwareVersion };
        var response = await connection.SendAsync(request, version, null, cancellationToken).ConfigureAwait(false);
        var error = (ErrorCode)response.ErrorCode;
        if (error == ErrorCode.None) return (new ApiVersionSet(response), version);
        if (error != ErrorCode.UnsupportedVersion || version == 0) throw KafkaException.FromErrorCode(error, "ApiVersions failed.");
        short fallback = 0;
        foreach (var key in response.ApiKeys)
        {
            if (key.ApiKey == (short)ApiKey.ApiVersions) fallback = Math.Max((short)0, Math.Min(key.MaxVersion, (short)(version - 1)));
        }
        Log.ApiVersionsFallback(logger, version, connection.Address.ToString(), fallback);
        return (null, fallback);
    }
}
