using System.Security.Cryptography;
using System.Text;
using Samsa.Client.Connections;
using Samsa.Client.Security;
using Samsa.Client.Tests.Support;
using Samsa.Protocol;
using Samsa.Protocol.Messages;

namespace Samsa.Client.Tests;

public class SaslAuthenticatorTests
{
    private static KafkaClientOptions Options(string mechanism, string user = "alice", string password = "secret") => new()
    {
        BootstrapServers = "broker:9092",
        SecurityProtocol = SecurityProtocol.SaslPlaintext,
        SaslMechanism = mechanism,
        SaslUsername = user,
        SaslPassword = password,
    };

    private static ScriptedServer ServerFor(string[] mechanisms, Func<byte[], SaslAuthenticateResponse> authenticate, List<string>? log = null)
    {
        var server = new ScriptedServer();
        server.Handler = request =>
        {
            log?.Add(request.ApiKey.ToString());
            return request.ApiKey switch
            {
                ApiKey.SaslHandshake => mechanisms.Contains(request.Read<SaslHandshakeRequest>().Mechanism)
                    ? new SaslHandshakeResponse { Mechanisms = [.. mechanisms] }
                    : new SaslHandshakeResponse { ErrorCode = (short)ErrorCode.UnsupportedSaslMechanism, Mechanisms = [.. mechanisms] },
                ApiKey.SaslAuthenticate => authenticate(request.Read<SaslAuthenticateRequest>().AuthBytes),
                _ => null,
            };
        };
        return server;
    }

    private static Task<KafkaConnection> ConnectAsync(ScriptedServer server, KafkaClientOptions options) =>
        KafkaConnection.ConnectAsync(server.Transport, new BrokerAddress("broker", 9092), options).AsTask()
            .WaitAsync(TimeSpan.FromSeconds(30));

    [Fact]
    public async Task ConnectAsync_Plain_SendsApiVersionsHandshakeThenCredentials()
    {
        var log = new List<string>();
        byte[]? received = null;
        var server = ServerFor(["PLAIN"], bytes =>
        {
            received = bytes;
            return new SaslAuthenticateResponse();
        }, log);
        await using var connection = await ConnectAsync(server, Options(SaslMechanisms.Plain));
        Assert.Equal("\0alice\0secret", Encoding.UTF8.GetString(received!));
        Assert.Equal(["ApiVersions", "SaslHandshake", "SaslAuthenticate"], log);
    }

    [Theory]
    [InlineData(SaslMechanisms.ScramSha256)]
    [InlineData(SaslMechanisms.ScramSha512)]
    public async Task ConnectAsync_ScramWithRightPassword_Authenticates(string mechanism)
    {
        var scram = new ScramServer(mechanism == SaslMechanisms.ScramSha512 ? HashAlgorithmName.SHA512 : HashAlgorithmName.SHA256, "alice", "secret");
        var server = ServerFor([mechanism], bytes => scram.Respond(bytes) is { } reply
            ? new SaslAuthenticateResponse { AuthBytes = reply }
            : new SaslAuthenticateResponse { ErrorCode = (short)ErrorCode.SaslAuthenticationFailed, ErrorMessage = "bad proof" });
        await using var connection = await ConnectAsync(server, Options(mechanism));
        Assert.Equal(2, scram.Step);
        Assert.True(connection.IsConnected);
    }

    [Fact]
    public async Task ConnectAsync_ScramWithWrongPassword_ThrowsAuthenticationException()
    {
        var scram = new ScramServer(HashAlgorithmName.SHA256, "alice", "secret");
        var server = ServerFor([SaslMechanisms.ScramSha256], bytes => scram.Respond(bytes) is { } reply
            ? new SaslAuthenticateResponse { AuthBytes = reply }
            : new SaslAuthenticateResponse { ErrorCode = (short)ErrorCode.SaslAuthenticationFailed, ErrorMessage = "Authentication failed during authentication due to invalid credentials" });
        var e = await Assert.ThrowsAsync<KafkaAuthenticationException>(() => ConnectAsync(server, Options(SaslMechanisms.ScramSha256, password: "wrong")));
        Assert.Equal(ErrorCode.SaslAuthenticationFailed, e.ErrorCode);
        Assert.False(e.IsRetriable);
        Assert.Contains("invalid credentials", e.Message);
    }

    [Fact]
    public async Task ConnectAsync_ServerWithoutTheMechanism_ThrowsListingEnabledMechanisms()
    {
        var server = ServerFor(["PLAIN", "SCRAM-SHA-512"], _ => new SaslAuthenticateResponse());
        var e = await Assert.ThrowsAsync<KafkaAuthenticationException>(() => ConnectAsync(server, Options(SaslMechanisms.ScramSha256)));
        Assert.Equal(ErrorCode.UnsupportedSaslMechanism, e.ErrorCode);
        Assert.Contains("PLAIN, SCRAM-SHA-512", e.Message);
    }

    [Fact]
    public async Task ConnectAsync_OAuthBearer_SendsTokenAndExtensions()
    {
        byte[]? received = null;
        var server = ServerFor([SaslMechanisms.OAuthBearer], bytes =>
        {
            received = bytes;
            return new SaslAuthenticateResponse();
        });
        var options = Options(SaslMechanisms.OAuthBearer);
        options.OAuthBearerTokenProvider = _ => ValueTask.FromResult(new OAuthBearerToken("jwt-token", new Dictionary<string, string> { ["tenant"] = "t1" }));
        await using var connection = await ConnectAsync(server, options);
        Assert.Equal("n,,\u0001auth=Bearer jwt-token\u0001tenant=t1\u0001\u0001", Encoding.UTF8.GetString(received!));
    }

    [Fact]
    public async Task ConnectAsync_OAuthBearerRejected_AnswersErrorChallengeThenThrows()
    {
        var messages = new List<byte[]>();
        var server = ServerFor([SaslMechanisms.OAuthBearer], bytes =>
        {
            messages.Add(bytes);
            return messages.Count == 1
                ? new SaslAuthenticateResponse { AuthBytes = Encoding.UTF8.GetBytes("{\"status\":\"invalid_token\"}") }
                : new SaslAuthenticateResponse { ErrorCode = (short)ErrorCode.SaslAuthenticationFailed, ErrorMessage = "invalid_token" };
        });
        var options = Options(SaslMechanisms.OAuthBearer);
        options.OAuthBearerTokenProvider = _ => ValueTask.FromResult(new OAuthBearerToken("expired"));
        var e = await Assert.ThrowsAsync<KafkaAuthenticationException>(() => ConnectAsync(server, options));
        Assert.Equal(2, messages.Count);
        Assert.Equal(new byte[] { 1 }, messages[1]);
        Assert.Contains("invalid_token", e.Message);
    }
}
