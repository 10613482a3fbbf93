using Samsa.Client.Connections;
using Samsa.Protocol;
using Samsa.Protocol.Messages;
using Samsa.Testing;

namespace Samsa.Client.Tests;

/// <summary>Integration tests against librdkafka's mock cluster (three brokers, real TCP).</summary>
public class MockClusterTests
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);

    private static KafkaClientOptions Options(LibrdkafkaMockCluster mock) => new()
    {
        BootstrapServers = mock.BootstrapServers,
        ClientId = "samsa-core-tests",
        DefaultApiTimeoutMs = 30_000,
    };

    [PeerFact("librdkafka")]
    public async Task RefreshMetadataAsync_ThreeBrokers_DiscoversBrokersTopicAndLeaders()
    {
        Peers.Require("librdkafka");
        using var mock = new LibrdkafkaMockCluster(3);
        mock.CreateTopic("orders", partitions: 6, replicationFactor: 3);
        await using var cluster = new KafkaCluster(Options(mock));

        var metadata = await cluster.RefreshMetadataAsync(["orders"]).AsTask().WaitAsync(HangGuard);

        Assert.Equal(3, metadata.Brokers.Count);
        var topic = metadata.Topics["orders"];
        Assert.Equal(6, topic.Partitions.Count);
        Assert.All(topic.Partitions.Values, p => Assert.Contains(p.LeaderId, metadata.Brokers.Keys));
        foreach (var brokerId in metadata.Brokers.Keys)
        {
            var connection = await cluster.GetConnectionAsync(brokerId).AsTask().WaitAsync(HangGuard);
            Assert.Equal(brokerId, connection.BrokerId);
            Assert.True(connection.ApiVersions!.Select(ApiKey.Metadata) >= 1);
        }
        var leader = await cluster.GetLeaderConnectionAsync("orders", 3).AsTask().WaitAsync(HangGuard);
        Assert.Equal(topic.Partitions[3].LeaderId, leader.BrokerId);
    }

    [PeerFact("librdkafka")]
    public async Task GetConnectionAsync_BrokerDownThenUp_Reconnects()
    {
        Peers.Require("librdkafka");
        using var mock = new LibrdkafkaMockCluster(3);
        await using var cluster = new KafkaCluster(Options(mock));
        await cluster.RefreshMetadataAsync().AsTask().WaitAsync(HangGuard);
        var first = await cluster.GetConnectionAsync(2).AsTask().WaitAsync(HangGuard);

        mock.SetBrokerDown(2);
        await first.Completion.WaitAsync(HangGuard);
        Assert.False(first.IsConnected);
        await Assert.ThrowsAnyAsync<KafkaException>(() => cluster.GetConnectionAsync(2).AsTask().WaitAsync(HangGuard));

        mock.SetBrokerUp(2);
        var second = await cluster.RetryAsync(ct => cluster.GetConnectionAsync(2, ct)).AsTask().WaitAsync(HangGuard);
        Assert.NotSame(first, second);
        var response = await second.SendAsync(new MetadataRequest { Topics = [] }).AsTask().WaitAsync(HangGuard);
        Assert.Equal(3, response.Brokers.Count);
    }

    [PeerFact("librdkafka")]
    public async Task RefreshMetadataAsync_InjectedConnectionDrops_AreRetried()
    {
        Peers.Require("librdkafka");
        using var mock = new LibrdkafkaMockCluster(3);
        await using var cluster = new KafkaCluster(Options(mock));
        await cluster.RefreshMetadataAsync().AsTask().WaitAsync(HangGuard);
        long before = cluster.MetadataRefreshCount;
        mock.PushRequestErrors((short)ApiKey.Metadata, -195, -195); // the mock drops the connection instead of answering

        var metadata = await cluster.RefreshMetadataAsync().AsTask().WaitAsync(HangGuard);

        Assert.Equal(3, metadata.Brokers.Count);
        Assert.Equal(before + 1, cluster.MetadataRefreshCount);
    }

    [PeerFact("librdkafka")]
    public async Task SendAsync_BrokerSlowerThanRequestTimeout_ThrowsTimeout()
    {
        Peers.Require("librdkafka");
        using var mock = new LibrdkafkaMockCluster(3);
        var options = Options(mock);
        options.RequestTimeoutMs = 500;
        await using var cluster = new KafkaCluster(options);
        await cluster.RefreshMetadataAsync().AsTask().WaitAsync(HangGuard);
        var connection = await cluster.GetConnectionAsync(1).AsTask().WaitAsync(HangGuard);

        mock.SetBrokerRtt(1, 5_000);
        await Assert.ThrowsAsync<KafkaTimeoutException>(() => connection.SendAsync(new MetadataRequest { Topics = [] }).AsTask().WaitAsync(HangGuard));
        Assert.False(connection.IsConnected);
    }

    [PeerFact("librdkafka")]
    public async Task SendAsync_ThousandPipelinedRequests_AllCompleteMatchedInOrder()
    {
        Peers.Require("librdkafka");
        using var mock = new LibrdkafkaMockCluster(3);
        await using var cluster = new KafkaCluster(Options(mock));
        var connection = await cluster.GetAnyConnectionAsync().AsTask().WaitAsync(HangGuard);
        short version = connection.ApiVersions!.Select(ApiKey.Metadata);

        var tasks = Enumerable.Range(0, 1_000)
            .Select(i => connection.SendAsync(new MetadataRequest { Topics = [new() { Name = $"topic-{i}" }], AllowAutoTopicCreation = version < 4 }, version).AsTask())
            .ToArray();
        var responses = await Task.WhenAll(tasks).WaitAsync(HangGuard);

        for (int i = 0; i < responses.Length; i++) Assert.Equal($"topic-{i}", Assert.Single(responses[i].Topics).Name);
        Assert.True(connection.IsConnected);
    }
}
