using Samsa.Streams.Processor;

namespace Samsa.Streams.Tests.Runtime;

public sealed class KafkaStreamsTests
{
    [Fact]
    public async Task StartAsync_PassThrough_RecordsFlowOffsetsCommittedAndRestartResumes()
    {
        await using var cluster = await RuntimeKit.StartClusterAsync();
        await cluster.CreateTopicAsync("in", 2);
        await cluster.CreateTopicAsync("out", 2);
        string stateDir = RuntimeKit.TempDir();
        await RuntimeKit.ProduceAsync(cluster, "in", Enumerable.Range(0, 10).Select(i => ($"k{i}", $"v{i}")));

        var states = new List<KafkaStreamsState>();
        var streams = new KafkaStreams(TestModel.Uppercase("in", "out"), RuntimeKit.Config(cluster, "pass", stateDir));
        streams.StateChanged += (_, change) =>
        {
            lock (states) states.Add(change.NewState);
        };
        await streams.StartAsync();
        await RuntimeKit.ReadAsync(cluster, "out", 2, 10);
        await RuntimeKit.WaitUntilAsync(async () => (await RuntimeKit.CommittedAsync(cluster, "pass", "in", 2)).Sum() == 10, "offsets committed");
        Assert.True(await streams.CloseAsync(RuntimeKit.Guard));
        Assert.Equal(KafkaStreamsState.NotRunning, streams.State);
        lock (states)
        {
            Assert.Equal(KafkaStreamsState.Rebalancing, states[0]);
            Assert.Contains(KafkaStreamsState.Running, states);
            Assert.Equal([KafkaStreamsState.PendingShutdown, KafkaStreamsState.NotRunning], states[^2..]);
        }
        // At-least-once: every input appears (a rebalance on a loaded machine may repeat some).
        var before = Tally(await RuntimeKit.ReadAsync(cluster, "out", 2, (int)await RuntimeKit.EndOffsetsAsync(cluster, "out", 2)));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"V{i}"), before.Keys.Order());

        // A new instance resumes from the committed offsets: only the new records are processed.
        await RuntimeKit.ProduceAsync(cluster, "in", Enumerable.Range(10, 5).Select(i => ($"k{i}", $"v{i}")));
        await using (var second = new KafkaStreams(TestModel.Uppercase("in", "out"), RuntimeKit.Config(cluster, "pass", stateDir)))
        {
            await second.StartAsync();
            await RuntimeKit.WaitUntilAsync(async () => (await RuntimeKit.CommittedAsync(cluster, "pass", "in", 2)).Sum() == 15, "new offsets committed");
        }
        Assert.Equal(15, await RuntimeKit.EndOffsetsAsync(cluster, "in", 2)); // the input itself has no duplicates
        var after = Tally(await RuntimeKit.ReadAsync(cluster, "out", 2, (int)await RuntimeKit.EndOffsetsAsync(cluster, "out", 2)));
        Assert.Equal(Enumerable.Range(0, 15).Select(i => $"V{i}").Order(), after.Keys.Order());
        foreach (var (value, count) in before) Assert.Equal(count, after[value]);
    }

    private static Dictionary<string, int> Tally(List<(string Key, string Value)> records) =>
        records.GroupBy(r => r.Value).ToDictionary(g => g.Key, g => g.Count());

    [Fact]
    public async Task StartAsync_StateDirDeleted_StoreRestoredFromChangelog()
    {
        await using var cluster = await RuntimeKit.StartClusterAsync();
        await cluster.CreateTopicAsync("words", 1);
        await cluster.CreateTopicAsync("counts-out", 1);
        string stateDir = RuntimeKit.TempDir();
        await RuntimeKit.ProduceAsync(cluster, "words", [("a", "1"), ("a", "2"), ("b", "3")]);
        // Exactly-once, so that counts are exact whatever rebalances a loaded machine causes. The commit interval is
        // long: the close itself must commit the transaction and then write the checkpoint.
        await using (var first = new KafkaStreams(TestModel.Counting("words", "counts-out"), RuntimeKit.Config(cluster, "count", stateDir, exactlyOnce: true, commitMs: 600_000)))
        {
            await first.StartAsync();
            await RuntimeKit.QueryUntilAsync(() => first.Store<Samsa.Streams.State.IReadOnlyKeyValueStore<string, long?>>("counts").Get("b"), v => v == 1, "b counted");
        }
        Assert.Equal(3, (await RuntimeKit.CommittedAsync(cluster, "count", "words", 1))[0]);
        await RuntimeKit.ReadAsync(cluster, "counts-out", 1, 3, readCommitted: true);
        Assert.True(File.Exists(Path.Combine(stateDir, "count", "0_0", ".checkpoint")), "a clean close writes the checkpoint, also under exactly-once");
        Assert.Contains("count-counts-changelog 0 ", await File.ReadAllTextAsync(Path.Combine(stateDir, "count", "0_0", ".checkpoint")));

        var second = new KafkaStreams(TestModel.Counting("words", "counts-out"), RuntimeKit.Config(cluster, "count", stateDir, exactlyOnce: true));
        second.CleanUp();
        Assert.False(Directory.Exists(Path.Combine(stateDir, "count", "0_0")));
        await second.StartAsync();
        await RuntimeKit.QueryUntilAsync(() => second.Store<Samsa.Streams.State.IReadOnlyKeyValueStore<string, long?>>("counts"), _ => true, "store queryable");
        var store = second.Store<Samsa.Streams.State.IReadOnlyKeyValueStore<string, long?>>("counts");
        Assert.Equal(2, store.Get("a"));
        Assert.Equal(1, store.Get("b"));
        await RuntimeKit.ProduceAsync(cluster, "words", [("a", "4")]);
        var output = await RuntimeKit.ReadAsync(cluster, "counts-out", 1, 4, readCommitted: true);
        Assert.Equal(("a", "3"), output[3]);
        await second.CloseAsync();
    }

    [Fact]
    public async Task StartAsync_CoPartitionedTopicsDiffer_FailsWithClearError()
    {
        await using var cluster = await RuntimeKit.StartClusterAsync();
        await cluster.CreateTopicAsync("left", 2);
        await cluster.CreateTopicAsync("right", 3);
        var model = new TestModel([new Internals.SubtopologyModel(0, ["left", "right"], null, [], [])], (id, env) => new UppercaseTask(id, env, "out", null));
        var streams = new KafkaStreams(model, RuntimeKit.Config(cluster, "copart", RuntimeKit.TempDir()));
        var error = await Assert.ThrowsAsync<StreamsException>(() => streams.StartAsync());
        Assert.Contains("left (2)", error.Message);
        Assert.Contains("right (3)", error.Message);
        Assert.Equal(KafkaStreamsState.Error, streams.State);
    }

    [Fact]
    public async Task StartAsync_StateDirInUse_SecondInstanceFails()
    {
        await using var cluster = await RuntimeKit.StartClusterAsync();
        await cluster.CreateTopicAsync("in", 1);
        await cluster.CreateTopicAsync("out", 1);
        string stateDir = RuntimeKit.TempDir();
        await using var first = new KafkaStreams(TestModel.Uppercase("in", "out"), RuntimeKit.Config(cluster, "locked", stateDir));
        await first.StartAsync();
        var second = new KafkaStreams(TestModel.Uppercase("in", "out"), RuntimeKit.Config(cluster, "locked", stateDir));
        var error = await Assert.ThrowsAsync<StreamsException>(() => second.StartAsync());
        Assert.Contains("in use", error.Message);
        await first.CloseAsync();
        // Released on close.
        await using var third = new KafkaStreams(TestModel.Uppercase("in", "out"), RuntimeKit.Config(cluster, "locked", stateDir));
        await third.StartAsync();
    }

    [Fact]
    public async Task UncaughtExceptionHandler_ReplaceThread_ProcessingContinues()
    {
        await using var cluster = await RuntimeKit.StartClusterAsync();
        await cluster.CreateTopicAsync("in", 1);
        await cluster.CreateTopicAsync("out", 1);
        int failures = 0;
        var model = TestModel.Uppercase("in", "out", v => v == "poison" && Interlocked.Increment(ref failures) == 1);
        await using var streams = new KafkaStreams(model, RuntimeKit.Config(cluster, "replace", RuntimeKit.TempDir()));
        var seen = new List<Exception>();
        streams.SetUncaughtExceptionHandler(e =>
        {
            lock (seen) seen.Add(e);
            return StreamsUncaughtExceptionResponse.ReplaceThread;
        });
        await streams.StartAsync();
        await RuntimeKit.ProduceAsync(cluster, "in", [("k", "a"), ("k", "poison"), ("k", "b")]);
        var output = await RuntimeKit.ReadAsync(cluster, "out", 1, 3);
        Assert.Equal(["A", "POISON", "B"], output.Select(o => o.Value).Distinct());
        lock (seen) Assert.Single(seen);
        Assert.Single(streams.Threads);
        Assert.NotEqual(KafkaStreamsState.Error, streams.State);
    }

    [Fact]
    public async Task UncaughtExceptionHandler_Default_ShutsClientDownInError()
    {
        await using var cluster = await RuntimeKit.StartClusterAsync();
        await cluster.CreateTopicAsync("in", 1);
        await cluster.CreateTopicAsync("out", 1);
        await using var streams = new KafkaStreams(TestModel.Uppercase("in", "out", v => v == "poison"), RuntimeKit.Config(cluster, "fail", RuntimeKit.TempDir()));
        await streams.StartAsync();
        await RuntimeKit.ProduceAsync(cluster, "in", [("k", "poison")]);
        await RuntimeKit.WaitForStateAsync(streams, KafkaStreamsState.Error);
        Assert.Throws<StreamsException>(() => streams.SetUncaughtExceptionHandler(_ => StreamsUncaughtExceptionResponse.ReplaceThread));
    }

    [Fact]
    public void ClientConfigs_MainConsumer_UsesTheStreamAssignorAndStreamsSettings()
    {
        var config = new StreamsConfig { ApplicationId = "app", BootstrapServers = "b:9092", ProcessingGuarantee = "exactly_once_v2" };
        config.Extra["session.timeout.ms"] = "7000";
        config.Extra["main.consumer.session.timeout.ms"] = "8000";
        config.Extra["linger.ms"] = "3";
        var main = Streams.Runtime.ClientConfigs.Consumer(config, Streams.Runtime.ClientConfigs.ConsumerRole.Main, "c");
        Assert.Equal("stream", main["partition.assignment.strategy"]);
        Assert.Equal("app", main["group.id"]);
        Assert.Equal("false", main["enable.auto.commit"]);
        Assert.Equal("read_committed", main["isolation.level"]);
        Assert.Equal("8000", main["session.timeout.ms"]);
        Assert.False(main.ContainsKey("linger.ms"));
        var restore = Streams.Runtime.ClientConfigs.Consumer(config, Streams.Runtime.ClientConfigs.ConsumerRole.Restore, "r");
        Assert.False(restore.ContainsKey("group.id"));
        Assert.Equal("7000", restore["session.timeout.ms"]);
        var producer = Streams.Runtime.ClientConfigs.Producer(config, "p", "app-1-0");
        Assert.Equal("app-1-0", producer["transactional.id"]);
        Assert.Equal("3", producer["linger.ms"]);
    }

    [Fact]
    public void Balance_StickyAndBalanced()
    {
        var tasks = Enumerable.Range(0, 6).Select(p => new TaskId(0, p)).ToList();
        var previous = new Dictionary<string, HashSet<TaskId>>
        {
            ["a"] = [.. tasks],
        };
        var two = Streams.Runtime.StreamsPartitionAssignor.Balance(tasks, ["a", "b"], previous);
        Assert.Equal(3, two["a"].Count);
        Assert.Equal(3, two["b"].Count);
        // A third member takes one task from each, and the first two keep the rest of theirs.
        var three = Streams.Runtime.StreamsPartitionAssignor.Balance(tasks, ["a", "b", "c"],
            new Dictionary<string, HashSet<TaskId>> { ["a"] = [.. two["a"]], ["b"] = [.. two["b"]] });
        Assert.All(three.Values, v => Assert.Equal(2, v.Count));
        Assert.Subset(two["a"].ToHashSet(), three["a"].ToHashSet());
        Assert.Subset(two["b"].ToHashSet(), three["b"].ToHashSet());
        Assert.Equal(6, three.Values.SelectMany(v => v).Distinct().Count());
    }
}
