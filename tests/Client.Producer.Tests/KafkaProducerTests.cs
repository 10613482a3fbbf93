using System.Text;
using Samsa.Broker.Mini;
using Samsa.Client;
using Samsa.Protocol;

namespace Samsa.Producer.Tests;

public sealed class KafkaProducerTests
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);

    internal static KafkaProducer<string?, string?> Build(string bootstrap, Action<ProducerOptions>? configure = null)
    {
        var options = new ProducerOptions { BootstrapServers = bootstrap, LingerMs = 5 };
        configure?.Invoke(options);
        return new ProducerBuilder<string?, string?>(options).Build();
    }

    [Fact]
    public async Task ProduceAsync_KeysHeadersTimestampsTombstones_ReadBackIdentically()
    {
        await using var cluster = await MiniCluster.StartAsync();
        await cluster.CreateTopicAsync("t", partitions: 3);
        await using var producer = Build(cluster.BootstrapServers);
        var sent = new List<DeliveryResult<string?, string?>>();
        sent.Add(await producer.ProduceAsync("t", new Message<string?, string?> { Key = "k1", Value = "v1" }).WaitAsync(HangGuard));
        sent.Add(await producer.ProduceAsync("t", new Message<string?, string?> { Key = null, Value = "no key" }).WaitAsync(HangGuard));
        sent.Add(await producer.ProduceAsync("t", new Message<string?, string?>
        {
            Key = "k2",
            Value = "with headers",
            Headers = new Headers().Add("h1", "a").Add("h2", (byte[]?)null).Add("h1", "b"),
            Timestamp = new Timestamp(1_600_000_000_123),
        }).WaitAsync(HangGuard));
        sent.Add(await producer.ProduceAsync("t", new Message<string?, string?> { Key = "k1", Value = null }).WaitAsync(HangGuard));
        sent.Add(await producer.ProduceAsync("t", new Message<string?, string?> { Key = "", Value = "" }).WaitAsync(HangGuard));

        var read = await TopicReader.ReadAllAsync(cluster.BootstrapServers, "t");
        Assert.Equal(5, read.Count);
        foreach (var result in sent)
        {
            Assert.Equal(PersistenceStatus.Persisted, result.Status);
            var record = Assert.Single(read, r => r.Partition == result.Partition && r.Offset == result.Offset);
            Assert.Equal(result.Message.Key, record.Key is null ? null : Encoding.UTF8.GetString(record.Key));
            Assert.Equal(result.Message.Value, record.Value is null ? null : Encoding.UTF8.GetString(record.Value));
            Assert.Equal(result.Timestamp.UnixTimestampMs, record.Timestamp);
        }
        var withHeaders = Assert.Single(read, r => r.Headers.Count > 0);
        Assert.Equal(1_600_000_000_123, withHeaders.Timestamp);
        Assert.Equal(["h1", "h2", "h1"], withHeaders.Headers.Select(h => h.Key));
        Assert.Equal("a", Encoding.UTF8.GetString(withHeaders.Headers[0].Value!));
        Assert.Null(withHeaders.Headers[1].Value);
        // Same key, same partition (murmur2).
        Assert.Equal(sent[0].Partition, sent[3].Partition);
    }

    [Fact]
    public async Task Produce_Callback_ManyRecordsAcrossPartitions_AllDeliveredInOrderPerPartition()
    {
        await using var cluster = await MiniCluster.StartAsync();
        await cluster.CreateTopicAsync("many", partitions: 4);
        await using var producer = Build(cluster.BootstrapServers, o => o.BatchSize = 2048);
        const int count = 20_000;
        var offsets = new long[count];
        int failures = 0, delivered = 0;
        var done = new TaskCompletionSource();
        for (int i = 0; i < count; i++)
        {
            int index = i;
            producer.Produce("many", new Message<string?, string?> { Key = (i % 50).ToString(), Value = i.ToString() }, report =>
            {
                if (report.IsError) Interlocked.Increment(ref failures);
                offsets[index] = report.Offset;
                if (Interlocked.Increment(ref delivered) == count) done.TrySetResult();
            });
        }
        Assert.Equal(0, producer.Flush(HangGuard));
        await done.Task.WaitAsync(HangGuard);
        Assert.Equal(0, failures);
        var read = await TopicReader.ReadAllAsync(cluster.BootstrapServers, "many");
        Assert.Equal(count, read.Count);
        foreach (var group in read.GroupBy(r => Encoding.UTF8.GetString(r.Key!)))
        {
            var values = group.OrderBy(r => r.Offset).Select(r => int.Parse(Encoding.UTF8.GetString(r.Value!))).ToList();
            Assert.Equal(values.Order(), values);
        }
    }

    /// <summary>
    /// Producing from a delivery callback (forwarding each acknowledged record, here to a topic whose metadata the producer
    /// does not have yet) must neither deadlock nor stall: callbacks do not run on a connection's reader thread, which
    /// would have to read the metadata the callback waits for.
    /// </summary>
    [Fact]
    public async Task Produce_FromDeliveryCallbacks_ChainedRecordsAllDelivered()
    {
        await using var cluster = await MiniCluster.StartAsync();
        await cluster.CreateTopicAsync("first", partitions: 3);
        await cluster.CreateTopicAsync("second", partitions: 3);
        // A callback stuck waiting for metadata fails its Produce after max.block.ms, and the chain then never completes.
        await using var producer = Build(cluster.BootstrapServers, o => { o.BatchSize = 1024; o.MaxBlockMs = 10_000; });
        const int count = 2_000;
        int forwarded = 0, failures = 0;
        var done = new TaskCompletionSource();
        for (int i = 0; i < count; i++)
        {
            producer.Produce("first", new Message<string?, string?> { Key = (i % 7).ToString(), Value = i.ToString() }, report =>
            {
                if (report.IsError) Interlocked.Increment(ref failures);
                producer.Produce("second", new Message<string?, string?> { Key = report.Message.Key, Value = report.Message.Value }, second =>
                {
                    if (second.IsError) Interlocked.Increment(ref failures);
                    if (Interlocked.Increment(ref forwarded) == count) done.TrySetResult();
                });
            });
        }
        producer.Flush(HangGuard);
        await done.Task.WaitAsync(HangGuard);
        Assert.Equal(0, failures);
        var read = await TopicReader.ReadAllAsync(cluster.BootstrapServers, "second");
        Assert.Equal(Enumerable.Range(0, count), read.Select(r => int.Parse(Encoding.UTF8.GetString(r.Value!))).Order());
    }

    [Fact]
    public async Task Produce_NullKeys_StickToPartitionsAndSpreadAcrossThem()
    {
        await using var cluster = await MiniCluster.StartAsync();
        await cluster.CreateTopicAsync("sticky", partitions: 6);
        await using var producer = Build(cluster.BootstrapServers, o => o.BatchSize = 1024);
        for (int i = 0; i < 3000; i++) producer.Produce("sticky", new Message<string?, string?> { Value = new string('x', 50) });
        Assert.Equal(0, producer.Flush(HangGuard));
        var read = await TopicReader.ReadAllAsync(cluster.BootstrapServers, "sticky");
        Assert.Equal(3000, read.Count);
        Assert.True(read.Select(r => r.Partition).Distinct().Count() >= 3, "null keys should be spread over partitions");
    }

    [Fact]
    public async Task ProduceAsync_ExplicitPartitionAndTopicPartition_GoThere()
    {
        await using var cluster = await MiniCluster.StartAsync();
        await cluster.CreateTopicAsync("explicit", partitions: 3);
        await using var producer = Build(cluster.BootstrapServers);
        var a = await producer.ProduceAsync("explicit", new Message<string?, string?> { Key = "x", Value = "1", Partition = 2 }).WaitAsync(HangGuard);
        var b = await producer.ProduceAsync(new TopicPartition("explicit", 1), new Message<string?, string?> { Key = "x", Value = "2" }).WaitAsync(HangGuard);
        Assert.Equal(2, a.Partition);
        Assert.Equal(1, b.Partition);
        await Assert.ThrowsAsync<KafkaException>(() => producer.ProduceAsync(new TopicPartition("explicit", 7), new Message<string?, string?> { Value = "x" }));
    }

    [Fact]
    public async Task ProduceAsync_Zstd_ReadBackIdentically()
    {
        await using var cluster = await MiniCluster.StartAsync();
        await cluster.CreateTopicAsync("zstd", partitions: 1);
        await using var producer = Build(cluster.BootstrapServers, o => o.CompressionType = "zstd");
        for (int i = 0; i < 500; i++) producer.Produce("zstd", new Message<string?, string?> { Key = "k" + i, Value = new string((char)('a' + i % 26), 200) });
        await producer.FlushAsync().WaitAsync(HangGuard);
        var read = await TopicReader.ReadAllAsync(cluster.BootstrapServers, "zstd");
        Assert.Equal(500, read.Count);
        for (int i = 0; i < 500; i++)
        {
            Assert.Equal("k" + i, Encoding.UTF8.GetString(read[i].Key!));
            Assert.Equal(new string((char)('a' + i % 26), 200), Encoding.UTF8.GetString(read[i].Value!));
        }
    }

    [Fact]
    public async Task Produce_RecordLargerThanMaxRequestSize_ThrowsMessageTooLarge()
    {
        await using var cluster = await MiniCluster.StartAsync();
        await cluster.CreateTopicAsync("big", partitions: 1);
        await using var producer = Build(cluster.BootstrapServers, o => o.MaxRequestSize = 1000);
        var e = Assert.Throws<KafkaException>(() => producer.Produce("big", new Message<string?, string?> { Value = new string('x', 2000) }));
        Assert.Equal(ErrorCode.MessageTooLarge, e.ErrorCode);
        var ok = await producer.ProduceAsync("big", new Message<string?, string?> { Value = "small" }).WaitAsync(HangGuard);
        Assert.Equal(0, ok.Offset);
    }

    [Fact]
    public async Task ProduceAsync_UnknownTopic_TimesOutAfterMaxBlock()
    {
        await using var cluster = await MiniCluster.StartAsync(new MiniClusterOptions { BrokerConfigs = { ["auto.create.topics.enable"] = "false" } });
        await using var producer = Build(cluster.BootstrapServers, o => o.MaxBlockMs = 500);
        await Assert.ThrowsAsync<KafkaTimeoutException>(() => producer.ProduceAsync("missing", new Message<string?, string?> { Value = "x" }).WaitAsync(HangGuard));
    }

    [Fact]
    public async Task ProduceAsync_SerializerThrows_FailsOnlyThatRecord()
    {
        await using var cluster = await MiniCluster.StartAsync();
        await cluster.CreateTopicAsync("ser", partitions: 1);
        var options = new ProducerOptions { BootstrapServers = cluster.BootstrapServers };
        await using var producer = new ProducerBuilder<string, string>(options).SetValueSerializer(new ThrowingSerializer()).Build();
        await Assert.ThrowsAsync<Serialization.SerializationException>(() => producer.ProduceAsync("ser", new Message<string, string> { Key = "a", Value = "boom" }));
        var ok = await producer.ProduceAsync("ser", new Message<string, string> { Key = "a", Value = "fine" }).WaitAsync(HangGuard);
        Assert.Equal(0, ok.Offset);
    }

    private sealed class ThrowingSerializer : Serialization.ISerializer<string>
    {
        public bool Serialize(string value, System.Buffers.IBufferWriter<byte> destination, in Serialization.SerializationContext context)
        {
            if (value == "boom") throw new InvalidOperationException("boom");
            return Serialization.Serializers.Utf8.Serialize(value, destination, context);
        }
    }
}
