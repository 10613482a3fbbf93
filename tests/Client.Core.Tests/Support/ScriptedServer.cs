using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using Samsa.Client.Connections;
using Samsa.Protocol;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Primitives;

namespace Samsa.Client.Tests.Support;

/// <summary>A request as the scripted server saw it.</summary>
internal sealed record ServerRequest(RequestHeader Header, byte[] Body)
{
    public ApiKey ApiKey => (ApiKey)Header.RequestApiKey;
    public short Version => Header.RequestApiVersion;

    public T Read<T>() where T : IKafkaMessage, new()
    {
        var message = new T();
        var reader = new KafkaReader(Body);
        message.Read(ref reader, Version);
        return message;
    }
}

/// <summary>
/// An in-memory Kafka server over <see cref="Pipe"/> pairs. Answers ApiVersions with every version Samsa knows
/// (unless <see cref="ApiVersionsHandler"/> overrides it), echoes SaslAuthenticate bytes unless <see cref="Handler"/>
/// answers, and can kill all its connections at any moment.
/// </summary>
internal sealed class ScriptedServer
{
    private readonly ConcurrentDictionary<int, (Pipe ToClient, Pipe ToServer)> _connections = new();
    private int _nextConnection;

    /// <summary>Answers a request, or returns null to fall back to the defaults. Runs on the connection's loop.</summary>
    public Func<ServerRequest, IKafkaResponse?>? Handler { get; set; }

    /// <summary>Overrides the ApiVersions answer.</summary>
    public Func<ServerRequest, ApiVersionsResponse>? ApiVersionsHandler { get; set; }

    /// <summary>When set, responses are held until this returns true (to build up in-flight requests).</summary>
    public Func<ServerRequest, bool>? Swallow { get; set; }

    private readonly ConcurrentQueue<(ServerRequest Request, PipeWriter Output)> _held = new();

    public int HeldCount => _held.Count;

    public int ConnectionCount => _connections.Count;

    public long RequestsSeen;

    /// <summary>
    /// When set, each response is written and flushed in pieces of this many bytes, so that the client sees large
    /// frames arrive in parts.
    /// </summary>
    public int? ChunkSize { get; set; }

    /// <summary>With <see cref="ChunkSize"/>: closes the connection once this much of a response has been written.</summary>
    public int CloseAfterResponseBytes { get; set; } = int.MaxValue;

    public InMemoryTransport Transport => new(ConnectAsync);

    public ValueTask<IDuplexPipe> ConnectAsync(CancellationToken cancellationToken)
    {
        var toServer = new Pipe(new PipeOptions(useSynchronizationContext: false));
        var toClient = new Pipe(new PipeOptions(useSynchronizationContext: false));
        int id = Interlocked.Increment(ref _nextConnection);
        _connections[id] = (toClient, toServer);
        _ = Task.Run(() => ServeAsync(id, toServer.Reader, toClient.Writer));
        return ValueTask.FromResult<IDuplexPipe>(new DuplexPipe(toClient.Reader, toServer.Writer));
    }

    /// <summary>Serves one connection that arrived some other way (a TLS stream over a socket, say) until it closes.</summary>
    public Task ServeAsync(IDuplexPipe pipe) => ServeAsync(Interlocked.Increment(ref _nextConnection), pipe.Input, pipe.Output);

    /// <summary>Abruptly closes every open connection from the server side.</summary>
    public void KillAll()
    {
        foreach (var id in _connections.Keys)
        {
            if (_connections.TryRemove(id, out var pipes))
            {
                pipes.ToClient.Writer.Complete(new IOException("killed"));
                pipes.ToServer.Reader.Complete();
            }
        }
    }

    private async Task ServeAsync(int id, PipeReader input, PipeWriter output)
    {
        try
        {
            while (true)
            {
                var result = await input.ReadAsync();
                var buffer = result.Buffer;
                while (FrameReader.TryReadFrame(ref buffer, out var frame))
                {
                    var bytes = frame.ToArray();
                    Interlocked.Increment(ref RequestsSeen);
                    if (ChunkSize is not { } chunk)
                    {
                        if (!Handle(bytes, output)) return;
                        continue;
                    }
                    var staging = new Pipe(new PipeOptions(pauseWriterThreshold: 0, useSynchronizationContext: false));
                    bool keep = Handle(bytes, staging.Writer);
                    await staging.Writer.FlushAsync();
                    staging.Writer.Complete();
                    var staged = (await staging.Reader.ReadAsync()).Buffer.ToArray();
                    for (int at = 0; at < staged.Length; at += chunk)
                    {
                        if (at >= CloseAfterResponseBytes) return;
                        output.Write(staged.AsSpan(at, Math.Min(chunk, staged.Length - at)));
                        if ((await output.FlushAsync()).IsCompleted) return;
                    }
                    if (!keep) return;
                }
                input.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted) break;
                var flush = await output.FlushAsync();
                if (flush.IsCompleted) break;
            }
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or OperationCanceledException)
        {
            // Killed mid-read.
        }
        finally
        {
            _connections.TryRemove(id, out _);
            await output.CompleteAsync();
            await input.CompleteAsync();
        }
    }

    private bool Handle(byte[] frame, PipeWriter output)
    {
        var apiKey = (ApiKey)BinaryPrimitives.ReadInt16BigEndian(frame);
        short version = BinaryPrimitives.ReadInt16BigEndian(frame.AsSpan(2));
        var header = new RequestHeader();
        var reader = new KafkaReader(frame);
        header.Read(ref reader, ApiKeys.RequestHeaderVersion(apiKey, version));
        var request = new ServerRequest(header, frame[reader.Position..]);
        if (Swallow?.Invoke(request) == true)
        {
            _held.Enqueue((request, output));
            return true;
        }
        var response = Handler?.Invoke(request) ?? Default(request);
        if (response is null) return false;
        WriteResponse(output, header.CorrelationId, apiKey, version, response);
        return true;
    }

    /// <summary>Answers every held request (call only while the client cannot send more).</summary>
    public async Task ReleaseHeldAsync()
    {
        Swallow = null;
        while (_held.TryDequeue(out var held))
        {
            var response = Handler?.Invoke(held.Request) ?? Default(held.Request)!;
            WriteResponse(held.Output, held.Request.Header.CorrelationId, held.Request.ApiKey, held.Request.Version, response);
            await held.Output.FlushAsync();
        }
    }

    private IKafkaResponse? Default(ServerRequest request) => request.ApiKey switch
    {
        ApiKey.ApiVersions => ApiVersionsHandler?.Invoke(request) ?? AllVersions(),
        ApiKey.SaslAuthenticate => new SaslAuthenticateResponse { AuthBytes = request.Read<SaslAuthenticateRequest>().AuthBytes },
        ApiKey.Heartbeat => new HeartbeatResponse(),
        _ => throw new InvalidOperationException($"No script for {request.ApiKey}."),
    };

    public static ApiVersionsResponse AllVersions() => new()
    {
        ApiKeys = ApiKeys.All.Select(i => new ApiVersionsResponse.ApiVersion { ApiKey = (short)i.Key, MinVersion = i.LowestVersion, MaxVersion = i.HighestStableVersion }).ToList(),
    };

    public static void WriteResponse(PipeWriter output, int correlationId, ApiKey apiKey, short version, IKafkaMessage response)
    {
        short headerVersion = ApiKeys.ResponseHeaderVersion(apiKey, version);
        var header = new ResponseHeader { CorrelationId = correlationId };
        short bodyVersion = response is ApiVersionsResponse { ErrorCode: (short)ErrorCode.UnsupportedVersion } ? (short)0 : version;
        int size = header.ComputeSize(headerVersion) + response.ComputeSize(bodyVersion);
        var span = output.GetSpan(size + 4);
        var writer = new KafkaWriter(span[..(size + 4)]);
        writer.WriteInt32(size);
        header.Write(ref writer, headerVersion);
        response.Write(ref writer, bodyVersion);
        output.Advance(size + 4);
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;
        public PipeWriter Output { get; } = output;
    }
}
