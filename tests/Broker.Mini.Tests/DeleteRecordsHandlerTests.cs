namespace Samsa.Broker.Mini.Tests;

public sealed class DeleteRecordsHandlerTests
{
    [Fact]
    public async Task Handle_Offset_AdvancesLogStartAndFencesOldFetches()
    {
        await using var cluster = await MiniCluster.StartAsync();
        await cluster.CreateTopicAsync("t");
        await using var client = TestClient.Connect(cluster);
        for (int i = 0; i < 3; i++) await client.SendAsync(TestClient.Produce("t", 0, TestClient.Batch(("k", $"{i}"))), 9);
        var request = new DeleteRecordsRequest { Topics = { new() { Name = "t", Partitions = { new() { PartitionIndex = 0, Offset = 2 } } } } };
        var r = await client.SendAsync(request, 2);
        Assert.Equal(2, r.Topics[0].Partitions[0].LowWatermark);
        Assert.Equal((short)ErrorCode.OffsetOutOfRange, (await client.SendAsync(TestClient.Fetch("t", 0, 0), 11)).Responses[0].Partitions[0].ErrorCode);
        request.Topics[0].Partitions[0].Offset = 10;
        Assert.Equal((short)ErrorCode.OffsetOutOfRange, (await client.SendAsync(request, 2)).Topics[0].Partitions[0].ErrorCode);
    }
}
