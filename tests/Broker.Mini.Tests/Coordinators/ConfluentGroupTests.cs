using Confluent.Kafka;
using Samsa.Testing;

namespace Samsa.Broker.Mini.Tests.Coordinators;

/// <summary>Real Confluent.Kafka 1.9.3 (librdkafka) consumers in real groups on a socket-hosted Broker.Mini.</summary>
public sealed class ConfluentGroupTests
{
    private const int Partitions = 6;

    [PeerFact("librdkafka")]
    public Task ThreeConsumers_Range_EveryPartitionOwnedOnceThroughLeaveAndJoin() => ThreeConsumers("range");

    [PeerFact("librdkafka")]
    public Task ThreeConsumers_RoundRobin_EveryPartitionOwnedOnceThroughLeaveAndJoin() => ThreeConsumers("roundrobin");

    [PeerFact("librdkafka")]
    public Task ThreeConsumers_CooperativeSticky_EveryPartitionOwnedOnceThroughLeaveAndJoin() => ThreeConsumers("cooperative-sticky");

    private static async Task ThreeConsumers(string strategy)
    {
        Peers.Require("librdkafka");
        await using var cluster = await MiniCluster.StartAsync(GroupKit.Options(brokers: 3));
        await cluster.CreateTopicAsync("t", Partitions, replicationFactor: 2);
        string group = "g-" + strategy;
        var members = new List<ConfluentMember>();
        try
        {
            for (int i = 0; i < 3; i++) members.Add(new ConfluentMember(cluster.BootstrapServers, group, "t", strategy));
            await GroupKit.WaitForAsync(cluster, group, s => s.IsBalancedCover(3, "t", Partitions), "three members to share six partitions");

            await members[0].StopAsync();
            members.RemoveAt(0);
            await GroupKit.WaitForAsync(cluster, group, s => s.IsBalancedCover(2, "t", Partitions), "two members after one left");

            members.Add(new ConfluentMember(cluster.BootstrapServers, group, "t", strategy));
            await GroupKit.WaitForAsync(cluster, group, s => s.IsBalancedCover(3, "t", Partitions), "three members after one joined");

            await Produce(cluster, "t", Enumerable.Range(0, 60).Select(i => $"m{i}"));
            await WaitUntil(() => members.Sum(m => m.Consumed.Count) >= 60, "every message consumed");
            var values = members.SelectMany(m => m.Consumed.Select(c => c.Value)).ToList();
            Assert.Equal(60, values.Distinct().Count());
        }
        finally
        {
            foreach (var m in members) await m.DisposeAsync();
        }
    }

    [PeerFact("librdkafka")]
    public async Task CommittedOffsets_EveryMemberRestarts_ResumeAfterLastCommit()
    {
        Peers.Require("librdkafka");
        await using var cluster = await MiniCluster.StartAsync(GroupKit.Options(brokers: 3));
        await cluster.CreateTopicAsync("r", Partitions, replicationFactor: 3);
        await ProduceEvenly(cluster, "r", "a");
        var first = Enumerable.Range(0, 3).Select(_ => new ConfluentMember(cluster.BootstrapServers, "resume", "r", "range")).ToList();
        await WaitUntil(() => first.Sum(m => m.Consumed.Count) >= 30, "the first batch consumed");
        await Task.WhenAll(first.Select(m => m.CommitAsync()));
        for (int p = 0; p < Partitions; p++) Assert.Equal(5, GroupKit.Committed(cluster, "resume", "r", p)?.Offset);
        foreach (var m in first) await m.StopAsync();
        await GroupKit.WaitForAsync(cluster, "resume", s => s.State == "Empty", "the group to empty");

        await ProduceEvenly(cluster, "r", "b");
        var second = Enumerable.Range(0, 3).Select(_ => new ConfluentMember(cluster.BootstrapServers, "resume", "r", "range")).ToList();
        try
        {
            await WaitUntil(() => second.Sum(m => m.Consumed.Count) >= 30, "the second batch consumed");
            var again = second.SelectMany(m => m.Consumed.Select(c => c.Value)).ToList();
            Assert.All(again, v => Assert.StartsWith("b", v, StringComparison.Ordinal));
            Assert.Equal(30, again.Distinct().Count());
        }
        finally
        {
            foreach (var m in second) await m.DisposeAsync();
        }
    }

    [PeerFact("librdkafka")]
    public async Task StaticMember_RestartsWithinSessionTimeout_GetsSamePartitionsWithoutRebalance()
    {
        Peers.Require("librdkafka");
        await using var cluster = await MiniCluster.StartAsync(GroupKit.Options());
        await cluster.CreateTopicAsync("s", Partitions);
        var members = Enumerable.Range(0, 3)
            .Select(i => new ConfluentMember(cluster.BootstrapServers, "static", "s", "range", instanceId: $"instance-{i}", sessionTimeoutMs: 60_000)).ToList();
        try
        {
            var before = await GroupKit.WaitForAsync(cluster, "static", s => s.IsBalancedCover(3, "s", Partitions), "three static members");
            string oldId = StaticMemberId(cluster, "static", "instance-1");
            await members[1].StopAsync();
            members[1] = new ConfluentMember(cluster.BootstrapServers, "static", "s", "range", instanceId: "instance-1", sessionTimeoutMs: 60_000);
            var after = await GroupKit.WaitForAsync(cluster, "static",
                s => s.IsBalancedCover(3, "s", Partitions) && StaticMemberId(cluster, "static", "instance-1") != oldId, "the static member to come back");
            Assert.Equal(before.Generation, after.Generation);
            Assert.Equal(before.Assignments[oldId], after.Assignments[StaticMemberId(cluster, "static", "instance-1")]);
        }
        finally
        {
            foreach (var m in members) await m.DisposeAsync();
        }
    }

    private static string StaticMemberId(MiniCluster cluster, string group, string instance)
    {
        lock (cluster.State.Sync) return cluster.State.GroupCoordinator.Find(group)!.StaticMembers[instance];
    }

    internal static async Task Produce(MiniCluster cluster, string topic, IEnumerable<string> values)
    {
        using var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers, LingerMs = 5 }).Build();
        foreach (var v in values) producer.Produce(topic, new Message<Null, string> { Value = v });
        Assert.Equal(0, producer.Flush(GroupKit.Guard));
        await Task.CompletedTask;
    }

    /// <summary>Five messages to each of the six partitions.</summary>
    private static async Task ProduceEvenly(MiniCluster cluster, string topic, string prefix)
    {
        using var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers, LingerMs = 5 }).Build();
        for (int i = 0; i < 30; i++) producer.Produce(new TopicPartition(topic, i % Partitions), new Message<Null, string> { Value = $"{prefix}{i}" });
        Assert.Equal(0, producer.Flush(GroupKit.Guard));
        await Task.CompletedTask;
    }

    internal static async Task WaitUntil(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + GroupKit.Guard;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"Timed out waiting for {what}.");
            await Task.Delay(100);
        }
    }
}
