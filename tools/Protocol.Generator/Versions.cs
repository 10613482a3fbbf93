namespace Samsa.Protocol.Generator;

/// <summary>An inclusive version range from the spec ("0+", "3-5", "2", "none").</summary>
internal readonly record struct Versions(short Low, short High)
{
    public static readonly Versions None = new(1, 0);
    public static readonly Versions All = new(0, short.MaxValue);

    public bool IsEmpty => Low > High;

    public bool Contains(short v) => v >= Low && v <= High;

    public static Versions Parse(string? text, Versions fallback)
    {
        if (string.IsNullOrWhiteSpace(text)) return fallback;
        text = text.Trim();
        if (text == "none") return None;
        if (text.EndsWith('+')) return new(short.Parse(text[..^1]), short.MaxValue);
        int dash = text.IndexOf('-');
        if (dash > 0) return new(short.Parse(text[..dash]), short.Parse(text[(dash + 1)..]));
        var v = short.Parse(text);
        return new(v, v);
    }

    public Versions Intersect(Versions other) => new(Math.Max(Low, other.Low), Math.Min(High, other.High));

    /// <summary>True when every version of <paramref name="within"/> is in this range.</summary>
    public bool Covers(Versions within) => within.IsEmpty || (Low <= within.Low && High >= within.High);

    /// <summary>A C# condition over the variable <c>version</c>, simplified against the versions the code can see.</summary>
    public string Condition(Versions context)
    {
        if (IsEmpty || Intersect(context).IsEmpty) return "false";
        bool lowNeeded = Low > context.Low;
        bool highNeeded = High < context.High;
        if (!lowNeeded && !highNeeded) return "true";
        if (lowNeeded && highNeeded) return Low == High ? $"version == {Low}" : $"version >= {Low} && version <= {High}";
        return lowNeeded ? $"version >= {Low}" : $"version <= {High}";
    }

    public override string ToString() => IsEmpty ? "none" : High == short.MaxValue ? $"{Low}+" : Low == High ? $"{Low}" : $"{Low}-{High}";
}
