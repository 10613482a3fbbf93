using Samsa.Client.Connections;
using Samsa.Client.Tests.Support;
using Samsa.Protocol;
using Samsa.Protocol.Messages;

namespace Samsa.Client.Tests;

/// <summary>Broker throttling (Kafka 2.0+: the client holds back after the response) and idle connection reaping, on a manual clock.</summary>
public class ThrottleAndIdleTests
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task SendAsync_ResponseWithThrottleTime_HoldsTheNextRequestUntilItPasses()
    {
        var time = new FakeTimeProvider();
        int heartbeats = 0;
        var server = new ScriptedServer
        {
            Handler = r => r.ApiKey == ApiKey.Heartbeat && Interlocked.Increment(ref heartbeats) == 1
                ? new HeartbeatResponse { ThrottleTimeMs = 500 }
                : null,
        };
        await using var connection = await KafkaConnection.ConnectAsync(server.Transport, new BrokerAddress("broker", 9092),
            new KafkaClientOptions { BootstrapServers = "broker:9092", RequestTimeoutMs = 60_000 }, timeProvider: time).AsTask().WaitAsync(HangGuard);

        var first = await connection.SendAsync(new HeartbeatRequest { GroupId = "g" }, 4).AsTask().WaitAsync(HangGuard);
        Assert.Equal(500, first.ThrottleTimeMs);
        long seen = Interlocked.Read(ref server.RequestsSeen);
        var second = connection.SendAsync(new HeartbeatRequest { GroupId = "g" }, 4).AsTask();

        // The write loop parks on a 500 ms timer (the connection's own timeout check ticks every second).
        await BackoffTests.WaitUntilAsync(() => time.PendingTimers() is [var t, ..] && t == TimeSpan.FromMilliseconds(500));
        time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.False(second.IsCompleted);
        Assert.Equal(seen, Interlocked.Read(ref server.RequestsSeen));

        time.Advance(TimeSpan.FromMilliseconds(1));
        var response = await second.WaitAsync(HangGuard);
        Assert.Equal(0, response.ThrottleTimeMs);
        Assert.Equal(seen + 1, Interlocked.Read(ref server.RequestsSeen));

        // No throttle in force any more: the next request goes straight out.
        await connection.SendAsync(new HeartbeatRequest { GroupId = "g" }, 4).AsTask().WaitAsync(HangGuard);
    }

    [Fact]
    public async Task Cluster_ConnectionIdleLongerThanConnectionsMaxIdle_IsClosedAndReopenedOnDemand()
    {
        var time = new FakeTimeProvider();
        var server = new ScriptedServer();
        var options = new KafkaClientOptions { BootstrapServers = "broker:9092", ConnectionsMaxIdleMs = 60_000, MetadataMaxAgeMs = 3_600_000 };
        await using var cluster = new KafkaCluster(options, timeProvider: time, transport: server.Transport);
        var connection = await cluster.GetAnyConnectionAsync().AsTask().WaitAsync(HangGuard);
        await connection.SendAsync(new HeartbeatRequest { GroupId = "g" }, 4).AsTask().WaitAsync(HangGuard);

        // Up to 59 s idle: every background check (every 10 s) sees less than connections.max.idle.ms.
        for (int i = 0; i < 59; i++) time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(connection.IsConnected);
        Assert.Same(connection, await cluster.GetAnyConnectionAsync().AsTask().WaitAsync(HangGuard));

        // Past it: the next check closes the connection (the loop re-arms its tick asynchronously, so keep the clock moving).
        var guard = Task.Delay(HangGuard);
        while (!connection.Completion.IsCompleted && !guard.IsCompleted)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(connection.Completion, Task.Delay(5));
        }
        await connection.Completion.WaitAsync(HangGuard);
        Assert.False(connection.IsConnected);
        Assert.IsType<KafkaConnectionException>(connection.Failure);

        var reopened = await cluster.GetAnyConnectionAsync().AsTask().WaitAsync(HangGuard);
        Assert.NotSame(connection, reopened);
        await reopened.SendAsync(new HeartbeatRequest { GroupId = "g" }, 4).AsTask().WaitAsync(HangGuard);
    }

    [Fact]
    public async Task Cluster_IdleConnectionWithRequestInFlight_IsNotReaped()
    {
        var time = new FakeTimeProvider();
        var server = new ScriptedServer();
        var options = new KafkaClientOptions { BootstrapServers = "broker:9092", ConnectionsMaxIdleMs = 60_000, MetadataMaxAgeMs = 3_600_000, RequestTimeoutMs = 3_600_000 };
        await using var cluster = new KafkaCluster(options, timeProvider: time, transport: server.Transport);
        var connection = await cluster.GetAnyConnectionAsync().AsTask().WaitAsync(HangGuard);
        server.Swallow = r => r.ApiKey == ApiKey.Heartbeat;
        var pending = connection.SendAsync(new HeartbeatRequest { GroupId = "g" }, 4).AsTask();
        await BackoffTests.WaitUntilAsync(() => server.HeldCount == 1);
        long checksBefore = cluster.IdleChecks;

        // Drive the clock well past connections.max.idle.ms until the background loop has checked twice more.
        var guard = Task.Delay(HangGuard);
        while (cluster.IdleChecks < checksBefore + 2 && !guard.IsCompleted)
        {
            time.Advance(TimeSpan.FromSeconds(15));
            await Task.Delay(5);
        }
        Assert.True(cluster.IdleChecks >= checksBefore + 2);
        Assert.True(connection.IsConnected);

        await server.ReleaseHeldAsync();
        await pending.WaitAsync(HangGuard);
    }
}
