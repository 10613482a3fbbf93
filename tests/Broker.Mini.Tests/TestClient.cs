using System.Buffers;
using System.IO.Pipelines;
using Samsa.Protocol.Primitives;
using Samsa.Protocol.Records;

namespace Samsa.Broker.Mini.Tests;

/// <summary>A minimal Kafka client over an in-memory pipe, for handler tests.</summary>
internal sealed class TestClient(IDuplexPipe pipe) : IAsyncDisposable
{
    public static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);
    private int _correlation;

    public static TestClient Connect(MiniCluster cluster, int brokerId = 0) => new(cluster.ConnectInMemory(brokerId));

    public async Task<TResponse> SendAsync<TResponse>(IKafkaRequest<TResponse> request, short version) where TResponse : IKafkaResponse, new()
    {
        int correlation = await WriteAsync(request, version);
        var frame = await ReadFrameAsync() ?? throw new InvalidOperationException("The broker closed the connection.");
        var reader = new KafkaReader(frame);
        var header = new ResponseHeader();
        header.Read(ref reader, ApiKeys.ResponseHeaderVersion(request.ApiKey, version));
        Assert.Equal(correlation, header.CorrelationId);
        var response = new TResponse();
        response.Read(ref reader, version);
        return response;
    }

    public async Task<int> WriteAsync(IKafkaApiMessage request, short version)
    {
        int correlation = ++_correlation;
        await WriteRawAsync(Frame(request, version, correlation));
        return correlation;
    }

    /// <summary>A whole request frame: size prefix, header, body.</summary>
    public static byte[] Frame(IKafkaApiMessage request, short version, int correlation)
    {
        var header = new RequestHeader { RequestApiKey = (short)request.ApiKey, RequestApiVersion = version, CorrelationId = correlation, ClientId = "test" };
        short hv = ApiKeys.RequestHeaderVersion(request.ApiKey, version);
        int size = header.ComputeSize(hv) + request.ComputeSize(version);
        var buffer = new byte[4 + size];
        var w = new KafkaWriter(buffer);
        w.WriteInt32(size);
        header.Write(ref w, hv);
        request.Write(ref w, version);
        return buffer;
    }

    public async Task WriteRawAsync(byte[] bytes)
    {
        await pipe.Output.WriteAsync(bytes).AsTask().WaitAsync(HangGuard);
    }

    /// <summary>Reads one response frame (without its size prefix), or null when the broker closed the connection.</summary>
    public async Task<byte[]?> ReadFrameAsync()
    {
        while (true)
        {
            var result = await pipe.Input.ReadAsync().AsTask().WaitAsync(HangGuard);
            var buffer = result.Buffer;
            if (FrameReader.TryReadFrame(ref buffer, out var frame))
            {
                var bytes = frame.ToArray();
                pipe.Input.AdvanceTo(buffer.Start);
                return bytes;
            }
            pipe.Input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted) return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await pipe.Output.CompleteAsync();
        await pipe.Input.CompleteAsync();
    }

    /// <summary>Builds a v2 batch of string records (null key when the key is null).</summary>
    public static byte[] Batch(params (string? Key, string Value)[] records) => Batch(-1, 0, -1, records);

    public static byte[] Batch(long producerId, short epoch, int baseSequence, params (string? Key, string Value)[] records)
    {
        using var builder = new RecordBatchBuilder { ProducerId = producerId, ProducerEpoch = epoch, BaseSequence = baseSequence };
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        foreach (var (k, v) in records)
            builder.Append(now, k is null ? null : System.Text.Encoding.UTF8.GetBytes(k), System.Text.Encoding.UTF8.GetBytes(v));
        return builder.Build().ToArray();
    }

    public static ProduceRequest Produce(string topic, int partition, byte[] batch, short acks = -1) => new()
    {
        Acks = acks,
        TimeoutMs = 30000,
        TopicData = { new ProduceRequest.TopicProduceData { Name = topic, PartitionData = { new ProduceRequest.PartitionProduceData { Index = partition, Records = batch } } } },
    };

    public static FetchRequest Fetch(string topic, int partition, long offset, int maxWaitMs = 0, int minBytes = 1) => new()
    {
        MaxWaitMs = maxWaitMs,
        MinBytes = minBytes,
        MaxBytes = 1 << 20,
        Topics = { new FetchRequest.FetchTopic { Topic = topic, Partitions = { new FetchRequest.FetchPartition { Partition = partition, FetchOffset = offset, PartitionMaxBytes = 1 << 20 } } } },
    };

    /// <summary>Reads every record value in a fetched record set.</summary>
    public static List<(long Offset, string? Key, string Value)> Records(ReadOnlyMemory<byte>? records)
    {
        var list = new List<(long, string?, string)>();
        if (records is not { } r) return list;
        using var reader = new RecordBatchReader(r);
        while (reader.MoveNextBatch())
            foreach (var rec in reader.GetRecords())
                list.Add((rec.Offset, rec.IsKeyNull ? null : System.Text.Encoding.UTF8.GetString(rec.Key.Span), System.Text.Encoding.UTF8.GetString(rec.Value.Span)));
        return list;
    }
}
