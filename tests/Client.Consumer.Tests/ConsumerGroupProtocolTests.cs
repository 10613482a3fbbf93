using System.Collections.Concurrent;
using Samsa.Broker.Mini;
using Samsa.Client;
using Samsa.Protocol;
using Samsa.Protocol.Messages;
using Samsa.Testing;
using Xunit.Abstractions;
using CK = Confluent.Kafka;

namespace Samsa.Consumer.Tests;

/// <summary>KIP-848 membership (<c>group.protocol=consumer</c>) against Broker.Mini's ConsumerGroupHeartbeat coordinator.</summary>
public sealed class ConsumerGroupProtocolTests(ITestOutputHelper output)
{
    private static Task<MiniCluster> StartAsync() => MiniCluster.StartAsync(new MiniClusterOptions
    {
        Brokers = 1,
        BrokerConfigs =
        {
            ["offsets.topic.num.partitions"] = "3",
            ["group.initial.rebalance.delay.ms"] = "0",
            ["group.consumer.heartbeat.interval.ms"] = "200",
        },
    });

    [Fact]
    public async Task SingleMember_GetsAllPartitions_CommitsResumedByClassicSamsaAndConfluent()
    {
        await using var cluster = await StartAsync();
        await cluster.CreateTopicAsync("k1", 4);
        TestKit.ProduceWithConfluent(cluster.BootstrapServers, "k1", 4, 5);
        const string group = "k848-single";

        var log = new RebalanceLog();
        await using (var member = Kip848(cluster.BootstrapServers, group, log, "a"))
        {
            member.Subscribe(["k1"]);
            var records = await TestKit.ConsumeAsync(member, 20);
            Assert.Equal(Enumerable.Range(0, 4), member.Assignment.Select(tp => tp.Partition).Order());
            Assert.Equal(4, records.Select(r => r.Partition).Distinct().Count());
            Assert.NotEqual("", member.MemberId);
            await member.CommitAsync();
            await member.CloseAsync();
        }
        Assert.Equal([("a", "assigned", 0), ("a", "assigned", 1), ("a", "assigned", 2), ("a", "assigned", 3)], log.Events.Take(4).ToList());

        // Committed offsets belong to the group: Confluent.Kafka 1.9.3 (classic) reads what the KIP-848 member committed...
        var committed = await Task.Run(() =>
        {
            using var confluent = new CK.ConsumerBuilder<byte[], byte[]>(new CK.ConsumerConfig { BootstrapServers = cluster.BootstrapServers, GroupId = group }).Build();
            return confluent.Committed(Enumerable.Range(0, 4).Select(p => new CK.TopicPartition("k1", p)), TestKit.Guard);
        });
        Assert.All(committed, c => Assert.Equal(5, c.Offset.Value));

        // ...and a classic Samsa consumer joins the now empty group and resumes after them.
        TestKit.ProduceWithConfluent(cluster.BootstrapServers, "k1", 4, 2);
        await using var classic = TestKit.Consumer(cluster.BootstrapServers, o =>
        {
            o.GroupId = group;
            o.AutoOffsetReset = AutoOffsetReset.Earliest;
        });
        classic.Subscribe(["k1"]);
        var resumed = await TestKit.ConsumeAsync(classic, 8);
        Assert.All(resumed, r => Assert.InRange(r.Offset, 5, 6));
    }

    [Fact]
    public async Task SecondMemberJoinsThenFirstLeaves_PartitionsMoveWithRevokeBeforeAssign()
    {
        await using var cluster = await StartAsync();
        await cluster.CreateTopicAsync("k2", 6);
        var log = new RebalanceLog();
        await using var a = Kip848(cluster.BootstrapServers, "k848-split", log, "a");
        a.Subscribe(["k2"]);
        await WaitUntilAsync(() => a.Assignment.Count == 6);

        await using var b = Kip848(cluster.BootstrapServers, "k848-split", log, "b");
        b.Subscribe(["k2"]);
        await WaitUntilAsync(() => a.Assignment.Count == 3 && b.Assignment.Count == 3);
        Assert.Empty(a.Assignment.Intersect(b.Assignment));
        log.AssertNeverOwnedTwice();
        Assert.Equal(3, log.Events.Count(e => e.Member == "a" && e.Kind == "revoked"));

        await a.CloseAsync();
        await WaitUntilAsync(() => b.Assignment.Count == 6);
        log.AssertNeverOwnedTwice();
    }

    [Fact]
    public async Task RangeRemoteAssignor_SplitsContiguousRanges()
    {
        await using var cluster = await StartAsync();
        await cluster.CreateTopicAsync("k3", 4);
        var log = new RebalanceLog();
        await using var a = Kip848(cluster.BootstrapServers, "k848-range", log, "a", o => o.GroupRemoteAssignor = "range");
        await using var b = Kip848(cluster.BootstrapServers, "k848-range", log, "b", o => o.GroupRemoteAssignor = "range");
        a.Subscribe(["k3"]);
        b.Subscribe(["k3"]);
        await WaitUntilAsync(() => a.Assignment.Count == 2 && b.Assignment.Count == 2);
        // The range assignor gives the member with the smaller id partitions 0-1 and the other 2-3.
        var (first, second) = string.CompareOrdinal(a.MemberId, b.MemberId) < 0 ? (a, b) : (b, a);
        Assert.Equal([0, 1], first.Assignment.Select(tp => tp.Partition).Order());
        Assert.Equal([2, 3], second.Assignment.Select(tp => tp.Partition).Order());
        log.AssertNeverOwnedTwice();
    }

    [Fact]
    public async Task FencedMemberEpoch_PartitionsLost_RejoinsAndKeepsConsuming()
    {
        await using var cluster = await StartAsync();
        await cluster.CreateTopicAsync("k4", 2);
        TestKit.ProduceWithConfluent(cluster.BootstrapServers, "k4", 2, 3);
        int fenced = 0;
        using var inject = cluster.Intercept(ApiKey.ConsumerGroupHeartbeat, null, (request, _) =>
        {
            var heartbeat = (ConsumerGroupHeartbeatRequest)request.Body;
            if (heartbeat.MemberEpoch > 0 && Interlocked.CompareExchange(ref fenced, 1, 0) == 0)
                return ValueTask.FromResult(InterceptResult.Respond(new ConsumerGroupHeartbeatResponse { ErrorCode = (short)ErrorCode.FencedMemberEpoch, MemberEpoch = -1 }));
            return ValueTask.FromResult(InterceptResult.Continue);
        });
        var log = new RebalanceLog();
        await using var member = Kip848(cluster.BootstrapServers, "k848-fenced", log, "a");
        member.Subscribe(["k4"]);
        await WaitUntilAsync(() => log.Events.Count(e => e.Kind == "lost") == 2 && member.Assignment.Count == 2);
        string memberId = member.MemberId;
        var kinds = log.Events.Select(e => e.Kind).ToList();
        Assert.Equal(["assigned", "assigned", "lost", "lost", "assigned", "assigned"], kinds);
        Assert.Equal(memberId, member.MemberId);

        var records = await TestKit.ConsumeAsync(member, 6);
        Assert.Equal(6, records.Select(r => (r.Partition, r.Offset)).Distinct().Count());
        await member.CommitAsync(); // The new member epoch is accepted by OffsetCommit v9.
    }

    [Fact]
    public async Task MaxPollIntervalExceeded_LeavesTellsAppAndRejoins()
    {
        await using var cluster = await StartAsync();
        await cluster.CreateTopicAsync("k5", 1);
        TestKit.ProduceWithConfluent(cluster.BootstrapServers, "k5", 1, 3);
        var log = new RebalanceLog();
        await using var member = Kip848(cluster.BootstrapServers, "k848-poll", log, "a", o => o.MaxPollIntervalMs = 1_000);
        member.Subscribe(["k5"]);
        await TestKit.ConsumeAsync(member, 2);
        await member.CommitAsync();
        // The application stops calling consume: the member leaves and reports its partition lost.
        await WaitUntilAsync(() => log.Events.Any(e => e.Kind == "lost"));
        Assert.Empty(member.Assignment);
        await Assert.ThrowsAsync<MaxPollIntervalExceededException>(async () => await TestKit.ConsumeAsync(member, 1));
        var next = await TestKit.ConsumeAsync(member, 1); // nothing may stall here: the app must keep consuming
        Assert.Equal(["assigned", "lost", "assigned"], log.Events.Select(e => e.Kind));
        Assert.Single(member.Assignment);
        Assert.Equal(2, next[0].Offset); // resumed from the commit made before the stall
    }

    [Fact]
    public async Task StaticMember_RestartsWithSameInstanceId_GetsItsPartitionsBack()
    {
        await using var cluster = await StartAsync();
        await cluster.CreateTopicAsync("k6", 2);
        var log = new RebalanceLog();
        await using (var first = Kip848(cluster.BootstrapServers, "k848-static", log, "a", o => o.GroupInstanceId = "instance-1"))
        {
            first.Subscribe(["k6"]);
            await WaitUntilAsync(() => first.Assignment.Count == 2);
        }
        // The first closed with epoch -2 (a temporary leave); the same instance id takes its place and partitions.
        await using var second = Kip848(cluster.BootstrapServers, "k848-static", log, "b", o => o.GroupInstanceId = "instance-1");
        second.Subscribe(["k6"]);
        await WaitUntilAsync(() => second.Assignment.Count == 2);
    }

    [PeerFact("librdkafka")]
    public async Task BrokerWithoutConsumerGroupHeartbeat_ConsumeThrowsUnsupportedVersion()
    {
        using var mock = new LibrdkafkaMockCluster(1);
        mock.CreateTopic("k7", 1);
        await using var member = TestKit.Consumer(mock.BootstrapServers, o =>
        {
            o.GroupId = "k848-old-broker";
            o.GroupProtocol = GroupProtocol.Consumer;
        });
        member.Subscribe(["k7"]);
        var error = await Assert.ThrowsAsync<UnsupportedVersionException>(async () => await TestKit.ConsumeAsync(member, 1));
        Assert.Equal(ApiKey.ConsumerGroupHeartbeat, error.ApiKey);
        Assert.Contains("group.protocol=classic", error.Message);
    }

    [Theory]
    [InlineData("session.timeout.ms", "30000")]
    [InlineData("heartbeat.interval.ms", "1000")]
    [InlineData("partition.assignment.strategy", "range")]
    public void ClassicOnlyOption_WithConsumerProtocol_IsRejected(string key, string value)
    {
        var options = new ConsumerOptions { BootstrapServers = "localhost:9092", GroupId = "g" };
        KafkaConfigBinder.Bind(options, new Dictionary<string, string?> { ["group.protocol"] = "consumer", [key] = value });
        var error = Assert.Throws<ConsumerConfigException>(options.Validate);
        Assert.Equal(key, error.Key);
        options.GroupProtocol = GroupProtocol.Classic;
        options.Validate();
    }

    [Fact]
    public void RemoteAssignor_WithClassicProtocol_IsRejected_AndBindsWithConsumerProtocol()
    {
        var options = new ConsumerOptions { BootstrapServers = "localhost:9092", GroupId = "g" };
        KafkaConfigBinder.Bind(options, new Dictionary<string, string?> { ["group.remote.assignor"] = "range" });
        Assert.Equal("group.remote.assignor", Assert.Throws<ConsumerConfigException>(options.Validate).Key);
        KafkaConfigBinder.Bind(options, new Dictionary<string, string?> { ["group.protocol"] = "consumer" });
        Assert.Equal(GroupProtocol.Consumer, options.GroupProtocol);
        options.Validate();
    }

    private KafkaConsumer<string?, string?> Kip848(string bootstrap, string group, RebalanceLog log, string name, Action<ConsumerOptions>? configure = null) =>
        TestKit.Consumer(bootstrap, o =>
        {
            o.GroupId = group;
            o.GroupProtocol = GroupProtocol.Consumer;
            o.AutoOffsetReset = AutoOffsetReset.Earliest;
            o.EnableAutoCommit = false;
            configure?.Invoke(o);
        }, log.Handlers(name), new TestLoggerProvider(output));

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TestKit.Guard;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The group did not reach the expected state.");
            await Task.Delay(50);
        }
    }

    /// <summary>Every rebalance callback of every member, in the order they ran.</summary>
    private sealed class RebalanceLog
    {
        private readonly object _sync = new();
        private readonly List<(string Member, string Kind, int Partition)> _events = new();

        public IReadOnlyList<(string Member, string Kind, int Partition)> Events
        {
            get
            {
                lock (_sync) return [.. _events];
            }
        }

        public RebalanceHandlers Handlers(string member) => new()
        {
            Assigned = parts => Record(member, "assigned", parts),
            Revoked = parts => Record(member, "revoked", parts),
            Lost = parts => Record(member, "lost", parts),
        };

        /// <summary>Replays the log: a partition is assigned to a member only after every other owner reported it revoked or lost.</summary>
        public void AssertNeverOwnedTwice()
        {
            var owner = new Dictionary<int, string>();
            foreach (var (member, kind, partition) in Events)
            {
                if (kind == "assigned")
                {
                    Assert.False(owner.TryGetValue(partition, out var current) && current != member, $"Partition {partition} assigned to {member} while {current} owned it.");
                    owner[partition] = member;
                }
                else
                {
                    Assert.Equal(member, owner.GetValueOrDefault(partition));
                    owner.Remove(partition);
                }
            }
        }

        private ValueTask Record(string member, string kind, IReadOnlyCollection<TopicPartition> parts)
        {
            lock (_sync)
            {
                foreach (var tp in parts.OrderBy(tp => tp.Partition)) _events.Add((member, kind, tp.Partition));
            }
            return ValueTask.CompletedTask;
        }
    }
}
