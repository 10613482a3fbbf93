using System.IO.Pipelines;

namespace Samsa.Client.Connections;

/// <summary>
/// A duplex pipe over a <see cref="Stream"/> (socket or TLS) that disposes the stream. Reads happen on a thread of the
/// connection's own (<see cref="StreamReaderThread"/>); writes go straight to the stream from whoever flushes.
/// </summary>
internal sealed class StreamDuplexPipe : IDuplexPipe, IAsyncDisposable
{
    private readonly Stream _stream;

    public StreamDuplexPipe(Stream stream, string readerThreadName)
    {
        _stream = stream;
        Input = StreamReaderThread.Start(stream, readerThreadName);
        Output = PipeWriter.Create(stream, new StreamPipeWriterOptions(pool: new FrameMemoryPool(new FramePool()), minimumBufferSize: 4_096, leaveOpen: true));
    }

    public PipeReader Input { get; }

    public PipeWriter Output { get; }

    public async ValueTask DisposeAsync()
    {
        await Input.CompleteAsync().ConfigureAwait(false);
        try
        {
            await Output.CompleteAsync().ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The peer is gone; unflushed bytes have nowhere to go.
        }
        catch (ObjectDisposedException)
        {
        }
        await _stream.DisposeAsync().ConfigureAwait(false);
    }
}
