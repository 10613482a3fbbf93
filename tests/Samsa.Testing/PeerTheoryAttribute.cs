using Xunit;

namespace Samsa.Testing;

/// <summary>The theory counterpart of <see cref="PeerFactAttribute"/>: skipped when a peer is missing, except under <c>CI=true</c>.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class PeerTheoryAttribute : TheoryAttribute
{
    /// <summary>Creates the attribute for the given peer names (see <see cref="Peers"/>).</summary>
    public PeerTheoryAttribute(params string[] peers)
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
