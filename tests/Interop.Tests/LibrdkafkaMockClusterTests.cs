using Samsa.Testing;

namespace Samsa.Interop.Tests;

public sealed class LibrdkafkaMockClusterTests
{
    private static readonly TimeSpan KcatTimeout = TimeSpan.FromSeconds(30);

    [PeerFact("librdkafka", "kcat")]
    public async Task KcatList_ThreeBrokerCluster_ShowsThreeBrokersAndCreatedTopic()
    {
        Peers.Require("librdkafka", "kcat");
        using var cluster = new LibrdkafkaMockCluster(3);
        cluster.CreateTopic("interop-topic", partitions: 4, replicationFactor: 3);

        var result = await ProcessRunner.RunAsync("kcat", ["-L", "-b", cluster.BootstrapServers, "-m", "10"], timeout: KcatTimeout);

        result.EnsureSuccess();
        Assert.Equal(3, cluster.BootstrapServers.Split(',').Length);
        Assert.Contains("3 brokers:", result.StandardOutput, StringComparison.Ordinal);
        for (var id = 1; id <= 3; id++)
        {
            Assert.Contains($"broker {id} at ", result.StandardOutput, StringComparison.Ordinal);
        }

        Assert.Contains("topic \"interop-topic\" with 4 partitions", result.StandardOutput, StringComparison.Ordinal);
    }

    [PeerFact("librdkafka", "kcat")]
    public async Task SetBrokerDown_AllBrokers_KcatFailsUntilSetUp()
    {
        Peers.Require("librdkafka", "kcat");
        using var cluster = new LibrdkafkaMockCluster(1);

        cluster.SetBrokerDown(-1);
        var down = await ProcessRunner.RunAsync("kcat", ["-L", "-b", cluster.BootstrapServers, "-m", "2"], timeout: KcatTimeout);
        cluster.SetBrokerUp(-1);
        var up = await ProcessRunner.RunAsync("kcat", ["-L", "-b", cluster.BootstrapServers, "-m", "10"], timeout: KcatTimeout);

        Assert.False(down.Succeeded, down.ToString());
        up.EnsureSuccess();
        Assert.Contains("1 brokers:", up.StandardOutput, StringComparison.Ordinal);
    }

    [PeerFact("librdkafka")]
    public void PushBrokerRequestErrors_ThreePairs_AreQueuedInOrderCount()
    {
        Peers.Require("librdkafka");
        using var cluster = new LibrdkafkaMockCluster(2);

        cluster.PushBrokerRequestErrors(2, apiKey: 0, (6, 0), (0, 10), (7, 5));

        Assert.Equal(3, cluster.GetBrokerErrorStackCount(2, 0));
        Assert.Equal(0, cluster.GetBrokerErrorStackCount(1, 0));
    }

    [PeerFact("librdkafka")]
    public void Version_IsLibrdkafka2()
    {
        Peers.Require("librdkafka");
        Assert.StartsWith("2.", LibrdkafkaMockCluster.LibrdkafkaVersion, StringComparison.Ordinal);
    }

    [PeerFact("librdkafka")]
    public void Dispose_Twice_IsHarmlessAndLaterCallsThrow()
    {
        Peers.Require("librdkafka");
        var cluster = new LibrdkafkaMockCluster(1);
        cluster.Dispose();
        cluster.Dispose();
        Assert.Throws<ObjectDisposedException>(() => cluster.CreateTopic("t"));
    }
}
