namespace Samsa.Protocol.Messages;

/// <summary>Content equality helpers for generated messages.</summary>
public static class MessageEquality
{
    /// <summary>Compares byte arrays by content; null equals only null.</summary>
    public static bool BytesEqual(byte[]? a, byte[]? b) =>
        a is null ? b is null : b is not null && a.AsSpan().SequenceEqual(b);

    /// <summary>Compares record sets by content; null equals only null.</summary>
    public static bool RecordsEqual(ReadOnlyMemory<byte>? a, ReadOnlyMemory<byte>? b) =>
        a.HasValue ? b.HasValue && a.Value.Span.SequenceEqual(b.Value.Span) : !b.HasValue;

    /// <summary>Compares lists element by element; null equals only null.</summary>
    public static bool ListEqual<T>(List<T>? a, List<T>? b)
    {
        if (a is null || b is null) return a is null && b is null;
        if (a.Count != b.Count) return false;
        var comparer = EqualityComparer<T>.Default;
        for (int i = 0; i < a.Count; i++)
            if (!comparer.Equals(a[i], b[i])) return false;
        return true;
    }

    /// <summary>Compares unknown tagged fields; null and empty are equal.</summary>
    public static bool TaggedEqual(List<RawTaggedField>? a, List<RawTaggedField>? b)
    {
        int ca = a?.Count ?? 0, cb = b?.Count ?? 0;
        if (ca != cb) return false;
        for (int i = 0; i < ca; i++)
            if (a![i].Tag != b![i].Tag || !a[i].Data.AsSpan().SequenceEqual(b[i].Data)) return false;
        return true;
    }
}
