using System.Collections.Concurrent;
using Samsa.Client.Connections;
using Samsa.Client.Tests.Support;
using Samsa.Protocol.Messages;

namespace Samsa.Client.Tests;

public class ConnectionChaosTests
{
    [Fact]
    public async Task SendAsync_ConnectionsKilledAtRandom_EveryRequestCompletesExactlyOnce()
    {
        var server = new ScriptedServer();
        var options = new KafkaClientOptions { BootstrapServers = "broker:9092", MaxInFlightRequestsPerConnection = 5 };
        var random = new Random(12345);
        var outcomes = new ConcurrentDictionary<int, int>(); // id -> completions
        int answered = 0, failed = 0, next = 0;
        using var stop = new CancellationTokenSource();
        var killer = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(random.Next(1, 15));
                server.KillAll();
            }
        });

        for (int round = 0; round < 40; round++)
        {
            KafkaConnection connection;
            try
            {
                connection = await KafkaConnection.ConnectAsync(server.Transport, new BrokerAddress("broker", 9092), options)
                    .AsTask().WaitAsync(TimeSpan.FromSeconds(30));
            }
            catch (KafkaConnectionException)
            {
                continue; // killed during the handshake
            }
            await using (connection)
            {
                var tasks = new List<Task>();
                for (int i = 0; i < 100; i++)
                {
                    int id = Interlocked.Increment(ref next);
                    outcomes[id] = 0;
                    tasks.Add(Track(connection, id));
                }
                await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(60));
            }
        }
        stop.Cancel();
        await killer;

        Assert.Equal(next, outcomes.Count);
        Assert.All(outcomes, pair => Assert.Equal(1, pair.Value));
        Assert.Equal(next, answered + failed);
        Assert.True(failed > 0, "the killer never interrupted a request; the test proved nothing");
        Assert.True(answered > 0);

        async Task Track(KafkaConnection connection, int id)
        {
            try
            {
                var response = await connection.SendAsync(new SaslAuthenticateRequest { AuthBytes = BitConverter.GetBytes(id) }, 2);
                Assert.Equal(id, BitConverter.ToInt32(response.AuthBytes)); // matched to its own request
                Interlocked.Increment(ref answered);
            }
            catch (KafkaConnectionException)
            {
                Interlocked.Increment(ref failed);
            }
            outcomes.AddOrUpdate(id, 1, (_, n) => n + 1);
        }
    }
}
