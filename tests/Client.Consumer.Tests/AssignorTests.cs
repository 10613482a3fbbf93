using Samsa.Consumer.Assignors;

namespace Samsa.Consumer.Tests;

public class AssignorTests
{
    private static Dictionary<string, MemberSubscription> Members(params (string Id, string[] Topics)[] members) =>
        members.ToDictionary(m => m.Id, m => new MemberSubscription(m.Id, null, m.Topics), StringComparer.Ordinal);

    private static string Show(IReadOnlyDictionary<string, List<TopicPartition>> a) =>
        string.Join(" | ", a.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + ":" + string.Join(",", kv.Value.Order())));

    [Fact]
    public void Range_TwoMembersTwoTopicsOfThree_MatchesKafkaExample()
    {
        var result = new RangeAssignor().Assign(new Dictionary<string, int> { ["t0"] = 3, ["t1"] = 3 }, Members(("C0", ["t0", "t1"]), ("C1", ["t0", "t1"])));
        Assert.Equal("C0:t0-0,t0-1,t1-0,t1-1 | C1:t0-2,t1-2", Show(result));
    }

    [Fact]
    public void RoundRobin_TwoMembersTwoTopicsOfThree_MatchesKafkaExample()
    {
        var result = new RoundRobinAssignor().Assign(new Dictionary<string, int> { ["t0"] = 3, ["t1"] = 3 }, Members(("C0", ["t0", "t1"]), ("C1", ["t0", "t1"])));
        Assert.Equal("C0:t0-0,t0-2,t1-1 | C1:t0-1,t1-0,t1-2", Show(result));
    }

    [Fact]
    public void RoundRobin_UnevenSubscriptions_SkipsUnsubscribedMembers()
    {
        // Kafka's documented example: C0 {t0}, C1 {t0,t1}, C2 {t0,t1,t2}; t0 has 1, t1 2, t2 3 partitions.
        var result = new RoundRobinAssignor().Assign(
            new Dictionary<string, int> { ["t0"] = 1, ["t1"] = 2, ["t2"] = 3 },
            Members(("C0", ["t0"]), ("C1", ["t0", "t1"]), ("C2", ["t0", "t1", "t2"])));
        Assert.Equal("C0:t0-0 | C1:t1-0 | C2:t1-1,t2-0,t2-1,t2-2", Show(result));
    }

    [Fact]
    public void MemberOrder_StaticMembersFirstByInstanceId()
    {
        var members = new Dictionary<string, MemberSubscription>
        {
            ["a"] = new("a", null, ["t"]),
            ["z"] = new("z", "instance-1", ["t"]),
        };
        var result = new RangeAssignor().Assign(new Dictionary<string, int> { ["t"] = 3 }, members);
        Assert.Equal("a:t-2 | z:t-0,t-1", Show(result));
    }

    public static IEnumerable<object[]> StickyAssignors() => [[new StickyAssignor()], [new CooperativeStickyAssignor()]];

    [Theory]
    [MemberData(nameof(StickyAssignors))]
    public void Sticky_RandomGroups_EveryPartitionOnceAndBalanced(IConsumerPartitionAssignor assignor)
    {
        var random = new Random(42);
        for (int trial = 0; trial < 200; trial++)
        {
            var topics = Enumerable.Range(0, random.Next(1, 5)).ToDictionary(t => $"t{t}", _ => random.Next(1, 20));
            int memberCount = random.Next(1, 8);
            var members = Enumerable.Range(0, memberCount).ToDictionary(m => $"m{m}", m => new MemberSubscription($"m{m}", null, topics.Keys.ToList()));
            var result = assignor.Assign(topics, members);
            var all = result.Values.SelectMany(p => p).ToList();
            Assert.Equal(topics.Values.Sum(), all.Count);
            Assert.Equal(all.Count, all.Distinct().Count());
            Assert.True(result.Values.Max(p => p.Count) - result.Values.Min(p => p.Count) <= 1, Show(result));
        }
    }

    [Fact]
    public void Sticky_MemberJoins_OthersKeepTheirPartitionsUpToQuota()
    {
        var topics = new Dictionary<string, int> { ["t"] = 12 };
        var first = new StickyAssignor().Assign(topics, Members(("a", ["t"]), ("b", ["t"]), ("c", ["t"])));
        var members = first.ToDictionary(kv => kv.Key, kv => new MemberSubscription(kv.Key, null, ["t"], StickyUserData.WriteSticky(kv.Value, 1)), StringComparer.Ordinal);
        members["d"] = new MemberSubscription("d", null, ["t"]);
        var second = new StickyAssignor().Assign(topics, members);
        foreach (var m in new[] { "a", "b", "c" })
        {
            Assert.Equal(3, second[m].Count);
            Assert.Subset(first[m].ToHashSet(), second[m].ToHashSet());
        }
        Assert.Equal(3, second["d"].Count);
    }

    [Fact]
    public void CooperativeSticky_MemberLeaves_SurvivorsKeepEverythingTheyHad()
    {
        var topics = new Dictionary<string, int> { ["t"] = 9 };
        var first = new CooperativeStickyAssignor().Assign(topics, Members(("a", ["t"]), ("b", ["t"]), ("c", ["t"])));
        var survivors = new[] { "a", "b" }.ToDictionary(m => m, m => new MemberSubscription(m, null, ["t"], StickyUserData.WriteCooperative(1), first[m], 1), StringComparer.Ordinal);
        var second = new CooperativeStickyAssignor().Assign(topics, survivors).ToDictionary(kv => kv.Key, kv => kv.Value.ToList());
        Assert.Subset(second["a"].ToHashSet(), first["a"].ToHashSet());
        Assert.Subset(second["b"].ToHashSet(), first["b"].ToHashSet());
        Assert.Equal(9, second["a"].Count + second["b"].Count);
        Assert.False(CooperativeAssignment.WithholdMovingPartitions(second, survivors)); // nothing moves away from a survivor
    }

    [Fact]
    public void Cooperative_MemberJoins_MovingPartitionsWithheldUntilRevoked()
    {
        var topics = new Dictionary<string, int> { ["t"] = 4 };
        var owned = new Dictionary<string, List<TopicPartition>> { ["a"] = [new("t", 0), new("t", 1), new("t", 2), new("t", 3)] };
        var members = new Dictionary<string, MemberSubscription>(StringComparer.Ordinal)
        {
            ["a"] = new("a", null, ["t"], null, owned["a"], 3),
            ["b"] = new("b", null, ["t"], null, [], -1),
        };
        var target = new CooperativeStickyAssignor().Assign(topics, members).ToDictionary(kv => kv.Key, kv => kv.Value.ToList());
        Assert.Equal(2, target["b"].Count);
        Assert.True(CooperativeAssignment.WithholdMovingPartitions(target, members));
        Assert.Empty(target["b"]);            // b waits for the follow-up rebalance
        Assert.Equal(2, target["a"].Count);   // a keeps two and revokes the other two
    }

    [Fact]
    public void StickyUserData_V1_GoldenBytesAndRoundTrip()
    {
        var bytes = StickyUserData.WriteSticky([new("t", 1), new("t", 0)], 5);
        byte[] expected =
        [
            0, 0, 0, 1,            // one topic
            0, 1, (byte)'t',       // topic "t" (int16 length)
            0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1, // partitions [0, 1]
            0, 0, 0, 5,            // generation 5
        ];
        Assert.Equal(expected, bytes);
        Assert.True(StickyUserData.TryReadSticky(bytes, out var owned, out int generation));
        Assert.Equal([new TopicPartition("t", 0), new TopicPartition("t", 1)], owned);
        Assert.Equal(5, generation);
        Assert.False(StickyUserData.TryReadSticky([0xFF, 0xFF, 0xFF], out _, out _));
        Assert.Equal(7, StickyUserData.ReadCooperativeGeneration(StickyUserData.WriteCooperative(7)));
    }
}
