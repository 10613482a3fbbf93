using System.Text;

namespace Samsa.Client.Security;

/// <summary>The SASL mechanism names Kafka uses (values of <c>sasl.mechanism</c>).</summary>
public static class SaslMechanisms
{
    /// <summary>PLAIN (RFC 4616).</summary>
    public const string Plain = "PLAIN";
    /// <summary>SCRAM-SHA-256 (RFC 7677).</summary>
    public const string ScramSha256 = "SCRAM-SHA-256";
    /// <summary>SCRAM-SHA-512.</summary>
    public const string ScramSha512 = "SCRAM-SHA-512";
    /// <summary>OAUTHBEARER (RFC 7628, KIP-255).</summary>
    public const string OAuthBearer = "OAUTHBEARER";
}

/// <summary>An OAUTHBEARER token with optional SASL extensions (KIP-342).</summary>
/// <param name="Value">The compact token (for example a JWT).</param>
/// <param name="Extensions">SASL extensions sent with the token; keys must be alphabetic and not <c>auth</c>.</param>
public sealed record OAuthBearerToken(string Value, IReadOnlyDictionary<string, string>? Extensions = null);

/// <summary>
/// One client-side SASL exchange. The first <see cref="EvaluateAsync"/> call receives an empty challenge and returns the
/// initial response; each later call gets the server's bytes. After the server's last message the session reports
/// <see cref="IsComplete"/>.
/// </summary>
internal interface ISaslSession
{
    bool IsComplete { get; }

    ValueTask<byte[]> EvaluateAsync(ReadOnlyMemory<byte> challenge, CancellationToken cancellationToken);
}

/// <summary>PLAIN: one message, <c>\0user\0password</c>.</summary>
internal sealed class PlainSession(string username, string password) : ISaslSession
{
    public bool IsComplete { get; private set; }

    public ValueTask<byte[]> EvaluateAsync(ReadOnlyMemory<byte> challenge, CancellationToken cancellationToken)
    {
        if (IsComplete) throw new KafkaAuthenticationException(Protocol.ErrorCode.IllegalSaslState, "PLAIN expects no server challenge.");
        IsComplete = true;
        return ValueTask.FromResult(Encoding.UTF8.GetBytes($"\0{username}\0{password}"));
    }
}

/// <summary>
/// OAUTHBEARER (RFC 7628): sends <c>n,,\x01auth=Bearer token\x01ext=value\x01\x01</c>. A server error challenge is
/// answered with <c>\x01</c>, after which the server fails the exchange with its error message.
/// </summary>
internal sealed class OAuthBearerSession(Func<CancellationToken, ValueTask<OAuthBearerToken>> provider) : ISaslSession
{
    private int _step;

    public bool IsComplete => _step >= 1;

    public async ValueTask<byte[]> EvaluateAsync(ReadOnlyMemory<byte> challenge, CancellationToken cancellationToken)
    {
        if (_step++ > 0)
        {
            // The server sent an error (a JSON status); RFC 7628 section 3.2.3: reply with a single kvsep.
            return [0x01];
        }
        var token = await provider(cancellationToken).ConfigureAwait(false);
        return Encoding.UTF8.GetBytes(FormatInitialResponse(token));
    }

    public static string FormatInitialResponse(OAuthBearerToken token)
    {
        ArgumentException.ThrowIfNullOrEmpty(token.Value);
        var text = new StringBuilder("n,,\u0001auth=Bearer ").Append(token.Value).Append('\u0001');
        if (token.Extensions is { } extensions)
        {
            foreach (var (key, value) in extensions.OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                if (key == "auth" || key.Length == 0 || !key.All(char.IsAsciiLetter))
                    throw new ArgumentException($"Invalid OAUTHBEARER extension name '{key}'.");
                text.Append(key).Append('=').Append(value).Append('\u0001');
            }
        }
        return text.Append('\u0001').ToString();
    }
}
