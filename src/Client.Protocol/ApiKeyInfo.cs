namespace Samsa.Protocol;

/// <summary>What the message specs say about one API.</summary>
/// <param name="Key">The API key.</param>
/// <param name="Name">The API's name, such as Produce.</param>
/// <param name="LowestVersion">The lowest version the spec defines.</param>
/// <param name="HighestVersion">The highest version the spec defines.</param>
/// <param name="HighestStableVersion">The highest version that is not marked unstable.</param>
/// <param name="FirstFlexibleVersion">The first version using flexible encoding, or <see cref="short.MaxValue"/>.</param>
/// <param name="HighestDeprecatedVersion">The highest deprecated version, or -1.</param>
/// <param name="Listeners">Where the API is served: broker, controller, zkBroker.</param>
public sealed record ApiKeyInfo(
    ApiKey Key, string Name, short LowestVersion, short HighestVersion, short HighestStableVersion,
    short FirstFlexibleVersion, short HighestDeprecatedVersion, IReadOnlyList<string> Listeners)
{
    /// <summary>True when <paramref name="version"/> uses compact strings, arrays and tagged fields.</summary>
    public bool IsFlexible(short version) => version >= FirstFlexibleVersion;

    /// <summary>True when brokers (not only controllers) serve this API.</summary>
    public bool IsBrokerApi => Listeners.Contains("broker");
}
