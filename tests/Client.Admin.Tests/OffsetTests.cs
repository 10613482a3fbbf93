using Samsa.Broker.Mini;

namespace Samsa.Admin.Tests;

public sealed class OffsetTests
{
    [PeerFact("librdkafka")]
    public async Task ListOffsets_EarliestLatestTimestampMaxTimestamp_PerPartition()
    {
        await using var cluster = await AdminKit.StartAsync(3);
        await using var admin = AdminKit.Admin(cluster.BootstrapServers);
        (await admin.CreateTopicsAsync([new NewTopic("t", 3, 2)], cancellationToken: AdminKit.Token)).ThrowOnError();
        var before = DateTimeOffset.UtcNow.AddSeconds(-5);
        await ConfluentConsumer.ProduceAsync(cluster.BootstrapServers, "t", 30, 3);
        var p = Enumerable.Range(0, 3).Select(i => new TopicPartition("t", i)).ToList();

        var latest = await admin.ListOffsetsAsync(p.ToDictionary(x => x, _ => OffsetSpec.Latest), cancellationToken: AdminKit.Token);
        Assert.All(latest, r => Assert.Equal(10, r.Value.Offset));
        var earliest = await admin.ListOffsetsAsync(p.ToDictionary(x => x, _ => OffsetSpec.Earliest), IsolationLevel.ReadCommitted, AdminKit.Token);
        Assert.All(earliest, r => Assert.Equal(0, r.Value.Offset));
        var byTime = await admin.ListOffsetsAsync(new Dictionary<TopicPartition, OffsetSpec>
        {
            [p[0]] = OffsetSpec.ForTimestamp(before),
            [p[1]] = OffsetSpec.ForTimestamp(DateTimeOffset.UtcNow.AddHours(1)),
            [p[2]] = OffsetSpec.MaxTimestamp,
            [new("t", 9)] = OffsetSpec.Latest,
            [new("nope", 0)] = OffsetSpec.Latest,
        }, cancellationToken: AdminKit.Token);
        Assert.Equal(0, byTime[p[0]].Value.Offset);
        Assert.Equal(-1, byTime[p[1]].Value.Offset);
        Assert.Equal(9, byTime[p[2]].Value.Offset);
        Assert.Equal(ErrorCode.UnknownTopicOrPartition, byTime[new TopicPartition("t", 9)].Error!.Code);
        Assert.Equal(ErrorCode.UnknownTopicOrPartition, byTime[new TopicPartition("nope", 0)].Error!.Code);
    }

    [PeerFact("librdkafka")]
    public async Task ListOffsets_NotLeaderOnce_RefreshesMetadataAndRetries()
    {
        await using var cluster = await AdminKit.StartAsync(2);
        await using var admin = AdminKit.Admin(cluster.BootstrapServers);
        (await admin.CreateTopicsAsync([new NewTopic("t", 2, 2)], cancellationToken: AdminKit.Token)).ThrowOnError();
        await ConfluentConsumer.ProduceAsync(cluster.BootstrapServers, "t", 4, 2);
        int calls = 0;
        using var _ = cluster.Intercept(ApiKey.ListOffsets, null, (request, ct) =>
        {
            if (Interlocked.Increment(ref calls) > 1) return ValueTask.FromResult(InterceptResult.Continue);
            var asked = (Samsa.Protocol.Messages.ListOffsetsRequest)request.Body;
            var response = new Samsa.Protocol.Messages.ListOffsetsResponse();
            foreach (var t in asked.Topics)
                response.Topics.Add(new() { Name = t.Name, Partitions = t.Partitions.Select(x => new Samsa.Protocol.Messages.ListOffsetsResponse.ListOffsetsPartitionResponse { PartitionIndex = x.PartitionIndex, ErrorCode = (short)ErrorCode.NotLeaderOrFollower }).ToList() });
            return ValueTask.FromResult(InterceptResult.Respond(response));
        });
        long refreshes = admin.Cluster.MetadataRefreshCount;
        var results = await admin.ListOffsetsAsync(new Dictionary<TopicPartition, OffsetSpec> { [new("t", 0)] = OffsetSpec.Latest, [new("t", 1)] = OffsetSpec.Latest },
            cancellationToken: AdminKit.Token);
        Assert.All(results, r => Assert.Equal(2, r.Value.Offset));
        Assert.True(calls >= 2);
        Assert.True(admin.Cluster.MetadataRefreshCount > refreshes);
    }

    [PeerFact("librdkafka")]
    public async Task DeleteRecords_MovesLowWatermark_PerPartitionErrors()
    {
        await using var cluster = await AdminKit.StartAsync(2);
        await using var admin = AdminKit.Admin(cluster.BootstrapServers);
        (await admin.CreateTopicsAsync([new NewTopic("t", 2, 2)], cancellationToken: AdminKit.Token)).ThrowOnError();
        await ConfluentConsumer.ProduceAsync(cluster.BootstrapServers, "t", 20, 2);
        var results = await admin.DeleteRecordsAsync(new Dictionary<TopicPartition, long>
        {
            [new("t", 0)] = 4,
            [new("t", 1)] = -1,
            [new("t", 5)] = 1,
        }, AdminKit.Token);
        Assert.Equal(4, results[new TopicPartition("t", 0)].Value);
        Assert.Equal(10, results[new TopicPartition("t", 1)].Value);
        Assert.Equal(ErrorCode.UnknownTopicOrPartition, results[new TopicPartition("t", 5)].Error!.Code);
        var earliest = await admin.ListOffsetsAsync(new Dictionary<TopicPartition, OffsetSpec> { [new("t", 0)] = OffsetSpec.Earliest }, cancellationToken: AdminKit.Token);
        Assert.Equal(4, earliest.At(0).Value.Offset);
        var beyond = await admin.DeleteRecordsAsync(new Dictionary<TopicPartition, long> { [new("t", 0)] = 99 }, AdminKit.Token);
        Assert.Equal(ErrorCode.OffsetOutOfRange, beyond.At(0).Error!.Code);
    }
}
