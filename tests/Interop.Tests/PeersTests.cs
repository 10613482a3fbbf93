using Samsa.Testing;

namespace Samsa.Interop.Tests;

public sealed class PeersTests
{
    [Fact]
    public void MissingReason_UnknownPeer_NamesItAndTheInstallScript()
    {
        var reason = Peers.MissingReason("sh", "samsa-no-such-peer");

        Assert.NotNull(reason);
        Assert.Contains("samsa-no-such-peer", reason, StringComparison.Ordinal);
        Assert.DoesNotContain("sh (", reason, StringComparison.Ordinal);
        Assert.Contains("install-peers.sh", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Require_MissingPeer_ThrowsOnlyUnderCi()
    {
        if (Peers.IsCi)
        {
            Assert.Throws<PeerMissingException>(() => Peers.Require("samsa-no-such-peer"));
        }
        else
        {
            Assert.NotNull(Peers.Require("samsa-no-such-peer"));
        }
    }

    [Fact]
    public void Require_PresentPeer_ReturnsNull() => Assert.Null(Peers.Require("sh"));
}
