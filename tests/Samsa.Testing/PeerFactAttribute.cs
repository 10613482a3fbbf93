using Xunit;

namespace Samsa.Testing;

/// <summary>
/// An xunit fact that is skipped when a named peer is missing, except under <c>CI=true</c>, where it runs
/// (and so fails on the missing peer). Call <see cref="Peers.Require"/> at the top of the test body to fail
/// with a clear message.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class PeerFactAttribute : FactAttribute
{
    /// <summary>Creates the attribute for the given peer names (see <see cref="Peers"/>).</summary>
    public PeerFactAttribute(params string[] peers)
    {
        PeerNames = peers;
        if (!Peers.IsCi && Peers.MissingReason(peers) is { } reason)
        {
            Skip = reason;
        }
    }

    /// <summary>The peers this test needs.</summary>
    public IReadOnlyList<string> PeerNames { get; }
}
