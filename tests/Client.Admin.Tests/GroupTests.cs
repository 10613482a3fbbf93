using Samsa.Client;

namespace Samsa.Admin.Tests;

/// <summary>Consumer groups made by Confluent.Kafka 1.9.3 consumers against Broker.Mini's group coordinator.</summary>
public sealed class GroupTests
{
    private const int Records = 30;

    [PeerFact("librdkafka")]
    public async Task ConsumerGroupWorkflow_ListDescribeResetToEarliest_ConsumersReReadFromStart()
    {
        await using var cluster = await AdminKit.StartAsync(3);
        await using var admin = AdminKit.Admin(cluster.BootstrapServers);
        (await admin.CreateTopicsAsync([new NewTopic("orders", 3, 2)], cancellationToken: AdminKit.Token)).ThrowOnError();
        await ConfluentConsumer.ProduceAsync(cluster.BootstrapServers, "orders", Records, 3);

        var first = new ConfluentConsumer(cluster.BootstrapServers, "billing", "orders", "c1");
        var second = new ConfluentConsumer(cluster.BootstrapServers, "billing", "orders", "c2");
        await AdminKit.WaitUntilAsync(() => Task.FromResult(first.Consumed.Count + second.Consumed.Count >= Records), "both consumers to read everything");
        await AdminKit.WaitUntilAsync(async () =>
        {
            var d = (await admin.DescribeConsumerGroupsAsync(["billing"]))["billing"];
            return d.IsSuccess && d.Value.State == "Stable" && d.Value.Members.Count == 2;
        }, "a stable group of two");
        // A rebalance may move partitions after they were read: keep committing until the commits cover every record.
        await AdminKit.WaitUntilAsync(async () =>
        {
            await first.CommitAsync();
            await second.CommitAsync();
            return (await admin.ListConsumerGroupOffsetsAsync("billing")).Values.Sum(o => o.Offset) == Records;
        }, "commits covering every record");

        var listed = await admin.ListConsumerGroupsAsync(cancellationToken: AdminKit.Token);
        var billing = Assert.Single(listed, g => g.GroupId == "billing");
        Assert.Equal("consumer", billing.ProtocolType);
        Assert.Equal("Stable", billing.State);
        Assert.Contains(await admin.ListConsumerGroupsAsync(["Stable"], AdminKit.Token), g => g.GroupId == "billing");
        Assert.DoesNotContain(await admin.ListConsumerGroupsAsync(["Empty"], AdminKit.Token), g => g.GroupId == "billing");

        var description = (await admin.DescribeConsumerGroupsAsync(["billing"], true, AdminKit.Token))["billing"].Value;
        Assert.Equal("range", description.Protocol);
        Assert.Equal(await admin.Cluster.FindCoordinatorAsync(CoordinatorType.Group, "billing"), description.CoordinatorId);
        Assert.Equal(["c1", "c2"], description.Members.Select(m => m.ClientId).Order());
        Assert.All(description.Members, m => Assert.Equal(["orders"], m.SubscribedTopics));
        var assigned = description.Members.SelectMany(m => m.Assignment).Order().ToList();
        Assert.Equal([new("orders", 0), new("orders", 1), new("orders", 2)], assigned);

        var committed = await admin.ListConsumerGroupOffsetsAsync("billing", cancellationToken: AdminKit.Token);
        Assert.Equal(3, committed.Count);
        Assert.Equal(Records, committed.Values.Sum(o => o.Offset));

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            admin.ResetConsumerGroupOffsetsAsync(new OffsetResetRequest("billing", OffsetResetSpec.ToEarliest()), AdminKit.Token));

        await first.DisposeAsync();
        await second.DisposeAsync();
        await AdminKit.WaitUntilAsync(async () => (await admin.DescribeConsumerGroupsAsync(["billing"]))["billing"].Value.State == "Empty", "the group to empty");

        var dryRun = await admin.ResetConsumerGroupOffsetsAsync(new OffsetResetRequest("billing", OffsetResetSpec.ToEarliest()), AdminKit.Token);
        Assert.Equal(3, dryRun.Count);
        Assert.All(dryRun, r => Assert.Equal(0, r.NewOffset));
        Assert.Equal(Records, dryRun.Sum(r => r.CurrentOffset ?? 0));
        Assert.Equal(Records, (await admin.ListConsumerGroupOffsetsAsync("billing", cancellationToken: AdminKit.Token)).Values.Sum(o => o.Offset));

        var executed = await admin.ResetConsumerGroupOffsetsAsync(new OffsetResetRequest("billing", OffsetResetSpec.ToEarliest()) { Execute = true }, AdminKit.Token);
        Assert.Equal(dryRun, executed);
        Assert.All((await admin.ListConsumerGroupOffsetsAsync("billing", cancellationToken: AdminKit.Token)).Values, o => Assert.Equal(0, o.Offset));

        await using var again = new ConfluentConsumer(cluster.BootstrapServers, "billing", "orders", "c3");
        await AdminKit.WaitUntilAsync(() => Task.FromResult(again.Consumed.Count >= Records), "the restarted consumer to re-read everything");
        Assert.Equal(Enumerable.Range(0, Records).Select(i => $"v{i}").Order(), again.Consumed.Select(c => c.Value).Distinct().Order());
        Assert.Contains(again.Consumed, c => c.Offset == 0);
    }

    [PeerFact("librdkafka")]
    public async Task ResetOffsets_EveryChoice_PlansAsKafkaToolDoes()
    {
        await using var cluster = await AdminKit.StartAsync(1);
        await using var admin = AdminKit.Admin(cluster.BootstrapServers);
        (await admin.CreateTopicsAsync([new NewTopic("events", 2, 1)], cancellationToken: AdminKit.Token)).ThrowOnError();
        await ConfluentConsumer.ProduceAsync(cluster.BootstrapServers, "events", 20, 2); // 10 per partition
        var p0 = new TopicPartition("events", 0);
        var p1 = new TopicPartition("events", 1);
        (await admin.AlterConsumerGroupOffsetsAsync("g", new Dictionary<TopicPartition, OffsetAndMetadata> { [p0] = new(4), [p1] = new(6, Metadata: "m") }, AdminKit.Token)).ThrowOnError();
        var committed = await admin.ListConsumerGroupOffsetsAsync("g", cancellationToken: AdminKit.Token);
        Assert.Equal("m", committed[p1].Metadata);

        async Task<long[]> Plan(OffsetResetSpec spec, IReadOnlyList<string>? topics = null) =>
            (await admin.ResetConsumerGroupOffsetsAsync(new OffsetResetRequest("g", spec) { Topics = topics }, AdminKit.Token)).Select(r => r.NewOffset).ToArray();

        Assert.Equal(new long[] { 0, 0 }, await Plan(OffsetResetSpec.ToEarliest()));
        Assert.Equal(new long[] { 10, 10 }, await Plan(OffsetResetSpec.ToLatest()));
        Assert.Equal(new long[] { 4, 6 }, await Plan(OffsetResetSpec.ToCurrent()));
        Assert.Equal(new long[] { 7, 7 }, await Plan(OffsetResetSpec.ToOffset(7)));
        Assert.Equal(new long[] { 10, 10 }, await Plan(OffsetResetSpec.ToOffset(99)));
        Assert.Equal(new long[] { 9, 10 }, await Plan(OffsetResetSpec.ShiftBy(5)));
        Assert.Equal(new long[] { 0, 1 }, await Plan(OffsetResetSpec.ShiftBy(-5)));
        Assert.Equal(new long[] { 0, 0 }, await Plan(OffsetResetSpec.ToDatetime(DateTimeOffset.UtcNow.AddHours(-1))));
        Assert.Equal(new long[] { 10, 10 }, await Plan(OffsetResetSpec.ToDatetime(DateTimeOffset.UtcNow.AddHours(1))));
        Assert.Equal(new long[] { 0, 0 }, await Plan(OffsetResetSpec.ByDuration(TimeSpan.FromDays(1)), ["events"]));
        Assert.Equal(new long[] { 3, 8 }, await Plan(OffsetResetSpec.FromCsv("events,0,3\nother-group,events,1,1\ng,events,1,8\n")));
        Assert.Throws<FormatException>(() => AdminClient.ParseCsv("g", "events;0;3"));

        (await admin.ResetConsumerGroupOffsetsAsync(new OffsetResetRequest("g", OffsetResetSpec.ShiftBy(-2)) { Partitions = [p1], Execute = true }, AdminKit.Token)).ToList();
        committed = await admin.ListConsumerGroupOffsetsAsync("g", cancellationToken: AdminKit.Token);
        Assert.Equal(4, committed[p0].Offset);
        Assert.Equal(4, committed[p1].Offset);
    }

    [PeerFact("librdkafka")]
    public async Task DeleteOffsetsAndGroups_PerItemResults()
    {
        await using var cluster = await AdminKit.StartAsync(1);
        await using var admin = AdminKit.Admin(cluster.BootstrapServers);
        (await admin.CreateTopicsAsync([new NewTopic("t", 2, 1)], cancellationToken: AdminKit.Token)).ThrowOnError();
        var offsets = new Dictionary<TopicPartition, OffsetAndMetadata> { [new("t", 0)] = new(0), [new("t", 1)] = new(0) };
        (await admin.AlterConsumerGroupOffsetsAsync("idle", offsets, AdminKit.Token)).ThrowOnError();
        (await admin.AlterConsumerGroupOffsetsAsync("other", offsets, AdminKit.Token)).ThrowOnError();

        var deleted = await admin.DeleteConsumerGroupOffsetsAsync("idle", [new("t", 0)], AdminKit.Token);
        Assert.True(deleted[new TopicPartition("t", 0)].IsSuccess, deleted.At(0).ToString());
        Assert.Equal([new TopicPartition("t", 1)], (await admin.ListConsumerGroupOffsetsAsync("idle", cancellationToken: AdminKit.Token)).Keys);

        await using var active = new ConfluentConsumer(cluster.BootstrapServers, "busy", "t");
        await AdminKit.WaitUntilAsync(async () => (await admin.DescribeConsumerGroupsAsync(["busy"]))["busy"].Value.State == "Stable", "busy to be stable");
        var groups = await admin.DeleteConsumerGroupsAsync(["idle", "busy", "never-existed"], AdminKit.Token);
        Assert.True(groups["idle"].IsSuccess);
        Assert.Equal(ErrorCode.NonEmptyGroup, groups["busy"].Error!.Code);
        Assert.Equal(ErrorCode.GroupIdNotFound, groups["never-existed"].Error!.Code);
        var altered = await admin.AlterConsumerGroupOffsetsAsync("busy", offsets, AdminKit.Token);
        Assert.False(altered.At(0).IsSuccess);
        var left = await admin.ListConsumerGroupsAsync(cancellationToken: AdminKit.Token);
        Assert.DoesNotContain(left, g => g.GroupId == "idle");
        Assert.Contains(left, g => g.GroupId == "other" && g.IsSimpleConsumerGroup);
    }
}
