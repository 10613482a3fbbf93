using CK = Confluent.Kafka;
using Samsa.Streams.Processor;

namespace Samsa.Streams.Tests.Runtime;

public sealed class RebalanceAndExactlyOnceTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task TwoInstances_ShareTasks_CloseMovesTasksAndState()
    {
        await using var cluster = await RuntimeKit.StartClusterAsync();
        await cluster.CreateTopicAsync("words", 4);
        await cluster.CreateTopicAsync("counts-out", 4);
        var first = new KafkaStreams(TestModel.Counting("words", "counts-out"), RuntimeKit.Config(cluster, "share", RuntimeKit.TempDir(), exactlyOnce: true));
        await first.StartAsync();
        await RuntimeKit.WaitUntilAsync(() => first.State == KafkaStreamsState.Running && Tasks(first).Count == 4, "first instance owns all tasks");

        var second = new KafkaStreams(TestModel.Counting("words", "counts-out"), RuntimeKit.Config(cluster, "share", RuntimeKit.TempDir(), exactlyOnce: true));
        await second.StartAsync();
        await RuntimeKit.WaitUntilAsync(() => Tasks(first).Count == 2 && Tasks(second).Count == 2
            && first.State == KafkaStreamsState.Running && second.State == KafkaStreamsState.Running, "tasks shared 2/2");
        Assert.Empty(Tasks(first).Intersect(Tasks(second)));

        // Exactly-once keeps the counts exact across the rebalances. One key per partition, twice each, spread over both instances.
        for (int p = 0; p < 4; p++) await RuntimeKit.ProduceAsync(cluster, "words", [($"w{p}", "x"), ($"w{p}", "x")], partition: p);
        await RuntimeKit.ReadAsync(cluster, "counts-out", 4, 8, readCommitted: true);
        await RuntimeKit.WaitUntilAsync(async () => (await RuntimeKit.CommittedAsync(cluster, "share", "words", 4)).Sum() == 8, "offsets committed");

        // Closing the first instance moves its tasks (and, through the changelog, their counts) to the second.
        Assert.True(await first.CloseAsync(RuntimeKit.Guard));
        await RuntimeKit.WaitUntilAsync(() => Tasks(second).Count == 4 && second.State == KafkaStreamsState.Running, "second instance owns all tasks");
        for (int p = 0; p < 4; p++) await RuntimeKit.ProduceAsync(cluster, "words", [($"w{p}", "x")], partition: p);
        var output = await RuntimeKit.ReadAsync(cluster, "counts-out", 4, 12, readCommitted: true);
        var last = output.GroupBy(o => o.Key).ToDictionary(g => g.Key, g => g.Select(o => int.Parse(o.Value, System.Globalization.CultureInfo.InvariantCulture)).Max());
        Assert.Equal(4, last.Count);
        Assert.All(last.Values, v => Assert.Equal(3, v));
        await second.CloseAsync();
    }

    [PeerFact("librdkafka")]
    public async Task ExactlyOnce_CrashMidTransaction_ReadCommittedPeerSeesEachOutputOnce()
    {
        await using var cluster = await RuntimeKit.StartClusterAsync();
        await cluster.CreateTopicAsync("in", 1);
        await cluster.CreateTopicAsync("out", 1);
        string stateDir = RuntimeKit.TempDir();
        await RuntimeKit.ProduceAsync(cluster, "in", [("k", "a"), ("k", "b"), ("k", "c")]);

        // First run: commits a, b, c; then d and e are sent inside a transaction that never commits (simulated crash).
        var first = new KafkaStreams(TestModel.Uppercase("in", "out"), RuntimeKit.Config(cluster, "eos", stateDir, exactlyOnce: true, commitMs: 100),
            new TestOutputLoggerFactory(output));
        await first.StartAsync();
        await RuntimeKit.WaitUntilAsync(async () => (await RuntimeKit.CommittedAsync(cluster, "eos", "in", 1))[0] == 3, "a, b, c committed");
        first.Threads[0].PauseCommitsForTest = true;
        await RuntimeKit.ProduceAsync(cluster, "in", [("k", "d"), ("k", "e")]);
        // d and e reach the log uncommitted (visible to read_uncommitted only) before the crash.
        await RuntimeKit.ReadAsync(cluster, "out", 1, 5);
        await first.CrashAsync();

        // Second run (same state dir, so the same transactional id): fences the zombie, aborts its transaction, reprocesses d, e.
        await RuntimeKit.ProduceAsync(cluster, "in", [("k", "f")]);
        await using (var second = new KafkaStreams(TestModel.Uppercase("in", "out"), RuntimeKit.Config(cluster, "eos", stateDir, exactlyOnce: true),
            new TestOutputLoggerFactory(output)))
        {
            await second.StartAsync();
            await RuntimeKit.WaitUntilAsync(async () => (await RuntimeKit.CommittedAsync(cluster, "eos", "in", 1))[0] == 6, "all input committed");
        }

        Assert.Equal(6, await RuntimeKit.EndOffsetsAsync(cluster, "in", 1)); // the input itself has no duplicates
        var committed = ReadWithConfluent(cluster.BootstrapServers, "out", "read_committed", 6);
        Assert.Equal(["A", "B", "C", "D", "E", "F"], committed);
        var uncommitted = ReadWithConfluent(cluster.BootstrapServers, "out", "read_uncommitted", 8);
        Assert.Equal(["A", "B", "C", "D", "E", "D", "E", "F"], uncommitted);
    }

    [PeerFact("librdkafka")]
    public async Task ExactlyOnce_ProducerFencedOnCommit_AbortsRewindsAndStaysExactlyOnce()
    {
        await using var cluster = await RuntimeKit.StartClusterAsync();
        await cluster.CreateTopicAsync("in", 1);
        await cluster.CreateTopicAsync("out", 1);
        await RuntimeKit.ProduceAsync(cluster, "in", [("k", "a"), ("k", "b"), ("k", "c")]);
        int fenced = 0;
        // The first transactional offset commit is answered with PRODUCER_FENCED: the producer is unusable.
        using var _ = cluster.Intercept(Samsa.Protocol.ApiKey.AddOffsetsToTxn, null, (request, ct) =>
            ValueTask.FromResult(Interlocked.Increment(ref fenced) == 1
                ? Broker.Mini.InterceptResult.Respond(new Samsa.Protocol.Messages.AddOffsetsToTxnResponse { ErrorCode = (short)Samsa.Protocol.ErrorCode.ProducerFenced })
                : Broker.Mini.InterceptResult.Continue));
        await using var streams = new KafkaStreams(TestModel.Uppercase("in", "out"), RuntimeKit.Config(cluster, "fence", RuntimeKit.TempDir(), exactlyOnce: true),
            new TestOutputLoggerFactory(output));
        await streams.StartAsync();
        await RuntimeKit.WaitUntilAsync(async () => (await RuntimeKit.CommittedAsync(cluster, "fence", "in", 1))[0] == 3, "input committed after the fencing");
        Assert.True(Volatile.Read(ref fenced) >= 2, "the commit was retried by a new producer");
        Assert.NotEqual(KafkaStreamsState.Error, streams.State);
        Assert.Equal(["A", "B", "C"], ReadWithConfluent(cluster.BootstrapServers, "out", "read_committed", 3));
    }

    private static List<TaskId> Tasks(KafkaStreams streams) => [.. streams.Threads.SelectMany(t => t.ActiveTasks)];

    /// <summary>Reads with librdkafka until <paramref name="expected"/> values arrived and the partition end is reached.</summary>
    private static List<string> ReadWithConfluent(string bootstrap, string topic, string isolation, int expected)
    {
        var config = new CK.ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "peer-" + Guid.NewGuid().ToString("N"),
            AutoOffsetReset = CK.AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
            IsolationLevel = isolation == "read_committed" ? CK.IsolationLevel.ReadCommitted : CK.IsolationLevel.ReadUncommitted,
            EnablePartitionEof = true,
        };
        using var consumer = new CK.ConsumerBuilder<string, string>(config).Build();
        consumer.Assign(new CK.TopicPartitionOffset(topic, 0, CK.Offset.Beginning));
        var values = new List<string>();
        var deadline = DateTime.UtcNow + RuntimeKit.Guard;
        while (DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result is null) continue;
            if (result.IsPartitionEOF)
            {
                if (values.Count >= expected) break;
                continue;
            }
            values.Add(result.Message.Value);
        }
        return values;
    }
}
