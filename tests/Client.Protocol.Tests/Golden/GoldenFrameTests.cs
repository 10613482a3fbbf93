using System.Text;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Primitives;
using Samsa.Protocol.Records;

namespace Samsa.Protocol.Tests.Golden;

/// <summary>
/// Frames written by third-party clients (kcat, kafka-python, confluent-kafka-python) and by librdkafka's mock
/// broker: we must decode every field and re-encode the frame byte for byte.
/// </summary>
public class GoldenFrameTests
{
    public static IEnumerable<object[]> Frames() => GoldenFrame.All
        .Where(f => !f.Notes.StartsWith("UNSUPPORTED_VERSION", StringComparison.Ordinal))
        .Select(f => new object[] { f.File });

    [Fact]
    public void Fixtures_AtLeastADozenFramesFromThirdParties()
    {
        Assert.True(GoldenFrame.All.Count >= 12);
        Assert.Contains(GoldenFrame.All, f => f.Source == "kcat");
        Assert.Contains(GoldenFrame.All, f => f.Source == "kafka-python");
        Assert.Contains(GoldenFrame.All, f => f.Source == "confluent-kafka-python");
    }

    [Theory]
    [MemberData(nameof(Frames))]
    public void Decode_ThirdPartyFrame_ReencodesByteForByte(string file)
    {
        var frame = GoldenFrame.All.Single(f => f.File == file);
        var payload = frame.Payload();
        var key = (ApiKey)frame.ApiKey;

        var reader = new KafkaReader(payload);
        IKafkaMessage header;
        short headerVersion;
        if (frame.IsRequest)
        {
            headerVersion = ApiKeys.RequestHeaderVersion(key, frame.ApiVersion);
            Assert.Equal(frame.RequestHeaderVersion, headerVersion);
            var requestHeader = new RequestHeader();
            requestHeader.Read(ref reader, headerVersion);
            Assert.Equal(frame.ApiKey, requestHeader.RequestApiKey);
            Assert.Equal(frame.ApiVersion, requestHeader.RequestApiVersion);
            Assert.Equal(frame.CorrelationId, requestHeader.CorrelationId);
            Assert.Equal(frame.ClientId, requestHeader.ClientId);
            header = requestHeader;
        }
        else
        {
            headerVersion = ApiKeys.ResponseHeaderVersion(key, frame.ApiVersion);
            Assert.Equal(frame.ResponseHeaderVersion, headerVersion);
            var responseHeader = new ResponseHeader();
            responseHeader.Read(ref reader, headerVersion);
            Assert.Equal(frame.CorrelationId, responseHeader.CorrelationId);
            header = responseHeader;
        }

        IKafkaMessage body = frame.IsRequest ? ApiKeys.CreateRequest(key) : ApiKeys.CreateResponse(key);
        body.Read(ref reader, frame.ApiVersion);
        Assert.True(reader.End, $"{file}: {reader.Remaining} bytes left after the body");

        var reencoded = new byte[header.ComputeSize(headerVersion) + body.ComputeSize(frame.ApiVersion)];
        var writer = new KafkaWriter(reencoded);
        header.Write(ref writer, headerVersion);
        body.Write(ref writer, frame.ApiVersion);
        Assert.Equal(payload, reencoded);
    }

    [Fact]
    public void ApiVersionsV3Request_FromKcat_HasClientSoftwareFieldsAndHeaderTags()
    {
        var body = DecodeRequest<ApiVersionsRequest>("ApiVersions-v3-request-kcat.bin", 3);
        Assert.Equal("librdkafka", body.ClientSoftwareName);
        Assert.False(string.IsNullOrEmpty(body.ClientSoftwareVersion));
    }

    [Fact]
    public void ApiVersionsV3ErrorResponse_FromMock_ExposesUnsupportedVersionFirst()
    {
        // KIP-511: a client reads the error code first and falls back to v0 on UNSUPPORTED_VERSION.
        var payload = GoldenFrame.All.Single(f => f.File == "ApiVersions-v3-response-kcat.bin").Payload();
        var reader = new KafkaReader(payload);
        var header = new ResponseHeader();
        header.Read(ref reader, 0);
        Assert.Equal(ErrorCode.UnsupportedVersion, (ErrorCode)reader.ReadInt16());
    }

    [Fact]
    public void ApiVersionsV0Response_FromMock_ListsProduceAndFetch()
    {
        var body = DecodeResponse<ApiVersionsResponse>("ApiVersions-v0-response-kcat.bin", 0);
        Assert.Equal(0, body.ErrorCode);
        Assert.Contains(body.ApiKeys, k => k.ApiKey == (short)ApiKey.Produce && k.MaxVersion >= 7);
        Assert.Contains(body.ApiKeys, k => k.ApiKey == (short)ApiKey.Fetch && k.MaxVersion >= 11);
    }

    [Fact]
    public void MetadataV2Response_FromMock_DescribesGoldenTopic()
    {
        var body = DecodeResponse<MetadataResponse>("Metadata-v2-response-kcat.bin", 2);
        Assert.Single(body.Brokers);
        var topic = Assert.Single(body.Topics, t => t.Name == "golden");
        var partition = Assert.Single(topic.Partitions);
        Assert.Equal(0, partition.PartitionIndex);
        Assert.Equal(body.Brokers[0].NodeId, partition.LeaderId);
    }

    public static IEnumerable<object[]> ProduceFrames() =>
        from codec in new[] { "none", "gzip", "snappy", "lz4", "zstd" }
        from tool in new[] { ("kcat", "kcat"), ("kafka-python", "kafka-python"), ("confluent-kafka-python", "confluent") }
        select new object[] { $"Produce-v7-request-{tool.Item1}-{codec}.bin", tool.Item2, codec };

    [Theory]
    [MemberData(nameof(ProduceFrames))]
    public void ProduceV7Request_EveryCodec_RecordsDecodeFieldByField(string file, string tool, string codec)
    {
        var body = DecodeRequest<ProduceRequest>(file, 7);
        var topic = Assert.Single(body.TopicData);
        Assert.Equal("golden", topic.Name);
        var partition = Assert.Single(topic.PartitionData);
        Assert.Equal(0, partition.Index);
        var batch = RecordBatchHeader.Read(partition.Records!.Value.Span);
        // kafka-python sends a batch uncompressed when the codec does not shrink it, which snappy does not for
        // these three tiny records; every other capture carries the codec it was asked for.
        string expectedCodec = tool == "kafka-python" && codec == "snappy" ? "none" : codec;
        Assert.Equal(expectedCodec, batch.Compression.ToString().ToLowerInvariant());
        var records = ReadAll(partition.Records!.Value);
        // librdkafka may split the three records over two Produce requests; the capture kept the larger one.
        Assert.InRange(records.Count, tool == "confluent" ? 2 : 3, 3);
        foreach (var (k, v, headers) in records)
        {
            int i = int.Parse(k!["key-".Length..]) - (tool == "kcat" ? 1 : 0);
            switch (tool)
            {
                case "kcat":
                    Assert.Equal($"key-{i + 1}", k);
                    Assert.Equal($"value-{i + 1}", v);
                    Assert.Equal(["trace-id=abc123", "source=kcat"], headers);
                    break;
                case "kafka-python":
                    Assert.Equal($"key-{i}", k);
                    Assert.Equal($"value-{i}", v);
                    Assert.Equal([$"trace-id=py{i}"], headers);
                    break;
                default:
                    Assert.Equal($"key-{i}", k);
                    Assert.Equal(string.Concat(Enumerable.Repeat($"value-{i} ", 20)), v);
                    Assert.Equal([$"trace-id=ck{i}"], headers);
                    break;
            }
        }
    }

    [Fact]
    public void FetchV11Response_FromMock_CarriesRecordsWithOffsets()
    {
        var body = DecodeResponse<FetchResponse>("Fetch-v11-response-kcat-consumer.bin", 11);
        var partition = body.Responses.Single().Partitions.Single();
        Assert.Equal(0, partition.ErrorCode);
        Assert.True(partition.HighWatermark > 0);
        var records = ReadAll(partition.Records!.Value);
        Assert.NotEmpty(records);
    }

    [Fact]
    public void JoinGroupV5Request_FromKcat_CarriesConsumerProtocolSubscription()
    {
        var body = DecodeRequest<JoinGroupRequest>("JoinGroup-v5-request-kcat-group.bin", 5);
        Assert.Equal("kcat-group", body.GroupId);
        Assert.Equal("consumer", body.ProtocolType);
        Assert.NotEmpty(body.Protocols);
        var metadata = body.Protocols[0].Metadata;
        var reader = new KafkaReader(metadata);
        short version = reader.ReadInt16();
        var subscription = new ConsumerProtocolSubscription();
        subscription.Read(ref reader, version);
        Assert.Contains("golden", subscription.Topics);
    }

    internal static List<(string? Key, string? Value, List<string> Headers)> ReadAll(ReadOnlyMemory<byte> recordSet)
    {
        var result = new List<(string?, string?, List<string>)>();
        using var batches = new RecordBatchReader(recordSet);
        while (batches.MoveNextBatch())
        {
            foreach (var record in batches.GetRecords())
            {
                var headers = new List<string>();
                foreach (var h in record.Headers) headers.Add(h.GetKey() + "=" + Encoding.UTF8.GetString(h.Value.Span));
                result.Add((record.IsKeyNull ? null : Encoding.UTF8.GetString(record.Key.Span),
                    record.IsValueNull ? null : Encoding.UTF8.GetString(record.Value.Span), headers));
            }
        }
        return result;
    }

    internal static T DecodeRequest<T>(string file, short version) where T : IKafkaMessage, new()
    {
        var frame = GoldenFrame.All.Single(f => f.File == file);
        var reader = new KafkaReader(new ReadOnlyMemory<byte>(frame.Payload()));
        new RequestHeader().Read(ref reader, ApiKeys.RequestHeaderVersion((ApiKey)frame.ApiKey, version));
        var body = new T();
        body.Read(ref reader, version);
        return body;
    }

    internal static T DecodeResponse<T>(string file, short version) where T : IKafkaMessage, new()
    {
        var frame = GoldenFrame.All.Single(f => f.File == file);
        var reader = new KafkaReader(new ReadOnlyMemory<byte>(frame.Payload()));
        new ResponseHeader().Read(ref reader, ApiKeys.ResponseHeaderVersion((ApiKey)frame.ApiKey, version));
        var body = new T();
        body.Read(ref reader, version);
        return body;
    }
}
