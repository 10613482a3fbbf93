using Samsa.SchemaRegistry.Avro;

namespace Samsa.SchemaRegistry.Tests.Specific;

/// <summary>Sample values and their hand-built generic equivalents.</summary>
internal static class SpecificSamples
{
    public static AllTypes Full() => new()
    {
        Flag = true,
        Int = -123456,
        Long = long.MinValue + 7,
        Float = 3.25f,
        Double = -1e300,
        Text = "héllo ✓",
        Data = [0, 1, 254, 255],
        Id = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"),
        Micros = new DateTime(2024, 2, 29, 13, 14, 15, DateTimeKind.Utc).AddTicks(1230),
        Millis = new DateTime(1969, 12, 31, 23, 59, 59, 999, DateTimeKind.Utc),
        Offset = new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(40),
        Day = new DateOnly(1901, 7, 4),
        Time = new TimeOnly(23, 59, 59).Add(TimeSpan.FromTicks(9990)),
        TimeMs = new TimeOnly(1, 2, 3, 456),
        Price = -12345678.91m,
        DefaultDecimal = 123456789012345.12345678901234m,
        Suit = Suit.Clubs,
        Home = new Address { Street = "Main", Number = 7 },
        Work = new Address { Street = "Dock", Number = null },
        MaybeInt = -1,
        MaybeText = null,
        Tags = ["a", "", "ccc"],
        Numbers = [1, -1, int.MaxValue],
        Addresses = [new Address { Street = "x" }, new Address { Street = "y", Number = 0 }],
        Counters = new Dictionary<string, long> { ["one"] = 1, ["big"] = long.MaxValue },
        Labels = new Dictionary<string, string?> { ["k"] = "v", ["n"] = null },
        Sparse = [1, null, 3],
        Original = "orig",
        Ignored = "not written",
    };

    public static AllTypes Minimal() => new() { Addresses = [], Home = new Address() };

    public static GenericRecord ToGeneric(AllTypes a, RecordSchema s)
    {
        var address = (RecordSchema)((RecordSchema)s).Fields.Single(f => f.Name == "Home").Schema;
        var suit = (EnumSchema)s.Fields.Single(f => f.Name == "Suit").Schema;
        GenericRecord Addr(Address x) => new(address) { ["Street"] = x.Street, ["Number"] = x.Number };
        return new GenericRecord(s)
        {
            ["Flag"] = a.Flag,
            ["Int"] = a.Int,
            ["Long"] = a.Long,
            ["Float"] = a.Float,
            ["Double"] = a.Double,
            ["Text"] = a.Text,
            ["Data"] = a.Data,
            ["Id"] = a.Id,
            ["Micros"] = a.Micros,
            ["Millis"] = a.Millis,
            ["Offset"] = a.Offset,
            ["Day"] = a.Day,
            ["Time"] = a.Time,
            ["TimeMs"] = a.TimeMs,
            ["Price"] = a.Price,
            ["DefaultDecimal"] = a.DefaultDecimal,
            ["Suit"] = new GenericEnum(suit, a.Suit.ToString()),
            ["Home"] = Addr(a.Home),
            ["Work"] = a.Work is null ? null : Addr(a.Work),
            ["MaybeInt"] = a.MaybeInt,
            ["MaybeText"] = a.MaybeText,
            ["Tags"] = a.Tags.Cast<object?>().ToList(),
            ["Numbers"] = a.Numbers.Cast<object?>().ToList(),
            ["Addresses"] = a.Addresses.Select(x => (object?)Addr(x)).ToList(),
            ["Counters"] = a.Counters.ToDictionary(kv => kv.Key, kv => (object?)kv.Value),
            ["Labels"] = a.Labels.ToDictionary(kv => kv.Key, kv => (object?)kv.Value),
            ["Sparse"] = a.Sparse.Cast<object?>().ToList(),
            ["renamed"] = a.Original,
        };
    }

    public static void AssertEqual(AllTypes expected, AllTypes actual)
    {
        Assert.Equal(expected.Flag, actual.Flag);
        Assert.Equal(expected.Int, actual.Int);
        Assert.Equal(expected.Long, actual.Long);
        Assert.Equal(expected.Float, actual.Float);
        Assert.Equal(expected.Double, actual.Double);
        Assert.Equal(expected.Text, actual.Text);
        Assert.Equal(expected.Data, actual.Data);
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.Micros, actual.Micros);
        Assert.Equal(DateTimeKind.Utc, actual.Micros.Kind);
        Assert.Equal(expected.Millis, actual.Millis);
        Assert.Equal(expected.Offset, actual.Offset);
        Assert.Equal(expected.Day, actual.Day);
        Assert.Equal(expected.Time, actual.Time);
        Assert.Equal(expected.TimeMs, actual.TimeMs);
        Assert.Equal(expected.Price, actual.Price);
        Assert.Equal(expected.DefaultDecimal, actual.DefaultDecimal);
        Assert.Equal(expected.Suit, actual.Suit);
        AssertAddress(expected.Home, actual.Home);
        if (expected.Work is null)
        {
            Assert.Null(actual.Work);
        }
        else
        {
            AssertAddress(expected.Work, actual.Work!);
        }

        Assert.Equal(expected.MaybeInt, actual.MaybeInt);
        Assert.Equal(expected.MaybeText, actual.MaybeText);
        Assert.Equal(expected.Tags, actual.Tags);
        Assert.Equal(expected.Numbers, actual.Numbers);
        Assert.Equal(expected.Addresses.Count, actual.Addresses.Count);
        for (var i = 0; i < expected.Addresses.Count; i++)
        {
            AssertAddress(expected.Addresses[i], actual.Addresses[i]);
        }

        Assert.Equal(expected.Counters, actual.Counters);
        Assert.Equal(expected.Labels.OrderBy(kv => kv.Key), actual.Labels.OrderBy(kv => kv.Key));
        Assert.Equal(expected.Sparse, actual.Sparse);
        Assert.Equal(expected.Original, actual.Original);
        Assert.Equal("", actual.Ignored);
    }

    private static void AssertAddress(Address expected, Address actual)
    {
        Assert.Equal(expected.Street, actual.Street);
        Assert.Equal(expected.Number, actual.Number);
    }
}
