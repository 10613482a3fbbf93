using Samsa.Testing;

namespace Samsa.Broker.Mini.Tests.Coordinators;

/// <summary>
/// A kafka-python consumer in its own process. The test steers it through files in a scratch directory: it appends
/// every consumed value to <c>consumed</c>, commits when <c>commit</c> appears (then writes <c>committed</c>), and
/// closes (leaving the group) when <c>stop</c> appears.
/// </summary>
internal sealed class PythonMember : IAsyncDisposable
{
    private const string Script = """
        import os, sys, time
        from kafka import KafkaConsumer
        from kafka.coordinator.assignors.range import RangePartitionAssignor
        from kafka.coordinator.assignors.roundrobin import RoundRobinPartitionAssignor
        bootstrap, group, topic, strategy, work = sys.argv[1:6]
        assignor = RangePartitionAssignor if strategy == 'range' else RoundRobinPartitionAssignor
        c = KafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=group, auto_offset_reset='earliest',
                          enable_auto_commit=False, partition_assignment_strategy=[assignor],
                          session_timeout_ms=10000, heartbeat_interval_ms=500, metadata_max_age_ms=1000)
        out = open(os.path.join(work, 'consumed'), 'a')
        committed = False
        while not os.path.exists(os.path.join(work, 'stop')):
            for tp, records in c.poll(timeout_ms=100).items():
                for r in records:
                    out.write(r.value.decode() + '\n')
                out.flush()
            if not committed and os.path.exists(os.path.join(work, 'commit')):
                c.commit()
                committed = True
                open(os.path.join(work, 'committed'), 'w').close()
        c.close()
        """;

    private readonly string _work = Directory.CreateTempSubdirectory("samsa-py-member-").FullName;
    private readonly Task<ProcessResult> _process;

    public PythonMember(string bootstrap, string groupId, string topic, string strategy)
    {
        File.WriteAllText(Path.Combine(_work, "consumed"), "");
        _process = ProcessRunner.RunAsync(Peers.Python3, ["-c", Script, bootstrap, groupId, topic, strategy, _work], timeout: TimeSpan.FromMinutes(5));
    }

    public IReadOnlyList<string> Consumed()
    {
        using var stream = new FileStream(Path.Combine(_work, "consumed"), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    public async Task CommitAsync()
    {
        await File.WriteAllTextAsync(Path.Combine(_work, "commit"), "");
        await ConfluentGroupTests.WaitUntil(() => File.Exists(Path.Combine(_work, "committed")) || _process.IsCompleted, "the python consumer to commit");
        if (!File.Exists(Path.Combine(_work, "committed"))) Assert.Fail("The python consumer exited without committing: " + await _process);
    }

    public async Task StopAsync()
    {
        await File.WriteAllTextAsync(Path.Combine(_work, "stop"), "");
        (await _process.WaitAsync(GroupKit.Guard)).EnsureSuccess();
    }

    public async ValueTask DisposeAsync()
    {
        if (!Directory.Exists(_work)) return;
        if (!File.Exists(Path.Combine(_work, "stop"))) await File.WriteAllTextAsync(Path.Combine(_work, "stop"), "");
        try
        {
            await _process.WaitAsync(GroupKit.Guard);
        }
        finally
        {
            Directory.Delete(_work, recursive: true);
        }
    }
}
