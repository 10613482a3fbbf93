using System.Security.Cryptography;
using System.Text;

namespace Samsa.Client.Tests.Support;

/// <summary>The server side of SCRAM (RFC 5802), written for the tests from the RFC's formulas.</summary>
internal sealed class ScramServer(HashAlgorithmName hash, string user, string password)
{
    private readonly byte[] _salt = RandomNumberGenerator.GetBytes(16);
    private const int Iterations = 4096;
    private string? _clientFirstBare;
    private string? _serverFirst;
    private string? _nonce;

    public int Step { get; private set; }

    /// <summary>Returns the next server message, or null when the client failed authentication.</summary>
    public byte[]? Respond(byte[] clientMessage)
    {
        string text = Encoding.UTF8.GetString(clientMessage);
        if (Step++ == 0)
        {
            if (!text.StartsWith("n,,", StringComparison.Ordinal)) return null;
            _clientFirstBare = text[3..];
            var fields = Fields(_clientFirstBare);
            if (fields["n"] != user) return null;
            _nonce = fields["r"] + "server-nonce";
            _serverFirst = $"r={_nonce},s={Convert.ToBase64String(_salt)},i={Iterations}";
            return Encoding.UTF8.GetBytes(_serverFirst);
        }
        var final = Fields(text);
        string withoutProof = text[..text.LastIndexOf(",p=", StringComparison.Ordinal)];
        if (final["r"] != _nonce || final["c"] != "biws") return null;
        int size = hash == HashAlgorithmName.SHA512 ? 64 : 32;
        byte[] salted = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), _salt, Iterations, hash, size);
        string auth = $"{_clientFirstBare},{_serverFirst},{withoutProof}";
        byte[] clientKey = Hmac(salted, "Client Key");
        byte[] storedKey = hash == HashAlgorithmName.SHA512 ? SHA512.HashData(clientKey) : SHA256.HashData(clientKey);
        byte[] signature = Hmac(storedKey, auth);
        byte[] proof = Convert.FromBase64String(final["p"]);
        byte[] recovered = new byte[proof.Length];
        for (int i = 0; i < proof.Length; i++) recovered[i] = (byte)(proof[i] ^ signature[i]);
        byte[] recoveredStored = hash == HashAlgorithmName.SHA512 ? SHA512.HashData(recovered) : SHA256.HashData(recovered);
        if (!recoveredStored.AsSpan().SequenceEqual(storedKey)) return null;
        return Encoding.UTF8.GetBytes("v=" + Convert.ToBase64String(Hmac(Hmac(salted, "Server Key"), auth)));
    }

    private byte[] Hmac(byte[] key, string data) => hash == HashAlgorithmName.SHA512
        ? HMACSHA512.HashData(key, Encoding.UTF8.GetBytes(data))
        : HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    private static Dictionary<string, string> Fields(string message) =>
        message.Split(',').Where(p => p.Length > 1 && p[1] == '=').ToDictionary(p => p[..1], p => p[2..]);
}
