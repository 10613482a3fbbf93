using System.Buffers.Binary;

namespace Samsa.Broker.Mini.Tests;

public sealed class ApiVersionsHandlerTests
{
    [Fact]
    public async Task Handle_V3_AdvertisesProduceFromV3AndFetchFromV4()
    {
        await using var cluster = await MiniCluster.StartAsync();
        await using var client = TestClient.Connect(cluster);
        var response = await client.SendAsync(new ApiVersionsRequest { ClientSoftwareName = "samsa", ClientSoftwareVersion = "1.0" }, 3);
        Assert.Equal(0, response.ErrorCode);
        var produce = response.ApiKeys.Single(k => k.ApiKey == (short)ApiKey.Produce);
        var fetch = response.ApiKeys.Single(k => k.ApiKey == (short)ApiKey.Fetch);
        Assert.Equal(3, produce.MinVersion);
        Assert.Equal(4, fetch.MinVersion);
        Assert.Contains(response.ApiKeys, k => k.ApiKey == (short)ApiKey.DescribeCluster);
    }

    [Fact]
    public async Task Handle_UnknownNewerVersion_AnswersV0WithUnsupportedVersionAndList()
    {
        await using var cluster = await MiniCluster.StartAsync();
        await using var client = TestClient.Connect(cluster);
        // ApiVersions v99 with a v2 header: key, version, correlation id, client id, empty tagged fields, then a body we do not know.
        var frame = new byte[] { 0, 0, 0, 0, 0, 18, 0, 99, 0, 0, 0, 7, 0, 1, (byte)'x', 0, 1, 2, 3 };
        BinaryPrimitives.WriteInt32BigEndian(frame, frame.Length - 4);
        await client.WriteRawAsync(frame);
        var response = await client.ReadFrameAsync();
        Assert.NotNull(response);
        var reader = new Samsa.Protocol.Primitives.KafkaReader(response);
        Assert.Equal(7, reader.ReadInt32());
        var body = new ApiVersionsResponse();
        body.Read(ref reader, 0);
        Assert.Equal((short)ErrorCode.UnsupportedVersion, body.ErrorCode);
        Assert.Contains(body.ApiKeys, k => k.ApiKey == (short)ApiKey.Metadata);
    }

    [Fact]
    public async Task Handle_InvalidSoftwareName_ReturnsInvalidRequest()
    {
        await using var cluster = await MiniCluster.StartAsync();
        await using var client = TestClient.Connect(cluster);
        var response = await client.SendAsync(new ApiVersionsRequest { ClientSoftwareName = "bad name!", ClientSoftwareVersion = "1" }, 3);
        Assert.Equal((short)ErrorCode.InvalidRequest, response.ErrorCode);
    }

    [Fact]
    public async Task Dispatch_UnsupportedProduceVersion_ClosesConnection()
    {
        await using var cluster = await MiniCluster.StartAsync();
        await using var client = TestClient.Connect(cluster);
        await client.WriteAsync(new ProduceRequest { Acks = 1 }, 2);
        Assert.Null(await client.ReadFrameAsync());
    }
}
