using Xunit.Abstractions;
using System.Text;
using Samsa.Protocol.Records;
using Samsa.Testing;
using CK = Confluent.Kafka;

namespace Samsa.Consumer.Tests;

/// <summary>The fetch path against Broker.Mini and librdkafka's mock cluster, with data written by Confluent.Kafka and kcat.</summary>
public sealed class FetchTests(ITestOutputHelper output)
{
    public static TheoryData<string, string> BrokersAndCodecs => new()
    {
        { "mini", "none" }, { "mini", "zstd" }, { "mock", "none" }, { "mock", "zstd" },
    };

    [Theory]
    [MemberData(nameof(BrokersAndCodecs))]
    public async Task ConsumeAsync_RecordsFromConfluent_MatchKeysValuesHeadersTimestamps(string broker, string codec)
    {
        if (broker == "mock") Peers.Require("librdkafka");
        await using var b = await TestBroker.StartAsync(broker);
        await b.CreateTopicAsync("t", 3);
        var compression = codec == "zstd" ? CK.CompressionType.Zstd : CK.CompressionType.None;
        var sent = TestKit.ProduceWithConfluent(b.BootstrapServers, "t", 3, 200, compression);
        await using var consumer = TestKit.Consumer(b.BootstrapServers, loggers: new TestLoggerProvider(output));
        consumer.Assign(TestKit.Partitions("t", 3).Select(tp => new TopicPartitionOffset(tp, Offsets.Beginning)));
        var got = await TestKit.ConsumeAsync(consumer, sent.Count);
        foreach (int p in Enumerable.Range(0, 3))
        {
            var expected = sent.Where(s => s.Partition == p).ToList();
            var actual = got.Where(r => r.Partition == p).ToList();
            Assert.Equal(expected.Count, actual.Count);
            for (int i = 0; i < expected.Count; i++)
            {
                Assert.Equal(i, actual[i].Offset);
                Assert.Equal(expected[i].Key, actual[i].Key);
                Assert.Equal(expected[i].Value, actual[i].Value);
                Assert.Equal(expected[i].Timestamp, actual[i].Timestamp);
                Assert.Equal(expected[i].Headers, actual[i].Headers.Select(h => (h.Key, h.GetValueAsString())).ToList());
            }
        }
        Assert.Equal(200, await consumer.PositionAsync(new TopicPartition("t", 0)));
    }

    [PeerFact("kcat")]
    public async Task ConsumeAsync_RecordsFromKcat_MatchKeysAndValues()
    {
        await using var b = await TestBroker.StartAsync("mini");
        await b.CreateTopicAsync("kc", 1);
        var lines = Enumerable.Range(0, 300).Select(i => $"key{i}:val{i}").ToList();
        var run = await ProcessRunner.RunAsync("kcat", ["-P", "-b", b.BootstrapServers, "-t", "kc", "-p", "0", "-K", ":", "-z", "zstd"],
            string.Join('\n', lines) + "\n", TestKit.Guard);
        Assert.Equal(0, run.ExitCode);
        await using var consumer = TestKit.Consumer(b.BootstrapServers, o => o.AutoOffsetReset = AutoOffsetReset.Earliest);
        consumer.Assign([new TopicPartition("kc", 0)]);
        var got = await TestKit.ConsumeAsync(consumer, 300);
        Assert.Equal(lines, got.Select(r => $"{r.Key}:{r.Value}").ToList());
    }

    [Theory]
    [InlineData("mini")]
    [InlineData("mock")]
    public async Task AutoOffsetReset_EarliestLatestNone_StartWhereKafkaDoes(string broker)
    {
        if (broker == "mock") Peers.Require("librdkafka");
        await using var b = await TestBroker.StartAsync(broker);
        await b.CreateTopicAsync("r", 1);
        TestKit.ProduceWithConfluent(b.BootstrapServers, "r", 1, 10);
        var tp = new TopicPartition("r", 0);

        await using (var earliest = TestKit.Consumer(b.BootstrapServers, o => o.AutoOffsetReset = AutoOffsetReset.Earliest))
        {
            earliest.Assign([tp]);
            Assert.Equal(0, (await earliest.ConsumeAsync(new CancellationTokenSource(TestKit.Guard).Token)).Offset);
        }
        await using (var latest = TestKit.Consumer(b.BootstrapServers))
        {
            latest.Assign([tp]);
            Assert.Equal(10, await latest.PositionAsync(tp));
            TestKit.ProduceWithConfluent(b.BootstrapServers, "r", 1, 1);
            Assert.Equal(10, (await latest.ConsumeAsync(new CancellationTokenSource(TestKit.Guard).Token)).Offset);
        }
        await using (var none = TestKit.Consumer(b.BootstrapServers, o => o.AutoOffsetReset = AutoOffsetReset.None))
        {
            // Out of range: past the end of the log.
            none.Assign([new TopicPartitionOffset(tp, 500)]);
            var error = await Assert.ThrowsAsync<OffsetOutOfRangeException>(async () => await none.ConsumeAsync(new CancellationTokenSource(TestKit.Guard).Token));
            Assert.Equal(tp, error.TopicPartition);
            none.Seek(new TopicPartitionOffset(tp, 3));
            Assert.Equal(3, (await none.ConsumeAsync(new CancellationTokenSource(TestKit.Guard).Token)).Offset);
        }
        await using (var outOfRange = TestKit.Consumer(b.BootstrapServers, o => o.AutoOffsetReset = AutoOffsetReset.Earliest))
        {
            outOfRange.Assign([new TopicPartitionOffset(tp, 500)]);
            Assert.Equal(0, (await outOfRange.ConsumeAsync(new CancellationTokenSource(TestKit.Guard).Token)).Offset);
        }
    }

    [Fact]
    public async Task SeekPauseResume_ChangeWhatIsReturned()
    {
        await using var b = await TestBroker.StartAsync("mini");
        await b.CreateTopicAsync("s", 2);
        TestKit.ProduceWithConfluent(b.BootstrapServers, "s", 2, 50);
        await using var consumer = TestKit.Consumer(b.BootstrapServers, o => o.AutoOffsetReset = AutoOffsetReset.Earliest);
        var p0 = new TopicPartition("s", 0);
        var p1 = new TopicPartition("s", 1);
        consumer.Assign([p0, p1]);
        consumer.Pause([p1]);
        Assert.Equal([p1], consumer.Paused);
        var first = await TestKit.ConsumeAsync(consumer, 50);
        Assert.All(first, r => Assert.Equal(0, r.Partition));
        Assert.Null(await TestKit.TryConsumeAsync(consumer, TimeSpan.FromMilliseconds(500)));

        consumer.Seek(new TopicPartitionOffset(p0, 40));
        consumer.Resume([p1]);
        var rest = await TestKit.ConsumeAsync(consumer, 60);
        Assert.Equal(Enumerable.Range(40, 10).Select(i => (long)i), rest.Where(r => r.Partition == 0).Select(r => r.Offset));
        Assert.Equal(Enumerable.Range(0, 50).Select(i => (long)i), rest.Where(r => r.Partition == 1).Select(r => r.Offset));

        consumer.SeekToBeginning([p1]);
        Assert.Equal(0, (await consumer.ConsumeAsync(new CancellationTokenSource(TestKit.Guard).Token)).Offset);
        consumer.SeekToEnd([p0, p1]);
        Assert.Equal(50, await consumer.PositionAsync(p0));
        Assert.Equal(50, await consumer.PositionAsync(p1));
        var times = await consumer.OffsetsForTimesAsync([new(p0, 0)]);
        Assert.Equal(0, times[0].Offset);
        Assert.Equal((0L, 50L), await consumer.QueryWatermarkOffsetsAsync(p0));
    }

    [Fact]
    public async Task ConsumeAsync_Cancelled_OrWokenUp_InterruptsTheWait()
    {
        await using var b = await TestBroker.StartAsync("mini");
        await b.CreateTopicAsync("w", 1);
        await using var consumer = TestKit.Consumer(b.BootstrapServers);
        consumer.Assign([new TopicPartition("w", 0)]);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await consumer.ConsumeAsync(cts.Token));
        var pending = consumer.ConsumeAsync().AsTask();
        await Task.Delay(100);
        consumer.Wakeup();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending.WaitAsync(TestKit.Guard));
    }

    [Fact]
    public async Task ConsumeRawAsync_AndBatch_SeeEveryRecordOnce()
    {
        await using var b = await TestBroker.StartAsync("mini");
        await b.CreateTopicAsync("raw", 4);
        var sent = TestKit.ProduceWithConfluent(b.BootstrapServers, "raw", 4, 500, CK.CompressionType.Zstd);
        await using var consumer = TestKit.Consumer(b.BootstrapServers, o => o.AutoOffsetReset = AutoOffsetReset.Earliest);
        consumer.Assign(TestKit.Partitions("raw", 4));
        var handler = new CountingHandler();
        using var guard = new CancellationTokenSource(TestKit.Guard);
        while (handler.Count < 1000) await consumer.ConsumeRawAsync(handler, 100, guard.Token);
        Assert.Equal(1000, handler.Count);
        int batchTotal = 0;
        while (handler.Count + batchTotal < sent.Count)
        {
            var batch = await consumer.ConsumeBatchAsync(0, guard.Token);
            Assert.InRange(batch.Count, 1, 500);
            batchTotal += batch.Count;
        }
        Assert.Equal(sent.Count, handler.Count + batchTotal);
        Assert.True(handler.ValueBytes > 0);
        Assert.Null(await TestKit.TryConsumeAsync(consumer, TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public async Task ReadCommitted_SkipsAbortedTransactionsAndMarkers()
    {
        Peers.Require("librdkafka");
        await using var b = await TestBroker.StartAsync("mock");
        await b.CreateTopicAsync("tx", 1);
        TestKit.ProduceWithConfluent(b.BootstrapServers, "tx", 1, 5, transactional: true, abort: true);
        var committed = TestKit.ProduceWithConfluent(b.BootstrapServers, "tx", 1, 7, transactional: true);
        await using var readCommitted = TestKit.Consumer(b.BootstrapServers, o =>
        {
            o.AutoOffsetReset = AutoOffsetReset.Earliest;
            o.IsolationLevel = IsolationLevel.ReadCommitted;
        });
        readCommitted.Assign([new TopicPartition("tx", 0)]);
        var got = await TestKit.ConsumeAsync(readCommitted, 7);
        Assert.Equal(committed.Select(s => s.Value), got.Select(r => r.Value));
        Assert.Null(await TestKit.TryConsumeAsync(readCommitted, TimeSpan.FromMilliseconds(500)));

        await using var readUncommitted = TestKit.Consumer(b.BootstrapServers, o => o.AutoOffsetReset = AutoOffsetReset.Earliest);
        readUncommitted.Assign([new TopicPartition("tx", 0)]);
        Assert.Equal(12, (await TestKit.ConsumeAsync(readUncommitted, 12)).Count);
    }

    private sealed class CountingHandler : IRawRecordHandler
    {
        public int Count;
        public long ValueBytes;

        public void OnRecord(in RawRecord record)
        {
            Count++;
            ValueBytes += record.Value.Length;
            foreach (var header in record.View.Headers) ValueBytes += header.Value.Length;
        }
    }
}
