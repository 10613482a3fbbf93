using System.Net.Sockets;

namespace Samsa.Broker.Mini.Tests.Durability;

/// <summary>Stopping a broker while its socket connections are mid-request.</summary>
public sealed class BrokerStopTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task StopBroker_ClientsNotReadingAndLongPolling_StopsWithoutThrowingAndClosesEveryConnection()
    {
        await using var cluster = await MiniCluster.StartAsync(new MiniClusterOptions { Brokers = 2 });
        await cluster.CreateTopicAsync("stop", partitions: 1, replicationFactor: 2);
        int leader = cluster.State.Topics["stop"].Partitions[0].Leader;
        await using (var client = TestClient.Connect(cluster, leader))
        {
            string big = new('x', 100_000);
            for (int i = 0; i < 20; i++) await client.SendAsync(TestClient.Produce("stop", 0, TestClient.Batch(($"k{i}", big))), 9);
        }
        var (host, port) = SplitEndpoint(cluster.EndpointOf(leader));
        var sockets = new List<Socket>();
        try
        {
            // Clients that pipeline megabyte fetches and never read: the broker's writes back up and its flushes block.
            for (int c = 0; c < 6; c++)
            {
                var socket = await ConnectAsync(host, port);
                sockets.Add(socket);
                var frame = Frame(TestClient.Fetch("stop", 0, 0), 12, correlation: c);
                for (int r = 0; r < 40; r++) await socket.SendAsync(frame);
            }
            // Clients parked in a long-poll at the log end.
            for (int c = 0; c < 6; c++)
            {
                var socket = await ConnectAsync(host, port);
                sockets.Add(socket);
                await socket.SendAsync(Frame(TestClient.Fetch("stop", 0, 20, maxWaitMs: 60_000), 12, correlation: 100 + c));
            }
            var broker = cluster.State.Brokers[leader];
            var deadline = DateTime.UtcNow + Guard;
            while (broker.Connections.Count < sockets.Count && DateTime.UtcNow < deadline) await Task.Delay(20);
            Assert.True(broker.Connections.Count >= sockets.Count, "the broker did not accept every socket");
            await Task.Delay(300); // let the blocked flushes and long-polls settle in; not an assertion

            await cluster.StopBrokerAsync(leader).WaitAsync(Guard);

            Assert.Equal(0, broker.Connections.Count);
            Assert.NotEqual(leader, cluster.State.Topics["stop"].Partitions[0].Leader);
            await cluster.StartBrokerAsync(leader);
        }
        finally
        {
            foreach (var s in sockets) s.Dispose();
        }
    }

    private static (string Host, int Port) SplitEndpoint(string endpoint)
    {
        int colon = endpoint.LastIndexOf(':');
        return (endpoint[..colon], int.Parse(endpoint[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    private static async Task<Socket> ConnectAsync(string host, int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await socket.ConnectAsync(host, port).WaitAsync(Guard);
        return socket;
    }

    private static byte[] Frame(IKafkaApiMessage request, short version, int correlation)
    {
        var header = new RequestHeader { RequestApiKey = (short)request.ApiKey, RequestApiVersion = version, CorrelationId = correlation, ClientId = "stop" };
        short hv = ApiKeys.RequestHeaderVersion(request.ApiKey, version);
        int size = header.ComputeSize(hv) + request.ComputeSize(version);
        var buffer = new byte[4 + size];
        var w = new Samsa.Protocol.Primitives.KafkaWriter(buffer);
        w.WriteInt32(size);
        header.Write(ref w, hv);
        request.Write(ref w, version);
        return buffer;
    }
}
