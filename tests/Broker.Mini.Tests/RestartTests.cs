namespace Samsa.Broker.Mini.Tests;

public sealed class RestartTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "samsa-mini-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Restart_SameDataDirectory_ReadsEverythingBack()
    {
        Uuid topicId;
        await using (var cluster = await MiniCluster.StartAsync(new MiniClusterOptions { Brokers = 2, DataDirectory = _dir }))
        {
            await cluster.CreateTopicAsync("durable", partitions: 2, replicationFactor: 2, new Dictionary<string, string> { ["segment.bytes"] = "200" });
            topicId = cluster.State.Topics["durable"].Id;
            await using var client = TestClient.Connect(cluster, cluster.State.Topics["durable"].Partitions[0].Leader);
            for (int i = 0; i < 20; i++)
                await client.SendAsync(TestClient.Produce("durable", 0, TestClient.Batch(($"k{i}", $"v{i}"))), 9);
            Assert.True(cluster.State.Topics["durable"].Partitions[0].Log.Segments.Count > 1);
        }
        await using (var cluster = await MiniCluster.StartAsync(new MiniClusterOptions { Brokers = 2, DataDirectory = _dir }))
        {
            var topic = cluster.State.Topics["durable"];
            Assert.Equal(topicId, topic.Id);
            Assert.Equal("200", topic.Overrides["segment.bytes"]);
            await using var client = TestClient.Connect(cluster, topic.Partitions[0].Leader);
            var values = new List<string>();
            long offset = 0;
            while (offset < 20)
            {
                var f = await client.SendAsync(TestClient.Fetch("durable", 0, offset), 12);
                var records = TestClient.Records(f.Responses[0].Partitions[0].Records).Where(r => r.Offset >= offset).ToList();
                Assert.NotEmpty(records);
                values.AddRange(records.Select(r => r.Value));
                offset = records[^1].Offset + 1;
            }
            Assert.Equal(Enumerable.Range(0, 20).Select(i => $"v{i}"), values);
            var next = await client.SendAsync(TestClient.Produce("durable", 0, TestClient.Batch(("k", "after"))), 9);
            Assert.Equal(20, next.Responses[0].PartitionResponses[0].BaseOffset);
            Assert.Equal(1, topic.Partitions[0].LeaderEpoch);
        }
    }

    [Fact]
    public async Task Restart_TornTailBatch_IsTruncated()
    {
        await using (var cluster = await MiniCluster.StartAsync(new MiniClusterOptions { DataDirectory = _dir }))
        {
            await cluster.CreateTopicAsync("torn");
            await using var client = TestClient.Connect(cluster);
            await client.SendAsync(TestClient.Produce("torn", 0, TestClient.Batch(("a", "1"))), 9);
            await client.SendAsync(TestClient.Produce("torn", 0, TestClient.Batch(("b", "2"))), 9);
        }
        var segment = Directory.GetFiles(Path.Combine(_dir, "broker-0", "torn-0"), "*.log").Single();
        var length = new FileInfo(segment).Length;
        using (var stream = File.Open(segment, FileMode.Open)) stream.SetLength(length - 5);
        await using (var cluster = await MiniCluster.StartAsync(new MiniClusterOptions { DataDirectory = _dir }))
        {
            Assert.Equal(1, cluster.State.Topics["torn"].Partitions[0].HighWatermark);
            await using var client = TestClient.Connect(cluster);
            var r = await client.SendAsync(TestClient.Produce("torn", 0, TestClient.Batch(("c", "3"))), 9);
            Assert.Equal(1, r.Responses[0].PartitionResponses[0].BaseOffset);
        }
    }
}
