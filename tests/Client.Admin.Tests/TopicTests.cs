using Samsa.Broker.Mini;

namespace Samsa.Admin.Tests;

public sealed class TopicTests
{
    [Fact]
    public async Task CreateTopics_BatchWithInvalidTopics_PerTopicErrorsAndValidOnesCreated()
    {
        await using var cluster = await AdminKit.StartAsync();
        await using var admin = AdminKit.Admin(cluster.BootstrapServers);
        var topics = Enumerable.Range(0, 47).Select(i => new NewTopic($"good-{i}", 2, 2)).ToList();
        topics.Add(new NewTopic("bad name with spaces", 1, 1));
        topics.Add(new NewTopic("too-many-replicas", 1, 7));
        topics.Add(new NewTopic("bad-config", 1, 1) { Configs = new Dictionary<string, string?> { ["no.such.config"] = "x" } });

        var results = await admin.CreateTopicsAsync(topics, cancellationToken: AdminKit.Token);

        Assert.Equal(50, results.Count);
        Assert.Equal(ErrorCode.InvalidTopicException, results["bad name with spaces"].Error!.Code);
        Assert.Equal(ErrorCode.InvalidReplicationFactor, results["too-many-replicas"].Error!.Code);
        Assert.Equal(ErrorCode.InvalidConfig, results["bad-config"].Error!.Code);
        Assert.Equal(47, results.Count(r => r.IsSuccess));
        var listed = await admin.ListTopicsAsync(cancellationToken: AdminKit.Token);
        Assert.Equal(Enumerable.Range(0, 47).Select(i => $"good-{i}").Order(StringComparer.Ordinal), listed.Select(t => t.Name));
        Assert.Throws<AggregateException>(() => results.ThrowOnError());
        Assert.Throws<Samsa.Client.KafkaException>(() => results["bad-config"].Value);
    }

    [Fact]
    public async Task CreateTopics_ExplicitAssignmentsAndConfigs_DescribeShowsThem()
    {
        await using var cluster = await AdminKit.StartAsync();
        await using var admin = AdminKit.Admin(cluster.BootstrapServers);
        var assignments = new Dictionary<int, IReadOnlyList<int>> { [0] = [2, 0], [1] = [1, 2], [2] = [0, 1] };
        var created = await admin.CreateTopicsAsync([new NewTopic("assigned")
        {
            ReplicaAssignments = assignments,
            Configs = new Dictionary<string, string?> { ["cleanup.policy"] = "compact", ["retention.ms"] = "12345" },
        }], cancellationToken: AdminKit.Token);
        Assert.True(created["assigned"].IsSuccess, created["assigned"].ToString());

        var described = (await admin.DescribeTopicsAsync(["assigned", "missing"], includeAuthorizedOperations: true, AdminKit.Token));
        var topic = described["assigned"].Value;
        Assert.Equal(3, topic.Partitions.Count);
        Assert.NotEqual(Uuid.Zero, topic.TopicId);
        Assert.False(topic.IsInternal);
        Assert.NotNull(topic.AuthorizedOperations);
        Assert.Contains(AclOperation.Describe, topic.AuthorizedOperations);
        Assert.Contains(AclOperation.AlterConfigs, topic.AuthorizedOperations);
        Assert.DoesNotContain(AclOperation.ClusterAction, topic.AuthorizedOperations);
        Assert.Null((await admin.DescribeTopicsAsync(["assigned"], cancellationToken: AdminKit.Token))["assigned"].Value.AuthorizedOperations);
        foreach (var p in topic.Partitions)
        {
            Assert.Equal(assignments[p.Partition], p.Replicas);
            Assert.Equal(assignments[p.Partition][0], p.LeaderId);
            Assert.Equal(p.Replicas.Order(), p.Isr.Order());
        }
        Assert.Equal(ErrorCode.UnknownTopicOrPartition, described["missing"].Error!.Code);
        var configs = (await admin.DescribeConfigsAsync([ConfigResource.Topic("assigned")], cancellationToken: AdminKit.Token))[ConfigResource.Topic("assigned")].Value;
        Assert.Equal("compact", configs["cleanup.policy"].Value);
        Assert.Equal(ConfigSource.DynamicTopicConfig, configs["retention.ms"].Source);
    }

    [Fact]
    public async Task CreateTopics_ValidateOnly_CreatesNothing()
    {
        await using var cluster = await AdminKit.StartAsync(1);
        await using var admin = AdminKit.Admin(cluster.BootstrapServers);
        var results = await admin.CreateTopicsAsync([new NewTopic("checked", 3, 1), new NewTopic("rf-too-big", 1, 3)], validateOnly: true, AdminKit.Token);
        Assert.True(results["checked"].IsSuccess);
        Assert.Equal(ErrorCode.InvalidReplicationFactor, results["rf-too-big"].Error!.Code);
        Assert.Empty(await admin.ListTopicsAsync(cancellationToken: AdminKit.Token));
    }

    [Fact]
    public async Task DeleteTopics_ByNameAndById_PerTopicResults()
    {
        await using var cluster = await AdminKit.StartAsync();
        await using var admin = AdminKit.Admin(cluster.BootstrapServers);
        var created = await admin.CreateTopicsAsync([new NewTopic("a", 1, 1), new NewTopic("b", 1, 1)], cancellationToken: AdminKit.Token);
        var idOfB = created["b"].Value.TopicId;
        if (idOfB == Uuid.Zero) idOfB = (await admin.DescribeTopicsAsync(["b"], cancellationToken: AdminKit.Token))["b"].Value.TopicId;

        var byName = await admin.DeleteTopicsAsync(["a", "nope"], AdminKit.Token);
        Assert.True(byName["a"].IsSuccess);
        Assert.Equal(ErrorCode.UnknownTopicOrPartition, byName["nope"].Error!.Code);

        var byId = await admin.DeleteTopicsByIdAsync([idOfB, Uuid.NewRandom()], AdminKit.Token);
        Assert.Equal("b", byId[idOfB].Value);
        Assert.False(byId.At(1).IsSuccess);
        Assert.Empty(await admin.ListTopicsAsync(cancellationToken: AdminKit.Token));
    }

    [Fact]
    public async Task ListTopics_InternalOnRequest()
    {
        await using var cluster = await AdminKit.StartAsync(1);
        await using var admin = AdminKit.Admin(cluster.BootstrapServers);
        await cluster.CreateTopicAsync("__consumer_offsets", 2, 1);
        await cluster.CreateTopicAsync("user", 1, 1);
        Assert.Equal(["user"], (await admin.ListTopicsAsync(false, AdminKit.Token)).Select(t => t.Name));
        var all = await admin.ListTopicsAsync(true, AdminKit.Token);
        Assert.Contains(all, t => t.Name == "__consumer_offsets" && t.IsInternal);
    }

    [Fact]
    public async Task CreatePartitions_RaisesCountPerTopic()
    {
        await using var cluster = await AdminKit.StartAsync();
        await using var admin = AdminKit.Admin(cluster.BootstrapServers);
        await admin.CreateTopicsAsync([new NewTopic("grow", 2, 2)], cancellationToken: AdminKit.Token);
        var results = await admin.CreatePartitionsAsync(new Dictionary<string, NewPartitions>
        {
            ["grow"] = new(4, [[0, 1], [1, 2]]),
            ["absent"] = new(3),
        }, cancellationToken: AdminKit.Token);
        Assert.True(results["grow"].IsSuccess, results["grow"].ToString());
        Assert.Equal(ErrorCode.UnknownTopicOrPartition, results["absent"].Error!.Code);
        var topic = (await admin.DescribeTopicsAsync(["grow"], cancellationToken: AdminKit.Token))["grow"].Value;
        Assert.Equal(4, topic.Partitions.Count);
        Assert.Equal([1, 2], topic.Partitions[3].Replicas);
        var shrink = await admin.CreatePartitionsAsync(new Dictionary<string, NewPartitions> { ["grow"] = new(2) }, cancellationToken: AdminKit.Token);
        Assert.Equal(ErrorCode.InvalidPartitions, shrink["grow"].Error!.Code);
    }

    [Fact]
    public async Task CreateTopics_NotControllerOnce_RetriedAndCreated()
    {
        await using var cluster = await AdminKit.StartAsync();
        await using var admin = AdminKit.Admin(cluster.BootstrapServers);
        int calls = 0;
        using var _ = cluster.Intercept(ApiKey.CreateTopics, null, (request, ct) =>
        {
            if (Interlocked.Increment(ref calls) > 1) return ValueTask.FromResult(InterceptResult.Continue);
            var response = new Samsa.Protocol.Messages.CreateTopicsResponse();
            response.Topics.Add(new() { Name = "retried", ErrorCode = (short)ErrorCode.NotController });
            return ValueTask.FromResult(InterceptResult.Respond(response));
        });
        var results = await admin.CreateTopicsAsync([new NewTopic("retried", 1, 1)], cancellationToken: AdminKit.Token);
        Assert.True(results["retried"].IsSuccess, results["retried"].ToString());
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task DescribeTopics_ConnectionDroppedOnce_RetriedOnNewConnection()
    {
        await using var cluster = await AdminKit.StartAsync(1);
        await using var admin = AdminKit.Admin(cluster.BootstrapServers);
        await cluster.CreateTopicAsync("t", 2, 1);
        await admin.ListTopicsAsync(cancellationToken: AdminKit.Token);
        int calls = 0;
        using var _ = cluster.Intercept(ApiKey.Metadata, null, (request, ct) =>
            ValueTask.FromResult(Interlocked.Increment(ref calls) == 1 ? InterceptResult.DropConnection : InterceptResult.Continue));
        var described = await admin.DescribeTopicsAsync(["t"], cancellationToken: AdminKit.Token);
        Assert.Equal(2, described["t"].Value.Partitions.Count);
        Assert.True(calls >= 2);
    }

    [Fact]
    public async Task CreateTopics_ControllerKeepsSayingNotController_TimesOutPerItem()
    {
        await using var cluster = await AdminKit.StartAsync(1);
        await using var admin = AdminKit.Admin(cluster.BootstrapServers, defaultApiTimeoutMs: 1000);
        using var _ = cluster.Intercept(ApiKey.CreateTopics, null, (request, ct) =>
        {
            var response = new Samsa.Protocol.Messages.CreateTopicsResponse();
            foreach (var t in ((Samsa.Protocol.Messages.CreateTopicsRequest)request.Body).Topics)
                response.Topics.Add(new() { Name = t.Name, ErrorCode = (short)ErrorCode.NotController });
            return ValueTask.FromResult(InterceptResult.Respond(response));
        });
        var results = await admin.CreateTopicsAsync([new NewTopic("x", 1, 1), new NewTopic("y", 1, 1)], cancellationToken: AdminKit.Token);
        Assert.All(results, r => Assert.Equal(ErrorCode.RequestTimedOut, r.Error!.Code));
        Assert.Contains("NOT_CONTROLLER", results.At(0).Error!.Message);
    }
}
