using System.Collections.Concurrent;
using Samsa.Testing;

namespace Samsa.Consumer.Tests;

/// <summary>A classic group on Broker.Mini shared by a Samsa consumer and a kafka-python 2.0.2 consumer (range assignor).</summary>
public sealed class MixedGroupWithKafkaPythonTests
{
    [PeerFact("python3-kafka")]
    public async Task MixedGroupWithKafkaPython_Range_EveryPartitionOwnedOnce_EveryRecordConsumedOnce_CommitsResumable()
    {
        Peers.Require("python3-kafka");
        const int partitions = 6, perPartition = 20;
        await using var b = await TestBroker.StartAsync("mini");
        await b.CreateTopicAsync("py", partitions);
        const string group = "mixed-python-range";

        await using var samsa = new SamsaMember("samsa", b.BootstrapServers, group, "py", "range");
        await Group.WaitBalancedAsync([samsa], partitions);
        await using var python = new KafkaPythonMember("kafka-python", b.BootstrapServers, group, "py");
        await Group.WaitBalancedAsync([samsa, python], partitions);

        // Records are written only once the group is stable, so (with no rebalance) each must be consumed exactly once.
        TestKit.ProduceWithConfluent(b.BootstrapServers, "py", partitions, perPartition);
        var deadline = DateTime.UtcNow + TestKit.Guard;
        while (samsa.Consumed.Count + python.Consumed.Count < partitions * perPartition && DateTime.UtcNow < deadline) await Task.Delay(100);

        Assert.True(Group.IsBalanced([samsa, python], partitions), "Group no longer balanced after consuming");
        Assert.NotEmpty(samsa.Owned);
        Assert.NotEmpty(python.Owned);
        Assert.Empty(samsa.Owned.Intersect(python.Owned));
        // Each member consumed only from the partitions it owns.
        Assert.All(samsa.Consumed, r => Assert.Contains(r.Partition, samsa.Owned));
        Assert.All(python.Consumed, r => Assert.Contains(r.Partition, python.Owned));

        // Commit, leave, and check that the group resumes at the end of every partition.
        await python.CommitAsync();
        await samsa.StopAsync(commit: true);
        await python.StopAsync(commit: false);
        Assert.Empty(samsa.Errors);

        var all = samsa.Consumed.Concat(python.Consumed).ToList();
        var expected = Enumerable.Range(0, partitions).SelectMany(p => Enumerable.Range(0, perPartition).Select(o => (p, (long)o)));
        Assert.Equal(expected.Order(), all.Order());

        await using var again = TestKit.Consumer(b.BootstrapServers, o => o.GroupId = group);
        var committed = await again.CommittedAsync(TestKit.Partitions("py", partitions));
        Assert.All(committed, c => Assert.Equal(perPartition, c.Offset));
    }
}

/// <summary>
/// A kafka-python consumer in its own process (the approach of Broker.Mini.Tests' PythonMember). It appends
/// <c>A p,p,...</c> whenever its assignment changes and <c>R partition offset</c> for every record to <c>events</c>;
/// commits when <c>commit</c> appears (then writes <c>committed</c>) and closes, leaving the group, when <c>stop</c> appears.
/// </summary>
internal sealed class KafkaPythonMember : IMember
{
    private const string Script = """
        import os, sys
        from kafka import KafkaConsumer
        from kafka.coordinator.assignors.range import RangePartitionAssignor
        bootstrap, group, topic, work = sys.argv[1:5]
        c = KafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=group, auto_offset_reset='earliest',
                          enable_auto_commit=False, partition_assignment_strategy=[RangePartitionAssignor],
                          session_timeout_ms=10000, heartbeat_interval_ms=500, metadata_max_age_ms=1000)
        out = open(os.path.join(work, 'events'), 'a')
        def exists(name): return os.path.exists(os.path.join(work, name))
        last = None
        committed = False
        while not exists('stop'):
            for tp, records in c.poll(timeout_ms=100).items():
                for r in records:
                    out.write('R %d %d\n' % (r.partition, r.offset))
            owned = sorted(tp.partition for tp in c.assignment())
            if owned != last:
                out.write('A ' + ','.join(str(p) for p in owned) + '\n')
                last = owned
            out.flush()
            if not committed and exists('commit'):
                c.commit()
                committed = True
                open(os.path.join(work, 'committed'), 'w').close()
        c.close()
        out.write('A \n')
        out.close()
        """;

    private readonly string _work = Directory.CreateTempSubdirectory("samsa-kafka-python-").FullName;
    private readonly Task<ProcessResult> _process;

    public KafkaPythonMember(string name, string bootstrap, string groupId, string topic)
    {
        Name = name;
        File.WriteAllText(Path.Combine(_work, "events"), "");
        _process = ProcessRunner.RunAsync(Peers.Python3, ["-c", Script, bootstrap, groupId, topic, _work], timeout: TimeSpan.FromMinutes(5));
    }

    public string Name { get; }

    public IReadOnlyCollection<int> Owned
    {
        get
        {
            var a = Lines().LastOrDefault(l => l.StartsWith('A'));
            return a is null ? [] : a[1..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(int.Parse).ToList();
        }
    }

    public ConcurrentQueue<int> Revoked { get; } = new();

    public ConcurrentQueue<(int Partition, long Offset)> Consumed =>
        new(Lines().Where(l => l.StartsWith('R')).Select(l => l.Split(' ')).Select(f => (int.Parse(f[1]), long.Parse(f[2]))));

    /// <summary>Complete lines of the events file (a line still being written is left out).</summary>
    private List<string> Lines()
    {
        using var stream = new FileStream(Path.Combine(_work, "events"), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var text = reader.ReadToEnd();
        var lines = text.Split('\n').ToList();
        lines.RemoveAt(lines.Count - 1); // empty, or a partial line
        return lines;
    }

    public async Task CommitAsync()
    {
        await File.WriteAllTextAsync(Path.Combine(_work, "commit"), "");
        var deadline = DateTime.UtcNow + TestKit.Guard;
        while (!File.Exists(Path.Combine(_work, "committed")) && !_process.IsCompleted && DateTime.UtcNow < deadline) await Task.Delay(50);
        if (!File.Exists(Path.Combine(_work, "committed")))
            Assert.Fail("The python consumer did not commit: " + (_process.IsCompleted ? (await _process).ToString() : "still running"));
    }

    public async Task StopAsync(bool commit)
    {
        if (commit) await CommitAsync();
        if (!File.Exists(Path.Combine(_work, "stop"))) await File.WriteAllTextAsync(Path.Combine(_work, "stop"), "");
        (await _process.WaitAsync(TestKit.Guard)).EnsureSuccess();
    }

    public async ValueTask DisposeAsync()
    {
        if (!Directory.Exists(_work)) return;
        if (!File.Exists(Path.Combine(_work, "stop"))) await File.WriteAllTextAsync(Path.Combine(_work, "stop"), "");
        try
        {
            await _process.WaitAsync(TestKit.Guard);
        }
        finally
        {
            Directory.Delete(_work, recursive: true);
        }
    }
}
