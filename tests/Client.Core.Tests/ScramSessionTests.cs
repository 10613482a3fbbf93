using System.Security.Cryptography;
using System.Text;
using Samsa.Client.Security;

namespace Samsa.Client.Tests;

public class ScramSessionTests
{
    private static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);

    private static async Task<string> StepAsync(ScramSession session, string challenge) =>
        Text(await session.EvaluateAsync(Encoding.UTF8.GetBytes(challenge), default));

    [Fact]
    public async Task Evaluate_Rfc5802Sha1Vector_ProducesRfcMessages()
    {
        var session = new ScramSession(HashAlgorithmName.SHA1, "user", "pencil", "fyko+d2lbbFgONRv9qkxdawL");
        Assert.Equal("n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL", await StepAsync(session, ""));
        string final = await StepAsync(session, "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096");
        Assert.Equal("c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=", final);
        Assert.Equal("", await StepAsync(session, "v=rmF9pqV8S7suAoZWja4dJRkFsKQ="));
        Assert.True(session.IsComplete);
    }

    [Fact]
    public async Task Evaluate_Rfc7677Sha256Vector_ProducesRfcMessages()
    {
        var session = new ScramSession(HashAlgorithmName.SHA256, "user", "pencil", "rOprNGfwEbeRWgbNEkqO");
        Assert.Equal("n,,n=user,r=rOprNGfwEbeRWgbNEkqO", await StepAsync(session, ""));
        string final = await StepAsync(session, "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096");
        Assert.Equal("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=", final);
        Assert.Equal("", await StepAsync(session, "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="));
        Assert.True(session.IsComplete);
    }

    [Fact]
    public async Task Evaluate_WrongServerSignature_ThrowsAuthenticationFailed()
    {
        var session = new ScramSession(HashAlgorithmName.SHA256, "user", "pencil", "rOprNGfwEbeRWgbNEkqO");
        await StepAsync(session, "");
        await StepAsync(session, "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096");
        var e = await Assert.ThrowsAsync<KafkaAuthenticationException>(() => StepAsync(session, "v=AAAATRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="));
        Assert.Equal(Protocol.ErrorCode.SaslAuthenticationFailed, e.ErrorCode);
    }

    [Fact]
    public async Task Evaluate_ServerNonceNotExtendingClientNonce_Throws()
    {
        var session = new ScramSession(HashAlgorithmName.SHA256, "user", "pencil", "abc");
        await StepAsync(session, "");
        await Assert.ThrowsAsync<KafkaAuthenticationException>(() => StepAsync(session, "r=xyz123,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"));
    }

    [Fact]
    public async Task Evaluate_UserNameWithSpecialCharacters_IsEscaped()
    {
        var session = new ScramSession(HashAlgorithmName.SHA512, "a=b,c", "pw", "nonce");
        Assert.Equal("n,,n=a=3Db=2Cc,r=nonce", await StepAsync(session, ""));
    }

    [Fact]
    public void FormatInitialResponse_OAuthBearerWithExtensions_MatchesRfc7628Layout()
    {
        var token = new OAuthBearerToken("tok.en.jwt", new Dictionary<string, string> { ["traceId"] = "123", ["logicalCluster"] = "lkc-1" });
        Assert.Equal("n,,\u0001auth=Bearer tok.en.jwt\u0001logicalCluster=lkc-1\u0001traceId=123\u0001\u0001", OAuthBearerSession.FormatInitialResponse(token));
        Assert.Throws<ArgumentException>(() => OAuthBearerSession.FormatInitialResponse(new OAuthBearerToken("t", new Dictionary<string, string> { ["auth"] = "x" })));
    }
}
