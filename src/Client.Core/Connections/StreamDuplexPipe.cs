using System.IO.Pipelines;

namespace Samsa.Client.Connections;

/// <summary>A duplex pipe over a <see cref="Stream"/> (socket or TLS) that disposes the stream.</summary>
internal sealed class StreamDuplexPipe : IDuplexPipe, IAsyncDisposable
{
    private readonly Stream _stream;

    public StreamDuplexPipe(Stream stream)
    {
        _stream = stream;
        Input = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 65_536, minimumReadSize: 4_096, leaveOpen: true));
        Output = PipeWriter.Create(stream, new StreamPipeWriterOptions(minimumBufferSize: 4_096, leaveOpen: true));
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
