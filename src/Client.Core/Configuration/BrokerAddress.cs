namespace Samsa.Client;

/// <summary>A broker's <c>host:port</c>.</summary>
/// <param name="Host">Host name or IP literal.</param>
/// <param name="Port">TCP port.</param>
public readonly record struct BrokerAddress(string Host, int Port)
{
    /// <summary>Parses <c>host:port</c>, <c>[v6]:port</c>; throws <see cref="ArgumentException"/> when malformed.</summary>
    public static BrokerAddress Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = text.Trim();
        int colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1 || !int.TryParse(text.AsSpan(colon + 1), out int port) || port is <= 0 or > 65535)
            throw new ArgumentException($"Invalid broker address '{text}': expected host:port.", nameof(text));
        string host = text[..colon];
        if (host.StartsWith('[') && host.EndsWith(']')) host = host[1..^1];
        return new BrokerAddress(host, port);
    }

    /// <summary>Parses a comma-separated <c>bootstrap.servers</c> list.</summary>
    public static IReadOnlyList<BrokerAddress> ParseList(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Parse).ToArray();

    /// <inheritdoc />
    public override string ToString() => Host.Contains(':') ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}
