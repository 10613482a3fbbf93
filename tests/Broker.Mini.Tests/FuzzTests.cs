using System.Buffers.Binary;
using Microsoft.Extensions.Logging;

namespace Samsa.Broker.Mini.Tests;

public sealed class FuzzTests
{
    [Fact]
    public async Task Dispatch_ThousandsOfCorruptFrames_NoHandlerFailuresAndOtherConnectionsUnaffected()
    {
        var logs = new CountingLoggerFactory();
        await using var cluster = await MiniCluster.StartAsync(new MiniClusterOptions { LoggerFactory = logs });
        await cluster.CreateTopicAsync("f");
        await using var healthy = TestClient.Connect(cluster);
        await healthy.SendAsync(TestClient.Produce("f", 0, TestClient.Batch(("k", "v"))), 9);

        var random = new Random(1234);
        var templates = new List<byte[]>();
        foreach (var (request, version) in new (IKafkaApiMessage, short)[]
        {
            (TestClient.Produce("f", 0, TestClient.Batch(("a", "b"))), 9), (TestClient.Fetch("f", 0, 0), 12), (new MetadataRequest { Topics = null }, 12),
            (new ApiVersionsRequest { ClientSoftwareName = "a", ClientSoftwareVersion = "1" }, 3), (new CreateTopicsRequest(), 7),
        })
        {
            var header = new RequestHeader { RequestApiKey = (short)request.ApiKey, RequestApiVersion = version, CorrelationId = 1, ClientId = "fuzz" };
            short hv = ApiKeys.RequestHeaderVersion(request.ApiKey, version);
            var bytes = new byte[header.ComputeSize(hv) + request.ComputeSize(version)];
            var w = new Samsa.Protocol.Primitives.KafkaWriter(bytes);
            header.Write(ref w, hv);
            request.Write(ref w, version);
            templates.Add(bytes);
        }
        for (int round = 0; round < 4000; round++)
        {
            var body = (byte[])templates[random.Next(templates.Count)].Clone();
            int flips = 1 + random.Next(4);
            for (int i = 0; i < flips; i++) body[random.Next(body.Length)] = (byte)random.Next(256);
            if (random.Next(4) == 0) body = body[..random.Next(body.Length)];
            var frame = new byte[4 + body.Length];
            BinaryPrimitives.WriteInt32BigEndian(frame, random.Next(8) == 0 ? random.Next() : body.Length);
            body.CopyTo(frame, 4);
            var pipe = cluster.ConnectInMemory();
            await pipe.Output.WriteAsync(frame);
            await pipe.Output.CompleteAsync();
            while (true)
            {
                var read = await pipe.Input.ReadAsync().AsTask().WaitAsync(TestClient.HangGuard);
                pipe.Input.AdvanceTo(read.Buffer.End);
                if (read.IsCompleted) break;
            }
            await pipe.Input.CompleteAsync();
        }
        var meta = await healthy.SendAsync(new MetadataRequest { Topics = null }, 12);
        Assert.Contains(meta.Topics, t => t.Name == "f");
        Assert.Equal(0, logs.Errors);
    }

    /// <summary>
    /// Hundreds of thousands of mutated request frames straight through the dispatcher (the code path every connection
    /// runs after framing), with every produced response serialized: no handler failure, and memory stays bounded.
    /// Waiting handlers (a mutated long-poll) see an already-cancelled token, as a closing connection would give them.
    /// </summary>
    [Fact]
    public async Task Dispatch_HundredsOfThousandsOfMutatedFrames_NoHandlerFailuresAndBoundedMemory()
    {
        const int Frames = 300_000;
        var logs = new CountingLoggerFactory();
        await using var cluster = await MiniCluster.StartAsync(new MiniClusterOptions { Brokers = 2, LoggerFactory = logs });
        await cluster.CreateTopicAsync("f", 2, 2);
        await using (var client = TestClient.Connect(cluster, cluster.State.Topics["f"].Partitions[0].Leader))
            await client.SendAsync(TestClient.Produce("f", 0, TestClient.Batch(("k", "v"))), 9);
        var templates = new (IKafkaApiMessage, short)[]
        {
            (TestClient.Produce("f", 0, TestClient.Batch(("a", "b"))), 9), (TestClient.Produce("f", 1, TestClient.Batch(("a", "b")), acks: 1), 3),
            (TestClient.Fetch("f", 0, 0), 12), (TestClient.Fetch("f", 1, 0), 4), (new MetadataRequest { Topics = null }, 12),
            (new MetadataRequest { Topics = [new() { Name = "f" }] }, 4), (new ApiVersionsRequest { ClientSoftwareName = "a", ClientSoftwareVersion = "1" }, 3),
            (new CreateTopicsRequest(), 7), (new ListOffsetsRequest { Topics = [new() { Name = "f", Partitions = [new() { PartitionIndex = 0, Timestamp = -1 }] }] }, 7),
            (new DescribeConfigsRequest { Resources = [new() { ResourceType = 2, ResourceName = "f" }] }, 4),
            (new FindCoordinatorRequest { Key = "g", KeyType = 0 }, 3), (new OffsetFetchRequest { GroupId = "g" }, 7),
        }.Select(t => Encode(t.Item1, t.Item2)).ToArray();
        var broker = cluster.State.Brokers[0];
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var random = new Random(4321);
        var output = new byte[1 << 20];
        long before = GC.GetTotalMemory(forceFullCollection: true);
        int responses = 0;
        for (int i = 0; i < Frames; i++)
        {
            var frame = (byte[])templates[random.Next(templates.Length)].Clone();
            int flips = 1 + random.Next(4);
            for (int f = 0; f < flips; f++) frame[random.Next(frame.Length)] = (byte)random.Next(256);
            if (random.Next(8) == 0) frame = frame[..random.Next(frame.Length)];
            var outcome = await cluster.Dispatcher.DispatchAsync(frame, broker, i, cancelled.Token);
            if (outcome.Response is not { } response) continue;
            int size = response.ComputeSize(outcome.Version);
            if (size > output.Length) continue;
            var w = new Samsa.Protocol.Primitives.KafkaWriter(output);
            response.Write(ref w, outcome.Version);
            responses++;
        }
        long after = GC.GetTotalMemory(forceFullCollection: true);

        Assert.Equal(0, logs.Errors);
        Assert.True(responses > Frames / 20, $"only {responses} mutated frames were answered");
        Assert.True(after - before < 256L << 20, $"memory grew by {(after - before) >> 20} MiB");
        await using var healthy = TestClient.Connect(cluster);
        var meta = await healthy.SendAsync(new MetadataRequest { Topics = null }, 12);
        Assert.Contains(meta.Topics, t => t.Name == "f");
    }

    private static byte[] Encode(IKafkaApiMessage request, short version)
    {
        var header = new RequestHeader { RequestApiKey = (short)request.ApiKey, RequestApiVersion = version, CorrelationId = 1, ClientId = "fuzz" };
        short hv = ApiKeys.RequestHeaderVersion(request.ApiKey, version);
        var bytes = new byte[header.ComputeSize(hv) + request.ComputeSize(version)];
        var w = new Samsa.Protocol.Primitives.KafkaWriter(bytes);
        header.Write(ref w, hv);
        request.Write(ref w, version);
        return bytes;
    }

    private sealed class CountingLoggerFactory : ILoggerFactory, ILogger
    {
        private int _errors;

        public int Errors => Volatile.Read(ref _errors);

        public ILogger CreateLogger(string categoryName) => this;

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public void Dispose()
        {
        }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Error) Interlocked.Increment(ref _errors);
        }
    }
}
