using Samsa.SchemaRegistry.Avro.Specific;

namespace Samsa.SchemaRegistry.Tests.Specific;

public enum Suit
{
    Hearts,
    Spades,
    Clubs,
    Diamonds,
}

[AvroRecord(Namespace = "samsa.test")]
public partial class Address
{
    public string Street { get; set; } = "";

    public int? Number { get; set; }
}

[AvroRecord(Namespace = "samsa.test", Name = "Everything", Doc = "every supported member type")]
public partial class AllTypes
{
    public bool Flag { get; set; }

    public int Int { get; set; }

    public long Long { get; set; }

    public float Float { get; set; }

    public double Double { get; set; }

    public string Text = "";

    public byte[] Data { get; set; } = [];

    public Guid Id { get; set; }

    public DateTime Micros { get; set; }

    [AvroField(TimePrecision = AvroTimePrecision.Millis)]
    public DateTime Millis { get; set; }

    public DateTimeOffset Offset { get; set; }

    public DateOnly Day { get; set; }

    public TimeOnly Time { get; set; }

    [AvroField(TimePrecision = AvroTimePrecision.Millis)]
    public TimeOnly TimeMs { get; set; }

    [AvroDecimal(10, 2)]
    public decimal Price { get; set; }

    public decimal DefaultDecimal { get; set; }

    public Suit Suit { get; set; }

    public Address Home { get; set; } = new();

    public Address? Work { get; set; }

    public int? MaybeInt { get; set; }

    public string? MaybeText { get; set; }

    public List<string> Tags { get; set; } = [];

    public int[] Numbers { get; set; } = [];

    public IReadOnlyList<Address> Addresses { get; set; } = [];

    public Dictionary<string, long> Counters { get; set; } = [];

    public IDictionary<string, string?> Labels { get; set; } = new Dictionary<string, string?>();

    public List<int?> Sparse { get; set; } = [];

    [AvroField(Name = "renamed", Doc = "was Original")]
    public string Original { get; set; } = "";

    [AvroIgnore]
    public string Ignored { get; set; } = "";

    public int Computed => Int * 2;
}

[AvroRecord(Namespace = "samsa.test")]
public partial record Trade(string Symbol, long Quantity, [AvroDecimal(18, 4)] decimal Price, DateTime At)
{
    public Suit? Side { get; init; }
}

[AvroRecord(Namespace = "samsa.test")]
public partial record Node
{
    public string Name { get; init; } = "";

    public List<Node> Children { get; init; } = [];
}
