using System.Security.Cryptography;
using System.Text;

namespace Samsa.Client.Security;

/// <summary>
/// The client side of SCRAM (RFC 5802) without channel binding, as Kafka uses it: client-first, server-first,
/// client-final with proof, then verification of the server signature.
/// </summary>
internal sealed class ScramSession : ISaslSession
{
    private readonly HashAlgorithmName _hash;
    private readonly string _username;
    private readonly string _password;
    private readonly string _clientNonce;
    private string? _clientFirstBare;
    private byte[]? _expectedServerSignature;
    private int _step;

    public ScramSession(HashAlgorithmName hash, string username, string password, string? clientNonce = null)
    {
        _hash = hash;
        _username = username;
        _password = password;
        _clientNonce = clientNonce ?? Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
    }

    public static ScramSession ForMechanism(string mechanism, string username, string password) => mechanism switch
    {
        SaslMechanisms.ScramSha256 => new ScramSession(HashAlgorithmName.SHA256, username, password),
        SaslMechanisms.ScramSha512 => new ScramSession(HashAlgorithmName.SHA512, username, password),
        _ => throw new ArgumentException($"Not a SCRAM mechanism: {mechanism}.", nameof(mechanism)),
    };

    public bool IsComplete => _step >= 3;

    public ValueTask<byte[]> EvaluateAsync(ReadOnlyMemory<byte> challenge, CancellationToken cancellationToken)
    {
        byte[] reply = _step switch
        {
            0 => ClientFirst(),
            1 => ClientFinal(Encoding.UTF8.GetString(challenge.Span)),
            2 => VerifyServerFinal(Encoding.UTF8.GetString(challenge.Span)),
            _ => throw Illegal("the exchange is already complete"),
        };
        _step++;
        return ValueTask.FromResult(reply);
    }

    private byte[] ClientFirst()
    {
        _clientFirstBare = $"n={Escape(_username)},r={_clientNonce}";
        return Encoding.UTF8.GetBytes("n,," + _clientFirstBare);
    }

    private byte[] ClientFinal(string serverFirst)
    {
        var fields = Parse(serverFirst);
        if (fields.TryGetValue('e', out var error)) throw Failed($"server error '{error}'");
        if (!fields.TryGetValue('r', out var nonce) || !fields.TryGetValue('s', out var salt) || !fields.TryGetValue('i', out var iterationText))
            throw Illegal("server-first-message lacks r, s or i");
        if (!nonce.StartsWith(_clientNonce, StringComparison.Ordinal) || nonce.Length == _clientNonce.Length)
            throw Failed("server nonce does not extend the client nonce");
        if (!int.TryParse(iterationText, out int iterations) || iterations < 1) throw Illegal($"bad iteration count '{iterationText}'");

        string withoutProof = $"c=biws,r={nonce}";
        string authMessage = $"{_clientFirstBare},{serverFirst},{withoutProof}";
        byte[] salted = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(_password), Convert.FromBase64String(salt),
            iterations, _hash, HashSize);
        byte[] clientKey = Hmac(salted, "Client Key"u8);
        byte[] storedKey = Hash(clientKey);
        byte[] clientSignature = Hmac(storedKey, Encoding.UTF8.GetBytes(authMessage));
        byte[] proof = new byte[clientKey.Length];
        for (int i = 0; i < proof.Length; i++) proof[i] = (byte)(clientKey[i] ^ clientSignature[i]);
        byte[] serverKey = Hmac(salted, "Server Key"u8);
        _expectedServerSignature = Hmac(serverKey, Encoding.UTF8.GetBytes(authMessage));
        return Encoding.UTF8.GetBytes($"{withoutProof},p={Convert.ToBase64String(proof)}");
    }

    private byte[] VerifyServerFinal(string serverFinal)
    {
        var fields = Parse(serverFinal);
        if (fields.TryGetValue('e', out var error)) throw Failed($"server error '{error}'");
        if (!fields.TryGetValue('v', out var verifier)) throw Illegal("server-final-message lacks v");
        byte[] signature;
        try
        {
            signature = Convert.FromBase64String(verifier);
        }
        catch (FormatException)
        {
            throw Illegal("server signature is not base64");
        }
        if (!CryptographicOperations.FixedTimeEquals(signature, _expectedServerSignature))
            throw Failed("the server signature is wrong (the server does not know the password)");
        return [];
    }

    private int HashSize => _hash == HashAlgorithmName.SHA512 ? 64 : _hash == HashAlgorithmName.SHA256 ? 32 : 20;

    private byte[] Hmac(byte[] key, ReadOnlySpan<byte> data) =>
        _hash == HashAlgorithmName.SHA512 ? HMACSHA512.HashData(key, data)
        : _hash == HashAlgorithmName.SHA256 ? HMACSHA256.HashData(key, data)
        : HMACSHA1.HashData(key, data);

    private byte[] Hash(byte[] data) =>
        _hash == HashAlgorithmName.SHA512 ? SHA512.HashData(data)
        : _hash == HashAlgorithmName.SHA256 ? SHA256.HashData(data)
        : SHA1.HashData(data);

    internal static string Escape(string name) => name.Replace("=", "=3D", StringComparison.Ordinal).Replace(",", "=2C", StringComparison.Ordinal);

    private static Dictionary<char, string> Parse(string message)
    {
        var fields = new Dictionary<char, string>();
        foreach (var part in message.Split(','))
        {
            if (part.Length >= 2 && part[1] == '=') fields[part[0]] = part[2..];
        }
        return fields;
    }

    private static KafkaAuthenticationException Illegal(string problem) =>
        new(Protocol.ErrorCode.IllegalSaslState, $"SCRAM: {problem}.");

    private static KafkaAuthenticationException Failed(string problem) =>
        new(Protocol.ErrorCode.SaslAuthenticationFailed, $"SCRAM authentication failed: {problem}.");
}
