using Samsa.Protocol.Records;

namespace Samsa.Broker.Mini.Tests;

public sealed class ListOffsetsHandlerTests
{
    private static ListOffsetsRequest Request(string topic, long timestamp) => new()
    {
        ReplicaId = -1,
        Topics = { new ListOffsetsRequest.ListOffsetsTopic { Name = topic, Partitions = { new ListOffsetsRequest.ListOffsetsPartition { PartitionIndex = 0, Timestamp = timestamp } } } },
    };

    private static byte[] BatchAt(params long[] timestamps)
    {
        using var builder = new RecordBatchBuilder();
        foreach (var ts in timestamps) builder.Append(ts, [1], [2]);
        return builder.Build().ToArray();
    }

    [Fact]
    public async Task Handle_SpecialTimestamps_ReturnEarliestLatestAndMax()
    {
        await using var cluster = await MiniCluster.StartAsync();
        await cluster.CreateTopicAsync("t");
        await using var client = TestClient.Connect(cluster);
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await client.SendAsync(TestClient.Produce("t", 0, BatchAt(now - 3000, now - 1000)), 9);
        await client.SendAsync(TestClient.Produce("t", 0, BatchAt(now - 2000)), 9);
        Assert.Equal(0, (await client.SendAsync(Request("t", -2), 7)).Topics[0].Partitions[0].Offset);
        Assert.Equal(3, (await client.SendAsync(Request("t", -1), 7)).Topics[0].Partitions[0].Offset);
        var max = (await client.SendAsync(Request("t", -3), 7)).Topics[0].Partitions[0];
        Assert.Equal(1, max.Offset);
        Assert.Equal(now - 1000, max.Timestamp);
        var byTime = (await client.SendAsync(Request("t", now - 2500), 7)).Topics[0].Partitions[0];
        Assert.Equal(1, byTime.Offset);
        Assert.Equal(-1, (await client.SendAsync(Request("t", now + 60_000), 7)).Topics[0].Partitions[0].Offset);
    }

    [Fact]
    public async Task Handle_V1_OmitsLeaderEpoch()
    {
        await using var cluster = await MiniCluster.StartAsync();
        await cluster.CreateTopicAsync("t");
        await using var client = TestClient.Connect(cluster);
        var r = await client.SendAsync(Request("t", -1), 1);
        Assert.Equal(0, r.Topics[0].Partitions[0].Offset);
    }
}
