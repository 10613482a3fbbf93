namespace Samsa.Protocol;

public static partial class ApiKeys
{
    /// <summary>Every API key the specs define, in key order.</summary>
    public static IEnumerable<ApiKeyInfo> All => s_byKey.Where(i => i is not null)!;

    /// <summary>Looks up an API by its numeric key.</summary>
    public static bool TryGet(short key, out ApiKeyInfo info)
    {
        if (key >= 0 && key < s_byKey.Length && s_byKey[key] is { } found)
        {
            info = found;
            return true;
        }
        info = null!;
        return false;
    }

    /// <summary>Facts about <paramref name="key"/>; throws <see cref="KafkaProtocolException"/> for an unknown key.</summary>
    public static ApiKeyInfo Get(ApiKey key) =>
        TryGet((short)key, out var info) ? info : throw new KafkaProtocolException($"Unknown API key {(short)key}.");

    /// <summary>
    /// The request header version for an API version: 2 (flexible) or 1, except ControlledShutdown v0, which uses 0.
    /// </summary>
    public static short RequestHeaderVersion(ApiKey key, short version)
    {
        if (key == ApiKey.ControlledShutdown && version == 0) return 0;
        return Get(key).IsFlexible(version) ? (short)2 : (short)1;
    }

    /// <summary>
    /// The response header version for an API version: 1 (flexible) or 0. ApiVersions responses always use 0,
    /// so that a client can read them before it knows which versions the broker supports.
    /// </summary>
    public static short ResponseHeaderVersion(ApiKey key, short version)
    {
        if (key == ApiKey.ApiVersions) return 0;
        return Get(key).IsFlexible(version) ? (short)1 : (short)0;
    }
}
