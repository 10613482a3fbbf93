using Microsoft.Extensions.DependencyInjection;
using Samsa.Broker.Mini;
using Samsa.Client;

namespace Samsa.Admin.Tests;

public sealed class ClusterTests
{
    [Fact]
    public async Task DescribeCluster_IdControllerBrokersRacks()
    {
        await using var cluster = await AdminKit.StartAsync(3, ["r1", "r2", null]);
        await using var admin = AdminKit.Admin(cluster.BootstrapServers);
        var description = await admin.DescribeClusterAsync(true, AdminKit.Token);
        Assert.Equal(cluster.ClusterId, description.ClusterId);
        Assert.Equal([0, 1, 2], description.Brokers.Select(b => b.NodeId));
        Assert.Equal(["r1", "r2", null], description.Brokers.Select(b => b.Rack));
        Assert.NotNull(description.Controller);
        Assert.Contains(AclOperation.ClusterAction, description.AuthorizedOperations!);
        Assert.Contains(AclOperation.IdempotentWrite, description.AuthorizedOperations!);
        Assert.Equal(cluster.EndpointOf(1), $"{description.Brokers[1].Host}:{description.Brokers[1].Port}");
    }

    [Fact]
    public async Task DescribeLogDirs_PerBroker()
    {
        await using var cluster = await AdminKit.StartAsync(2);
        await using var admin = AdminKit.Admin(cluster.BootstrapServers);
        (await admin.CreateTopicsAsync([new NewTopic("t", 2, 2)], cancellationToken: AdminKit.Token)).ThrowOnError();
        var dirs = await admin.DescribeLogDirsAsync([0, 1, 7], AdminKit.Token);
        foreach (int broker in new[] { 0, 1 })
        {
            var dir = Assert.Single(dirs[broker].Value);
            Assert.Null(dir.Error);
            Assert.Equal([new TopicPartition("t", 0), new TopicPartition("t", 1)], dir.Replicas.Select(r => r.Partition).Order());
        }
        Assert.Equal(ErrorCode.BrokerNotAvailable, dirs[7].Error!.Code);
    }

    [Fact]
    public async Task DescribeFeatures_FromApiVersions()
    {
        await using var cluster = await AdminKit.StartAsync(1);
        await using var admin = AdminKit.Admin(cluster.BootstrapServers);
        var features = await admin.DescribeFeaturesAsync(AdminKit.Token);
        Assert.NotNull(features.FinalizedFeatures);
        Assert.NotNull(features.SupportedFeatures);
    }

    /// <summary>
    /// ElectLeaders against Broker.Mini: after a failover the preferred replica is first unavailable, then (back in the
    /// ISR) elected; a partition already on its preferred leader and an unknown one fail per item.
    /// </summary>
    [Fact]
    public async Task ElectLeaders_Preferred_PerPartitionResultsAfterFailover()
    {
        await using var cluster = await AdminKit.StartAsync(3);
        await using var admin = AdminKit.Admin(cluster.BootstrapServers);
        (await admin.CreateTopicsAsync([new NewTopic("e", 2, 3)], cancellationToken: AdminKit.Token)).ThrowOnError();
        var tp0 = new TopicPartition("e", 0);
        var tp1 = new TopicPartition("e", 1);
        var missing = new TopicPartition("missing", 0);
        var before = await PartitionAsync(admin, 0);
        int preferred = before.Replicas[0];
        Assert.Equal(preferred, before.LeaderId);

        await cluster.StopBrokerAsync(preferred);
        await AdminKit.WaitUntilAsync(async () => (await PartitionAsync(admin, 0)).LeaderId != preferred, "the leader moved");
        Assert.Equal(ErrorCode.PreferredLeaderNotAvailable, (await admin.ElectLeadersAsync(ElectionType.Preferred, [tp0], AdminKit.Token))[tp0].Error?.Code);

        await cluster.StartBrokerAsync(preferred);
        await AdminKit.WaitUntilAsync(async () => (await PartitionAsync(admin, 0)).Isr.Contains(preferred), "the preferred replica rejoined the ISR");
        var results = await admin.ElectLeadersAsync(ElectionType.Preferred, [tp0, tp1, missing], AdminKit.Token);
        Assert.True(results[tp0].IsSuccess, results[tp0].ToString());
        Assert.Equal(ErrorCode.ElectionNotNeeded, results[tp1].Error?.Code);
        Assert.Equal(ErrorCode.UnknownTopicOrPartition, results[missing].Error?.Code);
        var after = await PartitionAsync(admin, 0);
        Assert.Equal(preferred, after.LeaderId);
        Assert.True(after.LeaderEpoch >= before.LeaderEpoch + 2, $"epoch {before.LeaderEpoch} -> {after.LeaderEpoch}");
        Assert.Empty(await admin.ElectLeadersAsync(ElectionType.Unclean, null, AdminKit.Token));   // every partition has a leader
    }

    private static async Task<PartitionDescription> PartitionAsync(AdminClient admin, int partition) =>
        (await admin.DescribeTopicsAsync(["e"], cancellationToken: AdminKit.Token))["e"].Value.Partitions[partition];

    /// <summary>APIs Broker.Mini does not implement: the typed UNSUPPORTED_VERSION error surfaces per item (no hang, no retry storm).</summary>
    [Fact]
    public async Task UnimplementedApis_SurfaceUnsupportedVersionPerItem()
    {
        await using var cluster = await AdminKit.StartAsync(1);
        await using var admin = AdminKit.Admin(cluster.BootstrapServers);
        (await admin.CreateTopicsAsync([new NewTopic("t", 1, 1)], cancellationToken: AdminKit.Token)).ThrowOnError();
        var tp = new TopicPartition("t", 0);
        var acl = new AclBinding(ResourceType.Topic, "t", PatternType.Literal, "User:alice", "*", AclOperation.Read, AclPermissionType.Allow);
        var entity = new ClientQuotaEntity(new Dictionary<string, string?> { ["user"] = "alice" });

        AssertUnsupported((await admin.AlterPartitionReassignmentsAsync(new Dictionary<TopicPartition, IReadOnlyList<int>?> { [tp] = [0] }, AdminKit.Token))[tp].Error);
        await AssertThrowsUnsupported(() => admin.ListPartitionReassignmentsAsync(null, AdminKit.Token));
        AssertUnsupported((await admin.CreateAclsAsync([acl], AdminKit.Token))[acl].Error);
        await AssertThrowsUnsupported(() => admin.DescribeAclsAsync(AclBindingFilter.All, AdminKit.Token));
        AssertUnsupported((await admin.DeleteAclsAsync([AclBindingFilter.All], AdminKit.Token)).At(0).Error);
        AssertUnsupported((await admin.DescribeUserScramCredentialsAsync(["alice"], AdminKit.Token))["alice"].Error);
        AssertUnsupported((await admin.AlterUserScramCredentialsAsync([new("alice", ScramMechanism.ScramSha256, 4096, "secret")], AdminKit.Token))["alice"].Error);
        await AssertThrowsUnsupported(() => admin.DescribeClientQuotasAsync([new("user", QuotaMatchType.Any)], cancellationToken: AdminKit.Token));
        AssertUnsupported((await admin.AlterClientQuotasAsync([new(entity, new Dictionary<string, double?> { ["producer_byte_rate"] = 1024 })], cancellationToken: AdminKit.Token))[entity].Error);
    }

    /// <summary>Broker.Mini's transaction coordinator: unknown ids fail per item, the others succeed.</summary>
    [Fact]
    public async Task TransactionOperations_UnknownIdsAndIdleProducers_AnsweredPerItem()
    {
        await using var cluster = await AdminKit.StartAsync(1);
        await using var admin = AdminKit.Admin(cluster.BootstrapServers);
        (await admin.CreateTopicsAsync([new NewTopic("t", 1, 1)], cancellationToken: AdminKit.Token)).ThrowOnError();
        var described = await admin.DescribeTransactionsAsync(["tx-1", "tx-2"], AdminKit.Token);
        Assert.All(described, r => Assert.Equal(ErrorCode.TransactionalIdNotFound, r.Error!.Code));
        var tp = new TopicPartition("t", 0);
        var producers = await admin.DescribeProducersAsync([tp], AdminKit.Token);
        Assert.True(producers[tp].IsSuccess, producers[tp].ToString());
        Assert.Empty(await admin.ListTransactionsAsync(cancellationToken: AdminKit.Token));
        var fenced = await admin.FenceProducersAsync(["tx-1"], AdminKit.Token);
        Assert.True(fenced["tx-1"].IsSuccess, fenced["tx-1"].ToString());
        Assert.Equal(ErrorCode.None, (await admin.DescribeTransactionsAsync(["tx-1"], AdminKit.Token))["tx-1"].Error?.Code ?? ErrorCode.None);
    }

    [Fact]
    public async Task DescribeGroups_NotCoordinatorThenLoading_RetriedAfterCoordinatorLookup()
    {
        await using var cluster = await AdminKit.StartAsync(3);
        await using var admin = AdminKit.Admin(cluster.BootstrapServers);
        (await admin.AlterConsumerGroupOffsetsAsync("g", new Dictionary<TopicPartition, OffsetAndMetadata>(), AdminKit.Token)).ThrowOnError();
        await cluster.CreateTopicAsync("t", 1, 1);
        (await admin.AlterConsumerGroupOffsetsAsync("g", new Dictionary<TopicPartition, OffsetAndMetadata> { [new("t", 0)] = new(0) }, AdminKit.Token)).ThrowOnError();
        int calls = 0;
        using var _ = cluster.Intercept(ApiKey.DescribeGroups, null, (request, ct) =>
        {
            int n = Interlocked.Increment(ref calls);
            if (n > 2) return ValueTask.FromResult(InterceptResult.Continue);
            var response = new Samsa.Protocol.Messages.DescribeGroupsResponse();
            response.Groups.Add(new() { GroupId = "g", ErrorCode = (short)(n == 1 ? ErrorCode.NotCoordinator : ErrorCode.CoordinatorLoadInProgress) });
            return ValueTask.FromResult(InterceptResult.Respond(response));
        });
        int findBefore = 0;
        using var __ = cluster.Intercept(ApiKey.FindCoordinator, null, (request, ct) =>
        {
            Interlocked.Increment(ref findBefore);
            return ValueTask.FromResult(InterceptResult.Continue);
        });
        var result = await admin.DescribeConsumerGroupsAsync(["g"], cancellationToken: AdminKit.Token);
        Assert.Equal("Empty", result["g"].Value.State);
        Assert.Equal(3, calls);
        Assert.True(findBefore >= 1, "NOT_COORDINATOR must trigger a new FindCoordinator");
    }

    [Fact]
    public async Task BuilderAndDependencyInjection_BindKafkaKeys()
    {
        await using var cluster = await AdminKit.StartAsync(1);
        await using (var built = new AdminClientBuilder(new Dictionary<string, string?>
        {
            ["bootstrap.servers"] = cluster.BootstrapServers,
            ["default.api.timeout.ms"] = "20000",
            ["linger.ms"] = "5",
        }).Build())
        {
            Assert.Equal(20_000, built.Cluster.Options.DefaultApiTimeoutMs);
            Assert.Equal(30_000, built.Cluster.Options.RequestTimeoutMs);
            Assert.Equal(cluster.ClusterId, (await built.DescribeClusterAsync(cancellationToken: AdminKit.Token)).ClusterId);
        }

        var services = new ServiceCollection();
        services.AddKafkaAdminClient(o => o.BootstrapServers = cluster.BootstrapServers);
        await using (var provider = services.BuildServiceProvider())
        {
            var admin = provider.GetRequiredService<AdminClient>();
            Assert.Equal(60_000, admin.Cluster.Options.DefaultApiTimeoutMs);
            Assert.Empty(await admin.ListTopicsAsync(cancellationToken: AdminKit.Token));
        }
        Assert.Throws<ArgumentException>(() => new AdminClient(new AdminOptions { BootstrapServers = "" }));
        await using var lowApiTimeout = new AdminClient(new AdminOptions { BootstrapServers = "x:1", DefaultApiTimeoutMs = 1_000 });
    }

    private static void AssertUnsupported(AdminError? error)
    {
        Assert.NotNull(error);
        Assert.Equal(ErrorCode.UnsupportedVersion, error.Code);
    }

    private static async Task AssertThrowsUnsupported<T>(Func<Task<T>> call)
    {
        var e = await Assert.ThrowsAnyAsync<KafkaException>(call);
        Assert.Equal(ErrorCode.UnsupportedVersion, e.ErrorCode);
    }
}
