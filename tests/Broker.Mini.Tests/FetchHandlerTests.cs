namespace Samsa.Broker.Mini.Tests;

public sealed class FetchHandlerTests
{
    [Fact]
    public async Task Handle_AfterProduce_ReturnsRecordsAndWatermarks()
    {
        await using var cluster = await MiniCluster.StartAsync();
        await cluster.CreateTopicAsync("t");
        await using var client = TestClient.Connect(cluster);
        await client.SendAsync(TestClient.Produce("t", 0, TestClient.Batch(("a", "1"), ("b", "2"))), 9);
        var f = await client.SendAsync(TestClient.Fetch("t", 0, 1), 11);
        var p = f.Responses[0].Partitions[0];
        Assert.Equal(2, p.HighWatermark);
        Assert.Equal(2, p.LastStableOffset);
        Assert.Equal(0, p.LogStartOffset);
        Assert.Equal(["1", "2"], TestClient.Records(p.Records).Select(r => r.Value));
    }

    [Fact]
    public async Task Handle_OffsetBeyondEnd_ReturnsOffsetOutOfRange()
    {
        await using var cluster = await MiniCluster.StartAsync();
        await cluster.CreateTopicAsync("t");
        await using var client = TestClient.Connect(cluster);
        var f = await client.SendAsync(TestClient.Fetch("t", 0, 5), 11);
        Assert.Equal((short)ErrorCode.OffsetOutOfRange, f.Responses[0].Partitions[0].ErrorCode);
    }

    [Fact]
    public async Task Handle_LongPoll_IsWokenByProduce()
    {
        await using var cluster = await MiniCluster.StartAsync();
        await cluster.CreateTopicAsync("t");
        await using var consumer = TestClient.Connect(cluster);
        await using var producer = TestClient.Connect(cluster);
        var pending = consumer.SendAsync(TestClient.Fetch("t", 0, 0, maxWaitMs: 120_000, minBytes: 1), 11);
        await Task.Delay(50);
        Assert.False(pending.IsCompleted);
        await producer.SendAsync(TestClient.Produce("t", 0, TestClient.Batch(("k", "v"))), 9);
        var f = await pending.WaitAsync(TestClient.HangGuard);
        Assert.Equal("v", Assert.Single(TestClient.Records(f.Responses[0].Partitions[0].Records)).Value);
    }

    [Fact]
    public async Task Handle_TopicIdsAtV13_ResolvesTopic()
    {
        await using var cluster = await MiniCluster.StartAsync();
        await cluster.CreateTopicAsync("t");
        await using var client = TestClient.Connect(cluster);
        await client.SendAsync(TestClient.Produce("t", 0, TestClient.Batch(("a", "1"))), 9);
        var request = TestClient.Fetch("t", 0, 0);
        request.Topics[0].TopicId = cluster.State.Topics["t"].Id;
        var f = await client.SendAsync(request, 13);
        Assert.Equal(request.Topics[0].TopicId, f.Responses[0].TopicId);
        Assert.Single(TestClient.Records(f.Responses[0].Partitions[0].Records));
        request.Topics[0].TopicId = Uuid.NewRandom();
        var unknown = await client.SendAsync(request, 13);
        Assert.Equal((short)ErrorCode.UnknownTopicId, unknown.Responses[0].Partitions[0].ErrorCode);
    }

    [Fact]
    public async Task Handle_IncrementalSession_OmitsUnchangedPartitions()
    {
        await using var cluster = await MiniCluster.StartAsync();
        await cluster.CreateTopicAsync("t", partitions: 2);
        await using var client = TestClient.Connect(cluster);
        var full = TestClient.Fetch("t", 0, 0, minBytes: 0);
        full.Topics[0].Partitions.Add(new FetchRequest.FetchPartition { Partition = 1, FetchOffset = 0, PartitionMaxBytes = 1 << 20 });
        full.SessionId = 0;
        full.SessionEpoch = 0;
        var first = await client.SendAsync(full, 11);
        Assert.NotEqual(0, first.SessionId);
        Assert.Equal(2, first.Responses[0].Partitions.Count);

        await client.SendAsync(TestClient.Produce("t", 1, TestClient.Batch(("a", "1"))), 9);
        var incremental = new FetchRequest { SessionId = first.SessionId, SessionEpoch = 1, MaxBytes = 1 << 20, MinBytes = 0 };
        var second = await client.SendAsync(incremental, 11);
        Assert.Equal(0, second.ErrorCode);
        Assert.Equal(1, Assert.Single(Assert.Single(second.Responses).Partitions).PartitionIndex);

        incremental.SessionEpoch = 7;
        var wrong = await client.SendAsync(incremental, 11);
        Assert.Equal((short)ErrorCode.InvalidFetchSessionEpoch, wrong.ErrorCode);
        incremental.SessionId = 12345;
        incremental.SessionEpoch = 1;
        var missing = await client.SendAsync(incremental, 11);
        Assert.Equal((short)ErrorCode.FetchSessionIdNotFound, missing.ErrorCode);
    }

    [Fact]
    public async Task Handle_PartitionMaxBytes_StillReturnsFirstBatch()
    {
        await using var cluster = await MiniCluster.StartAsync();
        await cluster.CreateTopicAsync("t");
        await using var client = TestClient.Connect(cluster);
        await client.SendAsync(TestClient.Produce("t", 0, TestClient.Batch(("a", new string('x', 500)))), 9);
        await client.SendAsync(TestClient.Produce("t", 0, TestClient.Batch(("b", new string('y', 500)))), 9);
        var request = TestClient.Fetch("t", 0, 0);
        request.Topics[0].Partitions[0].PartitionMaxBytes = 10;
        var f = await client.SendAsync(request, 11);
        Assert.Single(TestClient.Records(f.Responses[0].Partitions[0].Records));
    }
}
