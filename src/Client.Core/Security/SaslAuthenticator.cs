using Microsoft.Extensions.Logging;
using Samsa.Client.Connections;
using Samsa.Client.Diagnostics;
using Samsa.Protocol;
using Samsa.Protocol.Messages;

namespace Samsa.Client.Security;

/// <summary>
/// Runs Kafka's SASL sequence on a fresh connection after ApiVersions: SaslHandshake (v1+) names the mechanism, then
/// SaslAuthenticate requests carry the mechanism's messages until the exchange completes.
/// </summary>
internal static class SaslAuthenticator
{
    public static ISaslSession CreateSession(KafkaClientOptions options) => options.SaslMechanism switch
    {
        SaslMechanisms.Plain => new PlainSession(options.SaslUsername ?? "", options.SaslPassword ?? ""),
        SaslMechanisms.ScramSha256 or SaslMechanisms.ScramSha512 =>
            ScramSession.ForMechanism(options.SaslMechanism, options.SaslUsername ?? "", options.SaslPassword ?? ""),
        SaslMechanisms.OAuthBearer => new OAuthBearerSession(options.OAuthBearerTokenProvider
            ?? throw new ArgumentException("OAUTHBEARER needs OAuthBearerTokenProvider.")),
        _ => throw new KafkaAuthenticationException(ErrorCode.UnsupportedSaslMechanism, $"SASL mechanism '{options.SaslMechanism}' is not supported."),
    };

    public static async ValueTask AuthenticateAsync(KafkaConnection connection, string mechanism, ISaslSession session,
        ILogger logger, CancellationToken cancellationToken)
    {
        var versions = connection.ApiVersions!;
        short handshakeVersion = versions.Select(ApiKey.SaslHandshake);
        if (handshakeVersion < 1)
            throw new UnsupportedVersionException("The broker only supports SaslHandshake v0 (unframed SASL tokens), which Samsa does not implement.", ApiKey.SaslHandshake);
        var handshake = await connection.SendAsync(new SaslHandshakeRequest { Mechanism = mechanism }, handshakeVersion, null, cancellationToken)
            .ConfigureAwait(false);
        var handshakeError = (ErrorCode)handshake.ErrorCode;
        if (handshakeError != ErrorCode.None)
        {
            string message = handshakeError == ErrorCode.UnsupportedSaslMechanism
                ? $"The broker does not enable {mechanism}; it enables: {string.Join(", ", handshake.Mechanisms)}."
                : $"SaslHandshake failed: {handshakeError.Describe()}";
            throw Fail(logger, connection, mechanism, new KafkaAuthenticationException(handshakeError, message));
        }

        short authenticateVersion = versions.Select(ApiKey.SaslAuthenticate);
        byte[] reply = await session.EvaluateAsync(ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var response = await connection.SendAsync(new SaslAuthenticateRequest { AuthBytes = reply }, authenticateVersion, null, cancellationToken)
                .ConfigureAwait(false);
            var error = (ErrorCode)response.ErrorCode;
            if (error != ErrorCode.None)
            {
                throw Fail(logger, connection, mechanism, new KafkaAuthenticationException(error,
                    $"SASL {mechanism} authentication failed: {response.ErrorMessage ?? error.Describe()}"));
            }
            if (session.IsComplete && response.AuthBytes.Length == 0) break;
            try
            {
                reply = await session.EvaluateAsync(response.AuthBytes, cancellationToken).ConfigureAwait(false);
            }
            catch (KafkaAuthenticationException e)
            {
                throw Fail(logger, connection, mechanism, e);
            }
            if (session.IsComplete && reply.Length == 0) break;
        }
        Log.SaslAuthenticated(logger, mechanism, connection.Address.ToString());
    }

    private static KafkaAuthenticationException Fail(ILogger logger, KafkaConnection connection, string mechanism, KafkaAuthenticationException e)
    {
        Log.SaslFailed(logger, mechanism, connection.Address.ToString(), e.Message);
        return e;
    }
}
