namespace Samsa.Streams.State.Internals;

/// <summary>Argument checks shared by stores, suppliers and builders (Kafka's messages where it has them).</summary>
internal static class StoreArguments
{
    /// <summary>Store names name files and topics: non-empty, no path separators.</summary>
    public static void RequireName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0) throw new ArgumentException("A store name cannot be empty.", nameof(name));
        if (name.IndexOfAny(['/', '\\']) >= 0 || name is "." or "..")
            throw new ArgumentException($"Store name '{name}' must not contain path separators.", nameof(name));
    }

    /// <summary>Milliseconds of a non-negative duration.</summary>
    public static long NonNegativeMs(TimeSpan value, string paramName)
    {
        if (value < TimeSpan.Zero) throw new ArgumentException($"{paramName} cannot be negative.", paramName);
        return (long)value.TotalMilliseconds;
    }

    /// <summary>The changelog topic Kafka Streams uses for a store; also the topic passed to serdes.</summary>
    public static string ChangelogTopic(string applicationId, string storeName) => $"{applicationId}-{storeName}-changelog";
}
