namespace Samsa.Streams.State.Internals;

/// <summary>Orders byte arrays by unsigned lexicographic comparison, as Kafka's <c>Bytes</c> keys are ordered.</summary>
internal sealed class BytesComparer : IComparer<byte[]>, IEqualityComparer<byte[]>
{
    /// <summary>The single instance.</summary>
    public static BytesComparer Instance { get; } = new();

    /// <inheritdoc/>
    public int Compare(byte[]? x, byte[]? y)
    {
        if (ReferenceEquals(x, y)) return 0;
        if (x is null) return -1;
        if (y is null) return 1;
        return x.AsSpan().SequenceCompareTo(y);
    }

    /// <inheritdoc/>
    public bool Equals(byte[]? x, byte[]? y) => ReferenceEquals(x, y) || (x is not null && y is not null && x.AsSpan().SequenceEqual(y));

    /// <inheritdoc/>
    public int GetHashCode(byte[] obj)
    {
        var hash = new HashCode();
        hash.AddBytes(obj);
        return hash.ToHashCode();
    }
}
