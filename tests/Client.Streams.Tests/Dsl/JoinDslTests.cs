using Samsa.Streams.Kstream;
using Samsa.Streams.Testing;
using static Samsa.Streams.Tests.Dsl.DslTestSupport;

namespace Samsa.Streams.Tests.Dsl;

public sealed class JoinDslTests
{
    [Fact]
    public void StreamTableJoin_InnerAndLeft_UseTheTablesCurrentValue()
    {
        var builder = new StreamsBuilder();
        var prices = builder.Table<string?, string?>("prices");
        var orders = builder.Stream<string?, string?>("orders");
        orders.Join(prices, (qty, price) => $"{qty}x{price}").To("inner");
        orders.LeftJoin(prices, (qty, price) => $"{qty}x{price ?? "?"}").To("left");
        using var driver = new TopologyTestDriver(builder.Build(), Config());
        var priceInput = driver.StringInput("prices");
        var orderInput = driver.StringInput("orders");

        orderInput.PipeInput("a", "2", 1);
        priceInput.PipeInput("a", "10", 2);
        orderInput.PipeInput("a", "3", 3);
        priceInput.PipeInput("a", null, 4);
        orderInput.PipeInput("a", "1", 5);

        Assert.Equal(["3x10"], driver.StringOutput("inner").ReadValuesToList());
        var left = driver.StringOutput("left").ReadRecordsToList();
        Assert.Equal([("2x?", 1L), ("3x10", 3L), ("1x?", 5L)], left.Select(r => (r.Value, r.Timestamp!.Value)));
    }

    [Fact]
    public void StreamTableJoin_AfterKeyChange_RepartitionsTheStreamSide()
    {
        var builder = new StreamsBuilder();
        var prices = builder.Table<string?, string?>("prices");
        builder.Stream<string?, string?>("orders").SelectKey<string?>((_, v) => v!.Split(':')[0]).Join(prices, (order, price) => order + "@" + price).To("out");
        var model = builder.Build().Build();
        Assert.Equal(["KSTREAM-KEY-SELECT-0000000004-repartition"], model.RepartitionTopics.Select(t => t.Name));
        using var driver = new TopologyTestDriver(builder.Build(), Config());
        driver.StringInput("prices").PipeInput("apple", "3");
        driver.StringInput("orders").PipeInput("o1", "apple:2");
        Assert.Equal([KV<string?, string?>("apple", "apple:2@3")], driver.StringOutput("out").ReadKeyValuesToList());
    }

    private static (TopologyTestDriver Driver, TestInputTopic<string?, string?> Left, TestInputTopic<string?, string?> Right) TableTable(
        Func<IKTable<string?, string?>, IKTable<string?, string?>, IKTable<string?, string?>> join)
    {
        var builder = new StreamsBuilder();
        join(builder.Table<string?, string?>("L"), builder.Table<string?, string?>("R")).ToStream().To("out");
        var driver = new TopologyTestDriver(builder.Build(), Config());
        return (driver, driver.StringInput("L"), driver.StringInput("R"));
    }

    private static void PipeScenario(TestInputTopic<string?, string?> left, TestInputTopic<string?, string?> right)
    {
        left.PipeInput("a", "1", 1);
        right.PipeInput("a", "x", 2);
        left.PipeInput("a", "2", 3);
        right.PipeInput("a", null, 4);
        left.PipeInput("a", null, 5);
    }

    [Fact]
    public void TableTableJoin_Inner()
    {
        var (driver, left, right) = TableTable((l, r) => l.Join(r, (a, b) => a + "+" + b, Materialized<string?, string?>.As("joined")));
        using (driver)
        {
            left.PipeInput("a", "1", 1);
            right.PipeInput("a", "x", 2);
            left.PipeInput("a", "2", 3);
            Assert.Equal(new Samsa.Streams.State.ValueAndTimestamp<string?>("2+x", 3), driver.GetTimestampedKeyValueStore<string?, string?>("joined")!.Get("a"));
            right.PipeInput("a", null, 4);
            left.PipeInput("a", null, 5);
            var output = driver.StringOutput("out").ReadRecordsToList();
            Assert.Equal([("1+x", 2L), ("2+x", 3L), (null, 4L)], output.Select(r => (r.Value, r.Timestamp!.Value)));
            Assert.Null(driver.GetTimestampedKeyValueStore<string?, string?>("joined")!.Get("a").Value);
        }
    }

    [Fact]
    public void TableTableJoin_Left()
    {
        var (driver, left, right) = TableTable((l, r) => l.LeftJoin(r, (a, b) => a + "+" + (b ?? "null")));
        using (driver)
        {
            PipeScenario(left, right);
            // As in Kafka without old values: deleting the left row while the right one is absent emits nothing.
            Assert.Equal(["1+null", "1+x", "2+x", "2+null"], driver.StringOutput("out").ReadValuesToList());
        }
    }

    [Fact]
    public void TableTableJoin_Outer()
    {
        var (driver, left, right) = TableTable((l, r) => l.OuterJoin(r, (a, b) => (a ?? "null") + "+" + (b ?? "null")));
        using (driver)
        {
            PipeScenario(left, right);
            Assert.Equal(["1+null", "1+x", "2+x", "2+null"], driver.StringOutput("out").ReadValuesToList());
            right.PipeInput("b", "y", 6);
            left.PipeInput("b", "3", 7);
            Assert.Equal(["null+y", "3+y"], driver.StringOutput("out").ReadValuesToList());
        }
    }

    [Fact]
    public void TableTableJoin_WithDownstreamGroupBy_SendsOldValues()
    {
        var builder = new StreamsBuilder();
        builder.Table<string?, string?>("L")
            .Join(builder.Table<string?, string?>("R"), (a, b) => a + b)
            .GroupBy((k, v) => KV<string?, string?>(v, k))
            .Count()
            .ToStream()
            .To("out", Produced<string?, long>.With(Serdes.String, Serdes.Int64));
        using var driver = new TopologyTestDriver(builder.Build(), Config());
        driver.StringInput("L").PipeInput("k", "a");
        driver.StringInput("R").PipeInput("k", "b");
        driver.StringInput("L").PipeInput("k", "c");
        // (ab)+1, then the update subtracts from "ab" and adds to "cb".
        Assert.Equal([KV<string?, long>("ab", 1), KV<string?, long>("ab", 0), KV<string?, long>("cb", 1)],
            driver.CreateOutputTopic("out", Serdes.String, Serdes.Int64).ReadKeyValuesToList());
    }

    [Fact]
    public void GlobalTableJoin_InnerAndLeft_ThroughKeySelector()
    {
        var builder = new StreamsBuilder();
        var products = builder.GlobalTable<string?, string?>("products", materialized: Materialized<string?, string?>.As("products-store"));
        var orders = builder.Stream<string?, string?>("orders");
        orders.Join(products, (_, productId) => productId, (productId, name) => $"{productId}={name}").To("inner");
        orders.LeftJoin(products, (_, productId) => productId, (productId, name) => $"{productId}={name ?? "unknown"}").To("left");
        var topology = builder.Build();
        Assert.Equal([new Internals.GlobalStoreModel("products-store", "products")], topology.Build().GlobalStores);
        using var driver = new TopologyTestDriver(topology, Config());
        driver.StringInput("products").PipeInput("p1", "pen");
        driver.StringInput("orders").PipeInput("o1", "p1");
        driver.StringInput("orders").PipeInput("o2", "p2");
        Assert.Equal([KV<string?, string?>("o1", "p1=pen")], driver.StringOutput("inner").ReadKeyValuesToList());
        Assert.Equal(["p1=pen", "p2=unknown"], driver.StringOutput("left").ReadValuesToList());
        Assert.Equal("pen", driver.GetTimestampedKeyValueStore<string?, string?>("products-store")!.Get("p1").Value);
    }

    [Fact]
    public void StreamJoin_WithDerivedTable_ReadsThroughTheFilterAndMapValues()
    {
        var builder = new StreamsBuilder();
        var table = builder.Table<string?, string?>("prices").Filter((_, v) => v != "0").MapValues(v => "$" + v);
        builder.Stream<string?, string?>("orders").Join(table, (o, p) => o + "@" + p).To("out");
        var topology = builder.Build();
        var store = Assert.Single(Assert.Single(topology.Build().Subtopologies).Stores);
        Assert.Equal("prices-STATE-STORE-0000000000", store.Name);
        Assert.Contains("Processor: KSTREAM-JOIN-0000000006 (stores: [prices-STATE-STORE-0000000000])", topology.Describe().ToString());
        using var driver = new TopologyTestDriver(topology, Config());
        driver.StringInput("prices").PipeInput("a", "3");
        driver.StringInput("prices").PipeInput("b", "0");
        driver.StringInput("orders").PipeInput("a", "o1");
        driver.StringInput("orders").PipeInput("b", "o2");
        Assert.Equal(["o1@$3"], driver.StringOutput("out").ReadValuesToList());
    }
}
