using Samsa.Testing;

namespace Samsa.Broker.Mini.Tests.Coordinators;

/// <summary>kafka-python consumers (and a mixed group with Confluent.Kafka) in real groups on Broker.Mini.</summary>
public sealed class PythonGroupTests
{
    private const int Partitions = 6;

    [PeerFact("python3-kafka")]
    public Task ThreePythonConsumers_Range_CoverThroughLeaveJoinAndResumeFromCommits() => ThreePythonConsumers("range");

    [PeerFact("python3-kafka")]
    public Task ThreePythonConsumers_RoundRobin_CoverThroughLeaveJoinAndResumeFromCommits() => ThreePythonConsumers("roundrobin");

    [PeerFact("python3-kafka", "librdkafka")]
    public async Task MixedGroup_PythonAndConfluentConsumers_ShareEveryPartitionOnce()
    {
        Peers.Require("python3-kafka", "librdkafka");
        await using var cluster = await MiniCluster.StartAsync(GroupKit.Options(brokers: 2));
        await cluster.CreateTopicAsync("mix", Partitions, replicationFactor: 2);
        await ConfluentGroupTests.Produce(cluster, "mix", Enumerable.Range(0, 60).Select(i => $"m{i}"));
        await using var py1 = new PythonMember(cluster.BootstrapServers, "mixed", "mix", "range");
        await using var py2 = new PythonMember(cluster.BootstrapServers, "mixed", "mix", "range");
        await using var cf = new ConfluentMember(cluster.BootstrapServers, "mixed", "mix", "range");
        await GroupKit.WaitForAsync(cluster, "mixed", s => s.IsBalancedCover(3, "mix", Partitions), "a mixed group of three");
        await ConfluentGroupTests.WaitUntil(() => py1.Consumed().Count + py2.Consumed().Count + cf.Consumed.Count >= 60, "all messages consumed");
        var all = py1.Consumed().Concat(py2.Consumed()).Concat(cf.Consumed.Select(c => c.Value)).ToList();
        Assert.Equal(60, all.Distinct().Count());
    }

    private static async Task ThreePythonConsumers(string strategy)
    {
        Peers.Require("python3-kafka");
        await using var cluster = await MiniCluster.StartAsync(GroupKit.Options(brokers: 3));
        await cluster.CreateTopicAsync("py", Partitions, replicationFactor: 2);
        string group = "py-" + strategy;
        var members = Enumerable.Range(0, 3).Select(_ => new PythonMember(cluster.BootstrapServers, group, "py", strategy)).ToList();
        try
        {
            await GroupKit.WaitForAsync(cluster, group, s => s.IsBalancedCover(3, "py", Partitions), "three python members");
            await members[0].StopAsync();
            await members[0].DisposeAsync();
            members[0] = new PythonMember(cluster.BootstrapServers, group, "py", strategy);
            await GroupKit.WaitForAsync(cluster, group, s => s.IsBalancedCover(3, "py", Partitions) && s.Generation > 2, "three members after a leave and a join");
            await ConfluentGroupTests.Produce(cluster, "py", Enumerable.Range(0, 30).Select(i => $"a{i}"));
            await ConfluentGroupTests.WaitUntil(() => Covered(members, 'a'), "the first batch consumed");
            foreach (var m in members) await m.CommitAsync();
            long committed = Enumerable.Range(0, Partitions).Sum(p => GroupKit.Committed(cluster, group, "py", p)?.Offset ?? 0);
            Assert.Equal(30, committed);
            foreach (var m in members) await m.StopAsync();

            await ConfluentGroupTests.Produce(cluster, "py", Enumerable.Range(0, 30).Select(i => $"b{i}"));
            foreach (var m in members) await m.DisposeAsync();
            members = Enumerable.Range(0, 3).Select(_ => new PythonMember(cluster.BootstrapServers, group, "py", strategy)).ToList();
            await ConfluentGroupTests.WaitUntil(() => Covered(members, 'b'), "the second batch consumed");
            Assert.All(members.SelectMany(m => m.Consumed()), v => Assert.StartsWith("b", v, StringComparison.Ordinal));
        }
        finally
        {
            foreach (var m in members) await m.DisposeAsync();
        }
    }

    /// <summary>Every one of the 30 values with <paramref name="prefix"/> was consumed by some member.</summary>
    private static bool Covered(List<PythonMember> members, char prefix) =>
        members.SelectMany(m => m.Consumed()).Where(v => v[0] == prefix).Distinct().Count() >= 30;
}
