using System.Buffers.Binary;
using Samsa.Testing;

namespace Samsa.Interop.Tests;

public sealed class TcpCaptureProxyTests
{
    [PeerFact("librdkafka", "kcat")]
    public async Task KcatMetadata_ThroughProxy_RecordsMatchedApiVersionsAndMetadataFrames()
    {
        Peers.Require("librdkafka", "kcat");
        using var cluster = new LibrdkafkaMockCluster(1);
        cluster.CreateTopic("proxied", 2, 1);
        await using var proxy = TcpCaptureProxy.ForAddress(cluster.BootstrapServers);

        var result = await ProcessRunner.RunAsync(
            "kcat", ["-L", "-b", proxy.Address, "-X", "client.id=proxy-test", "-t", "proxied"], timeout: TimeSpan.FromSeconds(30));

        result.EnsureSuccess();
        var metadataResponse = await proxy.WaitForFrameAsync(
            f => f.Direction == FrameDirection.Response && f.ApiKey == 3, TimeSpan.FromSeconds(5));
        Assert.NotNull(metadataResponse);
        var frames = proxy.Frames;
        // librdkafka 2.0.2 tries ApiVersions v3; its mock broker answers UNSUPPORTED_VERSION and the client retries with v0.
        var apiVersions = frames.First(f => f.Direction == FrameDirection.Request && f.ApiKey == 18);
        Assert.Equal("proxy-test", apiVersions.ClientId);
        Assert.Contains(frames, f => f.Direction == FrameDirection.Response && f.ApiKey == 18 && f.CorrelationId == apiVersions.CorrelationId);
        Assert.All(frames, f => Assert.Equal(f.Frame.Length - 4, BinaryPrimitives.ReadInt32BigEndian(f.Frame)));
        Assert.Equal("proxy-test", metadataResponse.ClientId);
    }
}
