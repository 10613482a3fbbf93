using Samsa.Protocol;
using Samsa.Protocol.Messages;

namespace Samsa.Client.Connections;

/// <summary>
/// The API version ranges one broker advertised in ApiVersions, and the version Samsa uses for each API: the highest
/// version both sides support, capped at the highest stable version in Samsa's specs.
/// </summary>
public sealed class ApiVersionSet
{
    private readonly short[] _min;
    private readonly short[] _max;

    /// <summary>Builds the set from an ApiVersions response.</summary>
    public ApiVersionSet(ApiVersionsResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        int size = Math.Max(response.ApiKeys.Count == 0 ? 0 : response.ApiKeys.Max(k => (int)k.ApiKey) + 1, 1);
        _min = new short[size];
        _max = new short[size];
        Array.Fill(_min, (short)-1);
        Array.Fill(_max, (short)-1);
        foreach (var key in response.ApiKeys)
        {
            if (key.ApiKey < 0) continue;
            _min[key.ApiKey] = key.MinVersion;
            _max[key.ApiKey] = key.MaxVersion;
        }
        FinalizedFeaturesEpoch = response.FinalizedFeaturesEpoch;
    }

    /// <summary>The broker's finalized features epoch, or -1.</summary>
    public long FinalizedFeaturesEpoch { get; }

    /// <summary>The broker's advertised range for <paramref name="key"/>, or null when it does not support the API.</summary>
    public (short Min, short Max)? BrokerRange(ApiKey key)
    {
        int index = (short)key;
        return (uint)index < (uint)_max.Length && _max[index] >= 0 ? (_min[index], _max[index]) : null;
    }

    /// <summary>The version to use for <paramref name="key"/>, or false when there is no common version.</summary>
    public bool TrySelect(ApiKey key, out short version, short? maxVersion = null)
    {
        version = -1;
        int index = (short)key;
        if ((uint)index >= (uint)_max.Length || _max[index] < 0 || !ApiKeys.TryGet((short)key, out var info)) return false;
        short ours = info.HighestStableVersion;
        if (maxVersion is { } cap && cap < ours) ours = cap;
        short high = Math.Min(ours, _max[index]);
        short low = Math.Max(info.LowestVersion, _min[index]);
        if (high < low) return false;
        version = high;
        return true;
    }

    /// <summary>The version to use for <paramref name="key"/>; throws <see cref="UnsupportedVersionException"/> when none is common.</summary>
    public short Select(ApiKey key, short? maxVersion = null)
    {
        if (TrySelect(key, out short version, maxVersion)) return version;
        throw NoCommonVersion(key, maxVersion);
    }

    private UnsupportedVersionException NoCommonVersion(ApiKey key, short? maxVersion)
    {
        string ours = ApiKeys.TryGet((short)key, out var info)
            ? $"{info.LowestVersion}-{(maxVersion is { } m ? Math.Min(m, info.HighestStableVersion) : info.HighestStableVersion)}"
            : "none";
        string theirs = BrokerRange(key) is { } r ? $"{r.Min}-{r.Max}" : "none";
        return new UnsupportedVersionException(
            $"The broker supports {key} versions {theirs} and Samsa supports {ours}: no common version.", key);
    }
}
