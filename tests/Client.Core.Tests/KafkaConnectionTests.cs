using System.Text;
using Samsa.Client.Connections;
using Samsa.Client.Tests.Support;
using Samsa.Protocol;
using Samsa.Protocol.Messages;

namespace Samsa.Client.Tests;

public class KafkaConnectionTests
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(20);

    private static KafkaClientOptions Options(int maxInFlight = 5, int requestTimeoutMs = 30_000) => new()
    {
        BootstrapServers = "broker:9092",
        ClientId = "test-client",
        MaxInFlightRequestsPerConnection = maxInFlight,
        RequestTimeoutMs = requestTimeoutMs,
    };

    private static async Task<KafkaConnection> ConnectAsync(ScriptedServer server, KafkaClientOptions? options = null, TimeProvider? time = null) =>
        await KafkaConnection.ConnectAsync(server.Transport, new BrokerAddress("broker", 9092), options ?? Options(), timeProvider: time)
            .AsTask().WaitAsync(HangGuard);

    private static SaslAuthenticateRequest Echo(int id) => new() { AuthBytes = BitConverter.GetBytes(id) };

    [Fact]
    public async Task SendAsync_RequestHeader_MatchesGeneratedHeaderEncoding()
    {
        var server = new ScriptedServer();
        ServerRequest? seen = null;
        server.Handler = r =>
        {
            if (r.ApiKey == ApiKey.Heartbeat) seen = r;
            return null;
        };
        await using var connection = await ConnectAsync(server);
        await connection.SendAsync(new HeartbeatRequest { GroupId = "g", MemberId = "m" }, 4).AsTask().WaitAsync(HangGuard);
        await connection.SendAsync(new HeartbeatRequest { GroupId = "g", MemberId = "m" }, 2).AsTask().WaitAsync(HangGuard);
        Assert.NotNull(seen);
        Assert.Equal("test-client", seen!.Header.ClientId);
        Assert.Equal(2, seen.Version);
        Assert.Equal("g", seen.Read<HeartbeatRequest>().GroupId);
    }

    [Fact]
    public async Task ConnectAsync_Handshake_NegotiatesHighestCommonStableVersion()
    {
        var server = new ScriptedServer
        {
            ApiVersionsHandler = _ =>
            {
                var all = ScriptedServer.AllVersions();
                all.ApiKeys.Single(k => k.ApiKey == (short)ApiKey.Metadata).MaxVersion = 7;
                all.ApiKeys.RemoveAll(k => k.ApiKey == (short)ApiKey.Fetch);
                return all;
            },
        };
        await using var connection = await ConnectAsync(server);
        Assert.Equal(7, connection.ApiVersions!.Select(ApiKey.Metadata));
        Assert.Equal(ApiKeys.Get(ApiKey.Heartbeat).HighestStableVersion, connection.ApiVersions.Select(ApiKey.Heartbeat));
        var e = Assert.Throws<UnsupportedVersionException>(() => connection.ApiVersions.Select(ApiKey.Fetch));
        Assert.Equal(ApiKey.Fetch, e.ApiKey);
        Assert.Equal(ErrorCode.UnsupportedVersion, e.ErrorCode);
    }

    [Fact]
    public async Task ConnectAsync_BrokerRejectsApiVersionsVersion_FallsBackToBrokerMax()
    {
        var versionsSeen = new List<short>();
        var server = new ScriptedServer
        {
            ApiVersionsHandler = r =>
            {
                versionsSeen.Add(r.Version);
                if (r.Version > 2)
                {
                    return new ApiVersionsResponse
                    {
                        ErrorCode = (short)ErrorCode.UnsupportedVersion,
                        ApiKeys = [new() { ApiKey = (short)ApiKey.ApiVersions, MinVersion = 0, MaxVersion = 2 }],
                    };
                }
                return ScriptedServer.AllVersions();
            },
        };
        await using var connection = await ConnectAsync(server);
        Assert.Equal([(short)3, (short)2], versionsSeen);
        Assert.True(connection.IsConnected);
    }

    [Fact]
    public async Task SendAsync_ManyConcurrentRequests_AllAnsweredWithTheirOwnResponse()
    {
        var server = new ScriptedServer();
        await using var connection = await ConnectAsync(server);
        var tasks = Enumerable.Range(0, 500).Select(i => connection.SendAsync(Echo(i), 2).AsTask()).ToArray();
        var responses = await Task.WhenAll(tasks).WaitAsync(HangGuard);
        for (int i = 0; i < responses.Length; i++) Assert.Equal(i, BitConverter.ToInt32(responses[i].AuthBytes));
    }

    [Fact]
    public async Task SendAsync_MoreRequestsThanMaxInFlight_HoldsTheRestUntilResponses()
    {
        var server = new ScriptedServer();
        await using var connection = await ConnectAsync(server, Options(maxInFlight: 3));
        server.Swallow = r => r.ApiKey == ApiKey.SaslAuthenticate;
        var tasks = Enumerable.Range(0, 10).Select(i => connection.SendAsync(Echo(i), 2).AsTask()).ToArray();
        while (server.HeldCount < 3) await Task.Delay(10);
        await Task.Delay(200); // give a wrongly eager writer the chance to send a fourth
        Assert.Equal(3, server.HeldCount);
        Assert.Equal(3, connection.InFlightCount);
        await server.ReleaseHeldAsync();
        var responses = await Task.WhenAll(tasks).WaitAsync(HangGuard);
        Assert.Equal(Enumerable.Range(0, 10), responses.Select(r => BitConverter.ToInt32(r.AuthBytes)));
    }

    [Fact]
    public async Task SendAsync_NoResponseWithinTimeout_ThrowsTimeoutAndFailsOthersWithConnectionError()
    {
        var time = new FakeTimeProvider();
        var server = new ScriptedServer();
        await using var connection = await ConnectAsync(server, Options(requestTimeoutMs: 1_000), time);
        server.Swallow = r => r.ApiKey == ApiKey.SaslAuthenticate;
        var first = connection.SendAsync(Echo(1), 2).AsTask();
        var second = connection.SendAsync(Echo(2), 2).AsTask();
        while (server.HeldCount < 2) await Task.Delay(10);
        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(first.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAsync<KafkaTimeoutException>(() => first.WaitAsync(HangGuard));
        var e = await Assert.ThrowsAsync<KafkaConnectionException>(() => second.WaitAsync(HangGuard));
        Assert.IsType<KafkaTimeoutException>(e.InnerException);
        Assert.False(connection.IsConnected);
    }

    [Fact]
    public async Task SendAsync_ServerClosesConnection_EveryPendingRequestFailsWithTheSameCause()
    {
        var server = new ScriptedServer();
        await using var connection = await ConnectAsync(server);
        server.Swallow = r => r.ApiKey == ApiKey.SaslAuthenticate;
        var tasks = Enumerable.Range(0, 20).Select(i => connection.SendAsync(Echo(i), 2).AsTask()).ToArray();
        while (server.HeldCount < 5) await Task.Delay(10);
        server.KillAll();
        var causes = new HashSet<KafkaConnectionException>();
        foreach (var task in tasks) causes.Add(await Assert.ThrowsAsync<KafkaConnectionException>(() => task.WaitAsync(HangGuard)));
        Assert.Single(causes);
        Assert.True(causes.Single().IsRetriable);
        await Assert.ThrowsAsync<KafkaConnectionException>(() => connection.SendAsync(Echo(99), 2).AsTask().WaitAsync(HangGuard));
    }

    [Fact]
    public async Task SendAsync_CancelledWhileQueued_IsNeverWrittenAndOthersStillComplete()
    {
        var server = new ScriptedServer();
        await using var connection = await ConnectAsync(server, Options(maxInFlight: 1));
        server.Swallow = r => r.ApiKey == ApiKey.SaslAuthenticate;
        var first = connection.SendAsync(Echo(1), 2).AsTask();
        using var cts = new CancellationTokenSource();
        var cancelled = connection.SendAsync(Echo(2), 2, null, cts.Token).AsTask();
        var third = connection.SendAsync(Echo(3), 2).AsTask();
        while (server.HeldCount < 1) await Task.Delay(10);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(HangGuard));
        server.Swallow = null;
        await server.ReleaseHeldAsync();
        Assert.Equal(1, BitConverter.ToInt32((await first.WaitAsync(HangGuard)).AuthBytes));
        Assert.Equal(3, BitConverter.ToInt32((await third.WaitAsync(HangGuard)).AuthBytes));
        Assert.Equal(3, server.RequestsSeen); // ApiVersions + requests 1 and 3
    }

    [Fact]
    public async Task SendLeasedAsync_Response_SlicesThePooledFrameUntilDisposed()
    {
        var server = new ScriptedServer();
        await using var connection = await ConnectAsync(server);
        var payload = Encoding.UTF8.GetBytes("leased payload");
        using var lease = await connection.SendLeasedAsync(new SaslAuthenticateRequest { AuthBytes = payload }, 2).AsTask().WaitAsync(HangGuard);
        Assert.Equal(payload, lease.Response.AuthBytes);
        lease.Dispose();
        lease.Dispose(); // idempotent
    }

    [Fact]
    public async Task SendLeasedAsync_LargeFrames_ReuseOnePooledBuffer()
    {
        var server = new ScriptedServer();
        await using var connection = await ConnectAsync(server);
        for (int round = 0; round < 3; round++)
        {
            var payload = new byte[3 * 1024 * 1024 + round];
            new Random(round).NextBytes(payload);
            using var lease = await connection.SendLeasedAsync(new SaslAuthenticateRequest { AuthBytes = payload }, 2).AsTask().WaitAsync(HangGuard);
            Assert.Equal(payload, lease.Response.AuthBytes);
        }
        // Each lease was disposed before the next request: one large buffer served all three frames.
        Assert.Equal(1, connection.LeaseFrames.Allocations);
        Assert.Equal(1, connection.LeaseFrames.RetainedCount);
    }
}
