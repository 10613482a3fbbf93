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
