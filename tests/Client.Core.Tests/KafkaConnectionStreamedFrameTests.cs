using Samsa.Client.Connections;
using Samsa.Client.Tests.Support;
using Samsa.Protocol.Messages;

namespace Samsa.Client.Tests;

public class KafkaConnectionStreamedFrameTests
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(20);

    private static async Task<KafkaConnection> ConnectAsync(ScriptedServer server) =>
        await KafkaConnection.ConnectAsync(server.Transport, new BrokerAddress("broker", 9092),
            new KafkaClientOptions { BootstrapServers = "broker:9092", ClientId = "test-client" }).AsTask().WaitAsync(HangGuard);

    private static byte[] Payload(int size, int seed)
    {
        var payload = new byte[size];
        new Random(seed).NextBytes(payload);
        return payload;
    }

    [Fact]
    public async Task SendLeasedAsync_LargeFrameArrivingInPieces_ArrivesIntactInOnePooledBuffer()
    {
        var server = new ScriptedServer { ChunkSize = 16 * 1024 };
        await using var connection = await ConnectAsync(server);
        var payload = Payload(3 * 1024 * 1024, 1);
        using var lease = await connection.SendLeasedAsync(new SaslAuthenticateRequest { AuthBytes = payload }, 2).AsTask().WaitAsync(HangGuard);
        Assert.Equal(payload, lease.Response.AuthBytes);
        Assert.Equal(1, connection.LeaseFrames.Allocations);
    }

    [Fact]
    public async Task SendLeasedAsync_StreamedFramesPipelinedWithSmallResponses_EachMatchesItsRequest()
    {
        var server = new ScriptedServer { ChunkSize = 7 * 1024 + 3 };
        await using var connection = await ConnectAsync(server);
        var first = Payload(2 * 1024 * 1024 + 17, 2);
        var second = Payload(1024 * 1024 + 5, 3);
        var small = Payload(100, 4);
        var a = connection.SendLeasedAsync(new SaslAuthenticateRequest { AuthBytes = first }, 2).AsTask();
        var b = connection.SendAsync(new SaslAuthenticateRequest { AuthBytes = small }, 2).AsTask();
        var c = connection.SendLeasedAsync(new SaslAuthenticateRequest { AuthBytes = second }, 2).AsTask();
        var d = connection.SendLeasedAsync(new SaslAuthenticateRequest { AuthBytes = small }, 2).AsTask();
        await Task.WhenAll(a, b, c, d).WaitAsync(HangGuard);
        using (var lease = await a) Assert.Equal(first, lease.Response.AuthBytes);
        Assert.Equal(small, (await b).AuthBytes);
        using (var lease = await c) Assert.Equal(second, lease.Response.AuthBytes);
        using (var lease = await d) Assert.Equal(small, lease.Response.AuthBytes);
        // Both large frames were leased at once, so the pool allocated two buffers and now keeps both.
        Assert.Equal(2, connection.LeaseFrames.Allocations);
        Assert.Equal(2, connection.LeaseFrames.RetainedCount);
    }

    [Fact]
    public async Task SendLeasedAsync_ConnectionDropsMidFrame_FailsTheRequestAndReturnsTheBuffer()
    {
        var server = new ScriptedServer { ChunkSize = 16 * 1024 };
        await using var connection = await ConnectAsync(server);
        server.CloseAfterResponseBytes = 1024 * 1024;
        var pending = connection.SendLeasedAsync(new SaslAuthenticateRequest { AuthBytes = Payload(2 * 1024 * 1024, 5) }, 2).AsTask();
        await Assert.ThrowsAsync<KafkaConnectionException>(() => pending.WaitAsync(HangGuard));
        // The frame never completed, so only streaming can have rented its buffer; the read loop gave it back.
        await connection.Completion.WaitAsync(HangGuard);
        Assert.Equal(1, connection.LeaseFrames.Allocations);
        Assert.Equal(1, connection.LeaseFrames.RetainedCount);
    }
}
