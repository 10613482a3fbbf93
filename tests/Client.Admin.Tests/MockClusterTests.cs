using Samsa.Client;

namespace Samsa.Admin.Tests;

/// <summary>
/// The same operations against librdkafka's mock cluster (2.0.x), for the APIs it implements (Metadata, ListOffsets,
/// FindCoordinator, OffsetCommit/OffsetFetch, groups); the ones it lacks must surface UNSUPPORTED_VERSION per item.
/// </summary>
public sealed class MockClusterTests
{
    [PeerFact("librdkafka")]
    public async Task TopicsOffsetsAndCommittedOffsets_OnMockCluster()
    {
        using var mock = new LibrdkafkaMockCluster(3);
        mock.CreateTopic("orders", 3, 2);
        await using var admin = AdminKit.Admin(mock.BootstrapServers);
        await ConfluentConsumer.ProduceAsync(mock.BootstrapServers, "orders", 9, 3);

        var described = await admin.DescribeTopicsAsync(["orders", "absent"], cancellationToken: AdminKit.Token);
        Assert.Equal(3, described["orders"].Value.Partitions.Count);
        // The 2.0.x mock places replicas on every broker whatever the factor; the leader must be one of them.
        Assert.All(described["orders"].Value.Partitions, p => Assert.Contains(p.LeaderId, p.Replicas));
        // (The mock negotiates Metadata v2, which cannot ask not to auto-create, so "absent" comes back created.)
        Assert.Contains(await admin.ListTopicsAsync(cancellationToken: AdminKit.Token), t => t.Name == "orders");
        var clusterDescription = await admin.DescribeClusterAsync(cancellationToken: AdminKit.Token);
        Assert.Equal([1, 2, 3], clusterDescription.Brokers.Select(b => b.NodeId));

        var partitions = Enumerable.Range(0, 3).Select(i => new TopicPartition("orders", i)).ToList();
        var latest = await admin.ListOffsetsAsync(partitions.ToDictionary(p => p, _ => OffsetSpec.Latest), cancellationToken: AdminKit.Token);
        Assert.All(latest, r => Assert.Equal(3, r.Value.Offset));

        mock.PushRequestErrors((short)ApiKey.OffsetCommit, (short)ErrorCode.NotCoordinator, (short)ErrorCode.CoordinatorLoadInProgress);
        var committed = await admin.AlterConsumerGroupOffsetsAsync("mock-group", partitions.ToDictionary(p => p, p => new OffsetAndMetadata(p.Partition + 1)), AdminKit.Token);
        Assert.True(committed.AllSucceeded, string.Join("; ", committed));
        mock.PushRequestErrors((short)ApiKey.OffsetFetch, (short)ErrorCode.NotCoordinator);
        var offsets = await admin.ListConsumerGroupOffsetsAsync("mock-group", partitions, cancellationToken: AdminKit.Token);
        Assert.Equal([1L, 2L, 3L], partitions.Select(p => offsets[p].Offset));

        var configs = await admin.DescribeConfigsAsync([ConfigResource.Topic("orders")], cancellationToken: AdminKit.Token);
        var connection = await admin.Cluster.GetAnyConnectionAsync(AdminKit.Token);
        if (connection.ApiVersions!.BrokerRange(ApiKey.DescribeConfigs) is null) Assert.Equal(ErrorCode.UnsupportedVersion, configs.At(0).Error!.Code);
        else Assert.True(configs.At(0).IsSuccess, configs.At(0).ToString());

        var created = await admin.CreateTopicsAsync([new NewTopic("new-on-mock", 1, 1)], cancellationToken: AdminKit.Token);
        Assert.Equal(ErrorCode.UnsupportedVersion, created.At(0).Error!.Code);
    }

    [PeerFact("librdkafka")]
    public async Task ConfluentGroup_ListedAndDescribed_OnMockCluster()
    {
        using var mock = new LibrdkafkaMockCluster(3);
        mock.CreateTopic("events", 2, 1);
        await using var admin = AdminKit.Admin(mock.BootstrapServers);
        await ConfluentConsumer.ProduceAsync(mock.BootstrapServers, "events", 4, 2);
        await using var consumer = new ConfluentConsumer(mock.BootstrapServers, "mock-consumers", "events", "mock-c1");
        await AdminKit.WaitUntilAsync(() => Task.FromResult(consumer.Consumed.Count >= 4), "the consumer to read");

        await consumer.CommitAsync();
        var committed = await admin.ListConsumerGroupOffsetsAsync("mock-consumers", [new("events", 0), new("events", 1)], cancellationToken: AdminKit.Token);
        Assert.Equal(4, committed.Values.Sum(o => o.Offset));

        var connection = await admin.Cluster.GetAnyConnectionAsync(AdminKit.Token);
        if (connection.ApiVersions!.BrokerRange(ApiKey.DescribeGroups) is null)
        {
            // librdkafka 2.0.x's mock has no DescribeGroups/ListGroups: the typed error must surface.
            var result = await admin.DescribeConsumerGroupsAsync(["mock-consumers"], cancellationToken: AdminKit.Token);
            Assert.Equal(ErrorCode.UnsupportedVersion, result.At(0).Error!.Code);
            var e = await Assert.ThrowsAnyAsync<KafkaException>(() => admin.ListConsumerGroupsAsync(cancellationToken: AdminKit.Token));
            Assert.Equal(ErrorCode.UnsupportedVersion, e.ErrorCode);
            return;
        }
        await AdminKit.WaitUntilAsync(async () => (await admin.DescribeConsumerGroupsAsync(["mock-consumers"]))["mock-consumers"] is { IsSuccess: true } d && d.Value.State == "Stable",
            "the mock group to stabilise");
        var description = (await admin.DescribeConsumerGroupsAsync(["mock-consumers"], cancellationToken: AdminKit.Token))["mock-consumers"].Value;
        var member = Assert.Single(description.Members);
        Assert.Equal("mock-c1", member.ClientId);
        Assert.Equal([new TopicPartition("events", 0), new TopicPartition("events", 1)], member.Assignment);
    }
}
