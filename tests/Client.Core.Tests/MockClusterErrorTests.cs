using Samsa.Protocol;
using Samsa.Protocol.Messages;
using Samsa.Testing;

namespace Samsa.Client.Tests;

/// <summary>
/// Broker error codes injected into librdkafka's mock cluster: retriable ones are retried (with a metadata refresh where
/// Kafka would refresh) and succeed; fatal ones surface at once as the typed exception.
/// </summary>
public class MockClusterErrorTests
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);

    private static KafkaClientOptions Options(LibrdkafkaMockCluster mock) => new()
    {
        BootstrapServers = mock.BootstrapServers,
        ClientId = "samsa-core-error-tests",
        DefaultApiTimeoutMs = 30_000,
        RetryBackoffMs = 5,
        RetryBackoffMaxMs = 50,
    };

    // librdkafka 2.0.2's mock ignores PushRequestErrors for Metadata, so topic errors are set with SetTopicError instead
    // (every Metadata answer carries the error until it is cleared).
    [PeerTheory("librdkafka")]
    [InlineData(ErrorCode.LeaderNotAvailable)]
    [InlineData(ErrorCode.NotLeaderOrFollower)]
    [InlineData(ErrorCode.RequestTimedOut)]
    [InlineData(ErrorCode.UnknownTopicOrPartition)]
    public async Task GetLeaderAsync_RetriableMetadataErrors_RefreshesAgainAndSucceeds(ErrorCode error)
    {
        Peers.Require("librdkafka");
        using var mock = new LibrdkafkaMockCluster(3);
        mock.CreateTopic("orders", partitions: 2, replicationFactor: 3);
        await using var cluster = new KafkaCluster(Options(mock));
        await cluster.RefreshMetadataAsync().AsTask().WaitAsync(HangGuard);
        long before = cluster.MetadataRefreshCount;
        mock.SetTopicError("orders", (short)error);

        var leader = cluster.GetLeaderAsync("orders", 1).AsTask();
        while (cluster.MetadataRefreshCount < before + 2) await Task.Delay(5).WaitAsync(HangGuard);
        Assert.False(leader.IsCompleted);
        Assert.Equal(error, cluster.Metadata.Topics["orders"].Error);
        mock.SetTopicError("orders", 0);

        var partition = await leader.WaitAsync(HangGuard);
        Assert.True(partition.LeaderId >= 1);
        Assert.Equal(ErrorCode.None, cluster.Metadata.Topics["orders"].Error);
    }

    [PeerTheory("librdkafka")]
    [InlineData(ErrorCode.TopicAuthorizationFailed, typeof(KafkaAuthorizationException))]
    [InlineData(ErrorCode.ClusterAuthorizationFailed, typeof(KafkaAuthorizationException))]
    [InlineData(ErrorCode.UnsupportedVersion, typeof(UnsupportedVersionException))]
    [InlineData(ErrorCode.InvalidTopicException, typeof(KafkaException))]
    public async Task GetLeaderAsync_FatalMetadataError_ThrowsTypedExceptionWithoutRetrying(ErrorCode error, Type expected)
    {
        Peers.Require("librdkafka");
        using var mock = new LibrdkafkaMockCluster(3);
        mock.CreateTopic("orders", partitions: 2, replicationFactor: 3);
        await using var cluster = new KafkaCluster(Options(mock));
        await cluster.RefreshMetadataAsync().AsTask().WaitAsync(HangGuard);
        long before = cluster.MetadataRefreshCount;
        mock.SetTopicError("orders", (short)error);

        var e = await Assert.ThrowsAnyAsync<KafkaException>(() => cluster.GetLeaderAsync("orders", 0).AsTask().WaitAsync(HangGuard));

        Assert.IsType(expected, e);
        Assert.Equal(error, e.ErrorCode);
        Assert.False(e.IsRetriable);
        Assert.Equal(before + 1, cluster.MetadataRefreshCount);
        Assert.Equal(error, cluster.Metadata.Topics["orders"].Error);
    }

    [PeerTheory("librdkafka")]
    [InlineData(ErrorCode.NotLeaderOrFollower, true)]
    [InlineData(ErrorCode.LeaderNotAvailable, true)]
    [InlineData(ErrorCode.RequestTimedOut, false)]
    public async Task RetryAsync_RetriableListOffsetsErrors_RetriesAndRefreshesMetadataWhenStale(ErrorCode error, bool refreshes)
    {
        Peers.Require("librdkafka");
        using var mock = new LibrdkafkaMockCluster(3);
        mock.CreateTopic("orders", partitions: 1, replicationFactor: 3);
        await using var cluster = new KafkaCluster(Options(mock));
        await cluster.GetLeaderAsync("orders", 0).AsTask().WaitAsync(HangGuard);
        long before = cluster.MetadataRefreshCount;
        mock.PushRequestErrors((short)ApiKey.ListOffsets, (short)error, (short)error);
        int attempts = 0;

        long offset = await cluster.RetryAsync(ct =>
        {
            attempts++;
            return ListEarliestAsync(cluster, "orders", 0, ct);
        }).AsTask().WaitAsync(HangGuard);

        Assert.Equal(0, offset);
        Assert.Equal(3, attempts);
        if (refreshes)
        {
            // HandleError asked the background loop for a refresh; it happens soon (retry.backoff.ms after the last one).
            while (cluster.MetadataRefreshCount == before) await Task.Delay(10).WaitAsync(HangGuard);
        }
        else
        {
            Assert.False(cluster.HandleError(error));
        }
    }

    [PeerTheory("librdkafka")]
    [InlineData(ErrorCode.TopicAuthorizationFailed, typeof(KafkaAuthorizationException))]
    [InlineData(ErrorCode.UnsupportedVersion, typeof(UnsupportedVersionException))]
    [InlineData(ErrorCode.UnsupportedForMessageFormat, typeof(KafkaException))]
    public async Task RetryAsync_FatalListOffsetsError_SurfacesAfterOneAttempt(ErrorCode error, Type expected)
    {
        Peers.Require("librdkafka");
        using var mock = new LibrdkafkaMockCluster(3);
        mock.CreateTopic("orders", partitions: 1, replicationFactor: 3);
        await using var cluster = new KafkaCluster(Options(mock));
        await cluster.GetLeaderAsync("orders", 0).AsTask().WaitAsync(HangGuard);
        mock.PushRequestErrors((short)ApiKey.ListOffsets, (short)error);
        int attempts = 0;

        var e = await Assert.ThrowsAnyAsync<KafkaException>(() => cluster.RetryAsync(ct =>
        {
            attempts++;
            return ListEarliestAsync(cluster, "orders", 0, ct);
        }).AsTask().WaitAsync(HangGuard));

        Assert.IsType(expected, e);
        Assert.Equal(error, e.ErrorCode);
        Assert.Equal(1, attempts);
    }

    [PeerFact("librdkafka")]
    public async Task RetryAsync_RetriableErrorPastDefaultApiTimeout_ThrowsTimeoutWithLastError()
    {
        Peers.Require("librdkafka");
        using var mock = new LibrdkafkaMockCluster(1);
        mock.CreateTopic("orders", partitions: 1, replicationFactor: 1);
        var options = Options(mock);
        options.DefaultApiTimeoutMs = 300;
        options.RetryBackoffMs = 100;
        options.RetryBackoffMaxMs = 100;
        await using var cluster = new KafkaCluster(options);
        await cluster.GetLeaderAsync("orders", 0).AsTask().WaitAsync(HangGuard);
        mock.PushRequestErrors((short)ApiKey.ListOffsets, Enumerable.Repeat((short)ErrorCode.NotLeaderOrFollower, 50).ToArray());

        var e = await Assert.ThrowsAsync<KafkaTimeoutException>(() =>
            cluster.RetryAsync(ct => ListEarliestAsync(cluster, "orders", 0, ct)).AsTask().WaitAsync(HangGuard));

        Assert.Equal(ErrorCode.NotLeaderOrFollower, e.ErrorCode);
        Assert.Equal(ErrorCode.NotLeaderOrFollower, Assert.IsAssignableFrom<KafkaException>(e.InnerException).ErrorCode);
        mock.ClearRequestErrors((short)ApiKey.ListOffsets);
    }

    /// <summary>One ListOffsets (earliest) to the partition leader; a partition error becomes a <see cref="KafkaException"/>.</summary>
    private static async ValueTask<long> ListEarliestAsync(KafkaCluster cluster, string topic, int partition, CancellationToken cancellationToken)
    {
        var connection = await cluster.GetLeaderConnectionAsync(topic, partition, cancellationToken).ConfigureAwait(false);
        var request = new ListOffsetsRequest
        {
            ReplicaId = -1,
            Topics = [new() { Name = topic, Partitions = [new() { PartitionIndex = partition, Timestamp = -2, CurrentLeaderEpoch = -1 }] }],
        };
        var response = await connection.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var p = response.Topics.Single().Partitions.Single();
        KafkaException.ThrowIfError((ErrorCode)p.ErrorCode, $"ListOffsets {topic}-{partition}");
        return p.Offset;
    }
}
