namespace Samsa.Broker.Mini.Tests;

public sealed class PartitionLogTests
{
    [Fact]
    public async Task ApplyRetention_ByBytes_DeletesOldSegmentsButKeepsActive()
    {
        await using var cluster = await MiniCluster.StartAsync();
        await cluster.CreateTopicAsync("t", configs: new Dictionary<string, string> { ["segment.bytes"] = "100", ["retention.bytes"] = "150" });
        await using var client = TestClient.Connect(cluster);
        for (int i = 0; i < 6; i++) await client.SendAsync(TestClient.Produce("t", 0, TestClient.Batch(("k", $"value-{i}"))), 9);
        var log = cluster.State.Topics["t"].Partitions[0].Log;
        Assert.Equal(6, log.Segments.Count);
        cluster.EnforceRetention();
        Assert.True(log.Segments.Count < 6);
        Assert.Equal(log.Segments[0].BaseOffset, log.LogStartOffset);
        Assert.Equal(6, log.LogEndOffset);
        var f = await client.SendAsync(TestClient.Fetch("t", 0, log.LogStartOffset), 11);
        Assert.Equal(log.LogStartOffset, TestClient.Records(f.Responses[0].Partitions[0].Records)[0].Offset);
    }
}
