using System.IO.Pipelines;
using System.Net.Sockets;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Primitives;

namespace Samsa.Broker.Mini.Tests.Transport;

/// <summary>
/// Request frames over a real socket arriving in pieces. A large Produce frame is read past the pipe, straight from the
/// stream, once the pipe has handed over its start: what is stored, and every frame after it, must be unaffected.
/// </summary>
public sealed class SocketFramingTests
{
    private sealed record StreamPipe(PipeReader Input, PipeWriter Output) : IDuplexPipe;

    private static async Task<(Socket Socket, NetworkStream Stream, TestClient Client)> ConnectAsync(MiniCluster cluster)
    {
        var endpoint = cluster.EndpointOf(0).Split(':');
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(endpoint[0], int.Parse(endpoint[1]));
        var stream = new NetworkStream(socket, ownsSocket: true);
        return (socket, stream, new TestClient(new StreamPipe(PipeReader.Create(stream), PipeWriter.Create(stream))));
    }

    private static (string? Key, string Value)[] LargeRecords(char fill) =>
        [("a", new string(fill, 100_000) + "1"), ("b", new string(fill, 100_000) + "2"), ("c", new string(fill, 100_000) + "3")];

    [Fact]
    public async Task LargeProduceFrameInPieces_StoredIntactAndLaterFramesStayInStep()
    {
        await using var cluster = await MiniCluster.StartAsync();
        await cluster.CreateTopicAsync("t");
        var (_, stream, client) = await ConnectAsync(cluster);
        await using var _ = client;
        var records = LargeRecords('x');
        var frame = TestClient.Frame(TestClient.Produce("t", 0, TestClient.Batch(records)), 9, correlation: 1);
        // The frame's start, then its rest in three pieces with pauses: the broker sees a partial frame first.
        int[] cuts = [200, 90_000, 200_000, frame.Length];
        int from = 0;
        foreach (int cut in cuts)
        {
            await stream.WriteAsync(frame.AsMemory(from, cut - from));
            await stream.FlushAsync();
            await Task.Delay(30);
            from = cut;
        }
        var produced = await client.ReadFrameAsync() ?? throw new InvalidOperationException("closed");
        var reader = new KafkaReader(produced);
        new ResponseHeader().Read(ref reader, ApiKeys.ResponseHeaderVersion(ApiKey.Produce, 9));
        var response = new ProduceResponse();
        response.Read(ref reader, 9);
        Assert.Equal(0, response.Responses[0].PartitionResponses[0].ErrorCode);

        // The same connection goes on: a small Produce, then a Fetch of everything.
        var second = await client.SendAsync(TestClient.Produce("t", 0, TestClient.Batch(("d", "4"))), 9);
        Assert.Equal(3, second.Responses[0].PartitionResponses[0].BaseOffset);
        var fetched = await client.SendAsync(TestClient.Fetch("t", 0, 0), 12);
        var read = TestClient.Records(fetched.Responses[0].Partitions[0].Records);
        Assert.Equal([.. records.Select(r => r.Value), "4"], read.Select(r => r.Value));
    }

    [Fact]
    public async Task LargeProduceFrameCutShort_ClosesOnlyThatConnection()
    {
        await using var cluster = await MiniCluster.StartAsync();
        await cluster.CreateTopicAsync("t");
        var (socket, stream, client) = await ConnectAsync(cluster);
        var frame = TestClient.Frame(TestClient.Produce("t", 0, TestClient.Batch(LargeRecords('y'))), 9, correlation: 1);
        await stream.WriteAsync(frame.AsMemory(0, 150_000));
        await stream.FlushAsync();
        socket.Shutdown(SocketShutdown.Send); // the peer goes away mid-frame
        Assert.Null(await client.ReadFrameAsync());
        await client.DisposeAsync();

        var (_, _, other) = await ConnectAsync(cluster);
        await using var __ = other;
        var ok = await other.SendAsync(TestClient.Produce("t", 0, TestClient.Batch(("k", "v"))), 9);
        Assert.Equal(0, ok.Responses[0].PartitionResponses[0].ErrorCode);
        Assert.Equal(0, ok.Responses[0].PartitionResponses[0].BaseOffset); // nothing of the cut frame was stored
    }
}
