using Samsa.Streams.Kstream;
using Samsa.Streams.Testing;
using static Samsa.Streams.Tests.Dsl.DslTestSupport;

namespace Samsa.Streams.Tests.Dsl;

public sealed class StreamStreamJoinTests
{
    private static readonly JoinWindows Windows = JoinWindows.OfTimeDifferenceWithNoGrace(TimeSpan.FromMilliseconds(10));

    private static TopologyTestDriver Driver(Func<IKStream<string?, string?>, IKStream<string?, string?>, IKStream<string?, string?>> join)
    {
        var builder = new StreamsBuilder();
        join(builder.Stream<string?, string?>("L"), builder.Stream<string?, string?>("R")).To("out");
        return new TopologyTestDriver(builder.Build(), Config());
    }

    private static void PipeScenario(TopologyTestDriver driver)
    {
        var left = driver.StringInput("L");
        var right = driver.StringInput("R");
        left.PipeInput("a", "l1", 0);
        right.PipeInput("a", "r1", 5);
        right.PipeInput("a", "r2", 20);
        left.PipeInput("a", "l2", 15);
        left.PipeInput("b", "l3", 21);
        left.PipeInput("a", "l4", 40);
    }

    private static string J(string? l, string? r) => (l ?? "null") + "+" + (r ?? "null");

    [Fact]
    public void InnerJoin_JoinsWithinTheWindow_WithTheLargerTimestamp()
    {
        using var driver = Driver((l, r) => l.Join(r, (a, b) => (string?)J(a, b), Windows));
        PipeScenario(driver);
        var output = driver.StringOutput("out").ReadRecordsToList();
        Assert.Equal([("l1+r1", 5L), ("l2+r1", 15L), ("l2+r2", 20L)], output.Select(o => (o.Value!, o.Timestamp!.Value)));
    }

    [Fact]
    public void LeftJoin_EmitsUnmatchedLeftRecordsOnlyAfterTheirWindowCloses()
    {
        using var driver = Driver((l, r) => l.LeftJoin(r, (a, b) => (string?)J(a, b), Windows));
        PipeScenario(driver);
        var output = driver.StringOutput("out");
        // l1 found r1 before its window closed, so no "l1+null"; l3 (b@21) is emitted once stream time reaches 40 > 21 + 10.
        Assert.Equal([("l1+r1", 5L), ("l2+r1", 15L), ("l2+r2", 20L), ("l3+null", 21L)], output.ReadRecordsToList().Select(o => (o.Value!, o.Timestamp!.Value)));
        driver.StringInput("L").PipeInput("c", "late", 1); // out of order, its window already closed: emitted at once
        Assert.Equal(["late+null"], output.ReadValuesToList());
    }

    [Fact]
    public void OuterJoin_EmitsUnmatchedRecordsOfBothSides()
    {
        using var driver = Driver((l, r) => l.OuterJoin(r, (a, b) => (string?)J(a, b), Windows));
        PipeScenario(driver);
        driver.StringInput("R").PipeInput("d", "r9", 41);
        var output = driver.StringOutput("out");
        Assert.Equal(["l1+r1", "l2+r1", "l2+r2", "l3+null"], output.ReadValuesToList());
        driver.StringInput("L").PipeInput("z", "x", 100);
        Assert.Equal([("l4+null", 40L), ("null+r9", 41L)], output.ReadRecordsToList().Select(o => (o.Value!, o.Timestamp!.Value)));
    }

    [Fact]
    public void StreamJoin_StoresAndNames_FollowKafka()
    {
        var builder = new StreamsBuilder();
        builder.Stream<string?, string?>("L").LeftJoin(builder.Stream<string?, string?>("R"), (a, b) => a + b, Windows).To("out");
        var stores = builder.Build().Build().Subtopologies.Single().Stores.Select(s => s.Name).Order(StringComparer.Ordinal);
        Assert.Equal(["KSTREAM-JOINTHIS-0000000004-store", "KSTREAM-OUTEROTHER-0000000005-store", "KSTREAM-OUTERSHARED-0000000004-store"], stores);
    }
}
