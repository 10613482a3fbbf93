using Samsa.Testing;

namespace Samsa.Producer.Tests;

/// <summary>A theory skipped when a peer is missing (except under CI=true), like <see cref="PeerFactAttribute"/>.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class PeerTheoryAttribute : TheoryAttribute
{
    public PeerTheoryAttribute(params string[] peers)
    {
        if (!Peers.IsCi && Peers.MissingReason(peers) is { } reason) Skip = reason;
    }
}
