using System.Buffers;
using System.IO.Pipelines;
using System.Numerics;
using Microsoft.Extensions.Logging;
using Samsa.Broker.Mini.Cluster;
using Samsa.Broker.Mini.Handlers;
using Samsa.Protocol;
using Samsa.Protocol.Primitives;

namespace Samsa.Broker.Mini.Transport;

/// <summary>
/// One client connection over any duplex pipe (socket or in-memory). A single request loop reads whole frames,
/// handles them one at a time (so responses go out in request order, like Kafka's muted channels) and writes each
/// response before reading the next request. A malformed or oversized frame closes only this connection.
/// </summary>
internal sealed class Connection
{
    private static long s_nextId;
    private readonly IDuplexPipe _pipe;
    private readonly BrokerNode _broker;
    private readonly RequestDispatcher _dispatcher;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _cts = new();
    private readonly Stream? _transport;
    private byte[]? _produceFrame;
    private Task _completion = Task.CompletedTask;

    /// <summary>
    /// A connection over <paramref name="pipe"/>. <paramref name="transport"/> is the stream under it (sockets): closed
    /// with the connection, and read directly for the rest of a large Produce frame once the pipe has handed over
    /// everything it buffered.
    /// </summary>
    public Connection(IDuplexPipe pipe, BrokerNode broker, RequestDispatcher dispatcher, ILogger logger, Stream? transport = null)
    {
        _pipe = pipe;
        _broker = broker;
        _dispatcher = dispatcher;
        _logger = logger;
        _transport = transport;
        Id = Interlocked.Increment(ref s_nextId);
    }

    public long Id { get; }

    public Task Completion => _completion;

    /// <summary>Registers the connection with its broker and starts its request loop.</summary>
    public void Start()
    {
        _broker.Connections.Add(this);
        _completion = Task.Run(RunAsync);
    }

    /// <summary>Stops the loop and closes the transport.</summary>
    public void Abort()
    {
        try
        {
            _cts.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already finished.
        }
        catch (AggregateException ex)
        {
            // A cancellation callback of the transport failed (its socket was already closed); the loop still ends.
            Log.TransportError(_logger, _broker.Id, Id, ex.InnerException?.Message ?? ex.Message);
        }
    }

    private async Task RunAsync()
    {
        var reader = _pipe.Input;
        var writer = _pipe.Output;
        var token = _cts.Token;
        int maxFrame = _dispatcher.MaxRequestBytes;
        try
        {
            while (!token.IsCancellationRequested)
            {
                var result = await reader.ReadAsync(token).ConfigureAwait(false);
                var buffer = result.Buffer;
                Memory<byte> frame;
                try
                {
                    if (FrameReader.TryReadFrame(ref buffer, out var slice, maxFrame))
                    {
                        frame = CopyFrame(slice);
                        reader.AdvanceTo(buffer.Start);
                    }
                    else if (StartDirectRead(buffer) is { } started)
                    {
                        reader.AdvanceTo(buffer.End);
                        await _transport!.ReadExactlyAsync(started.Missing, token).ConfigureAwait(false);
                        frame = started.Frame;
                    }
                    else
                    {
                        reader.AdvanceTo(buffer.Start, buffer.End);
                        if (result.IsCompleted || result.IsCanceled) break;
                        continue;
                    }
                }
                catch (KafkaProtocolException ex)
                {
                    Log.MalformedRequest(_logger, _broker.Id, Id, ex.Message);
                    break;
                }
                var outcome = await _dispatcher.DispatchAsync(frame, _broker, Id, token).ConfigureAwait(false);
                if (outcome.Close) break;
                if (outcome.Response is { } response)
                {
                    ResponseWriter.Write(writer, outcome.CorrelationId, outcome.ApiKey, outcome.Version, response);
                    var flush = await writer.FlushAsync(token).ConfigureAwait(false);
                    if (flush.IsCompleted || flush.IsCanceled) break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Broker stop or cluster disposal.
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or System.Net.Sockets.SocketException or ObjectDisposedException)
        {
            Log.TransportError(_logger, _broker.Id, Id, ex.Message);
        }
        finally
        {
            _broker.Connections.Remove(this);
            // Completing the writer flushes whatever a cancelled flush left behind, to a transport that an abort (or
            // the peer) may already have closed: closing must never fault the loop, or stopping the broker would throw.
            // An aborted connection closes its transport first, so completing the writer cannot wait on a peer that has
            // stopped reading.
            if (token.IsCancellationRequested) await CloseQuietlyAsync(DisposeTransport).ConfigureAwait(false);
            await CloseQuietlyAsync(() => reader.CompleteAsync()).ConfigureAwait(false);
            await CloseQuietlyAsync(() => writer.CompleteAsync()).ConfigureAwait(false);
            await CloseQuietlyAsync(DisposeTransport).ConfigureAwait(false);
            _cts.Dispose();
            Log.ConnectionClosed(_logger, _broker.Id, Id);
        }
    }

    /// <summary>Frames up to this size that carry a Produce request reuse one buffer per connection.</summary>
    private const int ReusedFrameMaxBytes = 8 << 20;

    /// <summary>
    /// The request's own copy of its frame. Produce frames, the large ones, reuse one buffer per connection: requests are
    /// handled one at a time, and the produce handler keeps no slice of its frame once it returns (it copies each batch
    /// into the log), so a fresh large array per request would only mean new memory to fault in and collect.
    /// </summary>
    private Memory<byte> CopyFrame(in ReadOnlySequence<byte> slice)
    {
        int length = (int)slice.Length;
        var header = new SequenceReader<byte>(slice);
        bool produce = length <= ReusedFrameMaxBytes && header.TryReadBigEndian(out short apiKey) && apiKey == (short)ApiKey.Produce;
        byte[] target = produce ? ProduceBuffer(length) : new byte[length];
        slice.CopyTo(target);
        return target.AsMemory(0, length);
    }

    private byte[] ProduceBuffer(int length) =>
        _produceFrame is { } reused && reused.Length >= length ? reused
        : _produceFrame = GC.AllocateUninitializedArray<byte>(Math.Min((int)BitOperations.RoundUpToPowerOf2((uint)length), ReusedFrameMaxBytes));

    /// <summary>A frame whose missing part is at least this large is read straight from the stream.</summary>
    private const int DirectReadMinBytes = 64 << 10;

    /// <summary>
    /// For a large Produce frame of which <paramref name="buffered"/> holds only the start (and nothing after it): copies
    /// that start into the connection's Produce buffer and returns where the rest goes, to be read from the stream in
    /// few large reads rather than through the pipe's small segments and a second copy. Null when the frame is not one.
    /// </summary>
    private (Memory<byte> Frame, Memory<byte> Missing)? StartDirectRead(in ReadOnlySequence<byte> buffered)
    {
        if (_transport is null || buffered.Length < 6) return null;
        var header = new SequenceReader<byte>(buffered);
        header.TryReadBigEndian(out int length);
        header.TryReadBigEndian(out short apiKey);
        long have = buffered.Length - 4;
        if (apiKey != (short)ApiKey.Produce || length > ReusedFrameMaxBytes || length - have < DirectReadMinBytes) return null;
        var target = ProduceBuffer(length);
        buffered.Slice(4).CopyTo(target);
        return (target.AsMemory(0, length), target.AsMemory((int)have, length - (int)have));
    }

    private ValueTask DisposeTransport()
    {
        _transport?.Dispose();
        return ValueTask.CompletedTask;
    }

    private async ValueTask CloseQuietlyAsync(Func<ValueTask> close)
    {
        try
        {
            await close().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or System.Net.Sockets.SocketException
                                       or ObjectDisposedException or OperationCanceledException)
        {
            Log.TransportError(_logger, _broker.Id, Id, ex.Message);
        }
    }
}

/// <summary>Frames a response: size, response header (version from the API), body.</summary>
internal static class ResponseWriter
{
    public static void Write(PipeWriter writer, int correlationId, ApiKey key, short version, Protocol.Messages.IKafkaApiMessage body)
    {
        short headerVersion = ApiKeys.ResponseHeaderVersion(key, version);
        var header = new Protocol.Messages.ResponseHeader { CorrelationId = correlationId };
        int headerSize = header.ComputeSize(headerVersion);
        int bodySize = body.ComputeSize(version);
        int total = 4 + headerSize + bodySize;
        var span = writer.GetSpan(total)[..total];
        var w = new KafkaWriter(span);
        w.WriteInt32(headerSize + bodySize);
        header.Write(ref w, headerVersion);
        body.Write(ref w, version);
        writer.Advance(total);
    }
}
