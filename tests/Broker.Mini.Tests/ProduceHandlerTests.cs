using Samsa.Protocol.Records;

namespace Samsa.Broker.Mini.Tests;

public sealed class ProduceHandlerTests
{
    [Fact]
    public async Task Handle_TwoBatches_AssignsConsecutiveOffsets()
    {
        await using var cluster = await MiniCluster.StartAsync();
        await cluster.CreateTopicAsync("t");
        await using var client = TestClient.Connect(cluster);
        var r1 = await client.SendAsync(TestClient.Produce("t", 0, TestClient.Batch(("a", "1"), ("b", "2"))), 9);
        var r2 = await client.SendAsync(TestClient.Produce("t", 0, TestClient.Batch(("c", "3"))), 9);
        Assert.Equal(0, r1.Responses[0].PartitionResponses[0].BaseOffset);
        Assert.Equal(2, r2.Responses[0].PartitionResponses[0].BaseOffset);
    }

    [Fact]
    public async Task Handle_BadCrc_ReturnsCorruptMessage()
    {
        await using var cluster = await MiniCluster.StartAsync();
        await cluster.CreateTopicAsync("t");
        await using var client = TestClient.Connect(cluster);
        var batch = TestClient.Batch(("a", "1"));
        batch[^1] ^= 0xFF;
        var r = await client.SendAsync(TestClient.Produce("t", 0, batch), 9);
        Assert.Equal((short)ErrorCode.CorruptMessage, r.Responses[0].PartitionResponses[0].ErrorCode);
    }

    [Fact]
    public async Task Handle_BatchOverMaxMessageBytes_ReturnsMessageTooLarge()
    {
        await using var cluster = await MiniCluster.StartAsync();
        await cluster.CreateTopicAsync("t", configs: new Dictionary<string, string> { ["max.message.bytes"] = "100" });
        await using var client = TestClient.Connect(cluster);
        var r = await client.SendAsync(TestClient.Produce("t", 0, TestClient.Batch(("a", new string('x', 200)))), 9);
        Assert.Equal((short)ErrorCode.MessageTooLarge, r.Responses[0].PartitionResponses[0].ErrorCode);
    }

    [Fact]
    public async Task Handle_KeylessRecordOnCompactedTopic_ReturnsInvalidRecord()
    {
        await using var cluster = await MiniCluster.StartAsync();
        await cluster.CreateTopicAsync("c", configs: new Dictionary<string, string> { ["cleanup.policy"] = "compact" });
        await using var client = TestClient.Connect(cluster);
        var r = await client.SendAsync(TestClient.Produce("c", 0, TestClient.Batch(("k", "1"), (null, "2"))), 9);
        var p = r.Responses[0].PartitionResponses[0];
        Assert.Equal((short)ErrorCode.InvalidRecord, p.ErrorCode);
        Assert.Equal(1, Assert.Single(p.RecordErrors).BatchIndex);
    }

    [Fact]
    public async Task Handle_AcksAllBelowMinIsr_ReturnsNotEnoughReplicas()
    {
        await using var cluster = await MiniCluster.StartAsync(new MiniClusterOptions { Brokers = 2 });
        await cluster.CreateTopicAsync("t", 1, 2, new Dictionary<string, string> { ["min.insync.replicas"] = "2" });
        var leader = cluster.State.Topics["t"].Partitions[0].Leader;
        await cluster.StopBrokerAsync(1 - leader);
        await using var client = TestClient.Connect(cluster, leader);
        var all = await client.SendAsync(TestClient.Produce("t", 0, TestClient.Batch(("a", "1")), acks: -1), 9);
        Assert.Equal((short)ErrorCode.NotEnoughReplicas, all.Responses[0].PartitionResponses[0].ErrorCode);
        var one = await client.SendAsync(TestClient.Produce("t", 0, TestClient.Batch(("a", "1")), acks: 1), 9);
        Assert.Equal(0, one.Responses[0].PartitionResponses[0].ErrorCode);
    }

    [Fact]
    public async Task Handle_IdempotentRetry_ReturnsOriginalOffsetWithoutAppending()
    {
        await using var cluster = await MiniCluster.StartAsync();
        await cluster.CreateTopicAsync("t");
        await using var client = TestClient.Connect(cluster);
        var b0 = TestClient.Batch(7, 0, 0, ("a", "1"), ("b", "2"));
        var b1 = TestClient.Batch(7, 0, 2, ("c", "3"));
        await client.SendAsync(TestClient.Produce("t", 0, b0), 9);
        var first = await client.SendAsync(TestClient.Produce("t", 0, b1), 9);
        var retry = await client.SendAsync(TestClient.Produce("t", 0, b1), 9);
        Assert.Equal(first.Responses[0].PartitionResponses[0].BaseOffset, retry.Responses[0].PartitionResponses[0].BaseOffset);
        Assert.Equal(3, cluster.State.Topics["t"].Partitions[0].HighWatermark);
        var gap = await client.SendAsync(TestClient.Produce("t", 0, TestClient.Batch(7, 0, 9, ("d", "4"))), 9);
        Assert.Equal((short)ErrorCode.OutOfOrderSequenceNumber, gap.Responses[0].PartitionResponses[0].ErrorCode);
        await client.SendAsync(TestClient.Produce("t", 0, TestClient.Batch(7, 1, 0, ("e", "5"))), 9);
        var fenced = await client.SendAsync(TestClient.Produce("t", 0, TestClient.Batch(7, 0, 3, ("f", "6"))), 9);
        Assert.Equal((short)ErrorCode.InvalidProducerEpoch, fenced.Responses[0].PartitionResponses[0].ErrorCode);
    }

    [Fact]
    public async Task Handle_LogAppendTimeTopic_StampsBrokerTime()
    {
        await using var cluster = await MiniCluster.StartAsync();
        await cluster.CreateTopicAsync("t", configs: new Dictionary<string, string> { ["message.timestamp.type"] = "LogAppendTime" });
        await using var client = TestClient.Connect(cluster);
        var r = await client.SendAsync(TestClient.Produce("t", 0, TestClient.Batch(("a", "1"))), 9);
        long appendTime = r.Responses[0].PartitionResponses[0].LogAppendTimeMs;
        Assert.True(appendTime > 0);
        var f = await client.SendAsync(TestClient.Fetch("t", 0, 0), 12);
        var header = RecordBatchHeader.Read(f.Responses[0].Partitions[0].Records!.Value.Span);
        Assert.Equal(TimestampType.LogAppendTime, header.TimestampType);
        Assert.Equal(appendTime, header.MaxTimestamp);
    }

    [Fact]
    public async Task Handle_Acks0_SendsNoResponse()
    {
        await using var cluster = await MiniCluster.StartAsync();
        await cluster.CreateTopicAsync("t");
        await using var client = TestClient.Connect(cluster);
        await client.WriteAsync(TestClient.Produce("t", 0, TestClient.Batch(("a", "1")), acks: 0), 9);
        var meta = await client.SendAsync(new MetadataRequest { Topics = null }, 12);
        Assert.Single(meta.Topics);
        Assert.Equal(1, cluster.State.Topics["t"].Partitions[0].HighWatermark);
    }

    [Fact]
    public async Task Handle_UnknownTopic_ReturnsUnknownTopicOrPartition()
    {
        await using var cluster = await MiniCluster.StartAsync();
        await using var client = TestClient.Connect(cluster);
        var r = await client.SendAsync(TestClient.Produce("missing", 0, TestClient.Batch(("a", "1"))), 3);
        Assert.Equal((short)ErrorCode.UnknownTopicOrPartition, r.Responses[0].PartitionResponses[0].ErrorCode);
    }
}
