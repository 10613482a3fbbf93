using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using Samsa.Client;
using Samsa.Client.Connections;
using Samsa.Protocol;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Primitives;

namespace Samsa.Benchmarks.Micro.Core;

/// <summary>One Heartbeat round trip over the in-memory transport against a canned, allocation-free responder.</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class ConnectionRoundTripBenchmarks
{
    private KafkaConnection _connection = null!;
    private readonly HeartbeatRequest _request = new() { GroupId = "group", MemberId = "member", GenerationId = 1 };

    [GlobalSetup]
    public void Setup()
    {
        var transport = new InMemoryTransport((CancellationToken ct) =>
        {
            var toServer = new Pipe();
            var toClient = new Pipe();
            _ = Task.Run(() => ServeAsync(toServer.Reader, toClient.Writer), CancellationToken.None);
            return ValueTask.FromResult<IDuplexPipe>(new Duplex(toClient.Reader, toServer.Writer));
        });
        _connection = KafkaConnection.ConnectAsync(transport, new BrokerAddress("bench", 9092), new KafkaClientOptions { BootstrapServers = "bench:9092" })
            .AsTask().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup() => _connection.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark]
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<short> HeartbeatRoundTrip() => (await _connection.SendAsync(_request, 4)).ErrorCode;

    private static async Task ServeAsync(PipeReader input, PipeWriter output)
    {
        byte[] apiVersions = Encode(ApiKey.ApiVersions, 3, new ApiVersionsResponse
        {
            ApiKeys = ApiKeys.All.Select(i => new ApiVersionsResponse.ApiVersion { ApiKey = (short)i.Key, MinVersion = i.LowestVersion, MaxVersion = i.HighestStableVersion }).ToList(),
        });
        byte[] heartbeat = Encode(ApiKey.Heartbeat, 4, new HeartbeatResponse());
        byte[] head = new byte[8];
        while (true)
        {
            var result = await input.ReadAsync();
            var buffer = result.Buffer;
            while (FrameReader.TryReadFrame(ref buffer, out var frame))
            {
                frame.Slice(0, 8).CopyTo(head);
                byte[] template = BinaryPrimitives.ReadInt16BigEndian(head) == (short)ApiKey.ApiVersions ? apiVersions : heartbeat;
                var span = output.GetSpan(template.Length);
                template.CopyTo(span);
                BinaryPrimitives.WriteInt32BigEndian(span[4..], BinaryPrimitives.ReadInt32BigEndian(head.AsSpan(4)));
                output.Advance(template.Length);
            }
            input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted) return;
            await output.FlushAsync();
        }
    }

    private static byte[] Encode(ApiKey key, short version, IKafkaMessage body)
    {
        short headerVersion = ApiKeys.ResponseHeaderVersion(key, version);
        var header = new ResponseHeader();
        int size = header.ComputeSize(headerVersion) + body.ComputeSize(version);
        var bytes = new byte[size + 4];
        var writer = new KafkaWriter(bytes);
        writer.WriteInt32(size);
        header.Write(ref writer, headerVersion);
        body.Write(ref writer, version);
        return bytes;
    }

    private sealed class Duplex(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;
        public PipeWriter Output { get; } = output;
    }
}
