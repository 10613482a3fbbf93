using System.IO.Pipelines;

namespace Samsa.Client.Connections;

/// <summary>
/// Reads a connection's stream on a thread of its own, with blocking reads, into a pipe whose reader resumes on that
/// same thread: the connection's read loop, and whatever it completes inline (the producer's next send), runs there as
/// on librdkafka's broker threads. A response then wakes one thread that was parked in the kernel, not a thread-pool
/// worker that afterwards spins looking for more work.
/// </summary>
internal sealed class StreamReaderThread
{
    private const int ReadSize = 65_536;
    private readonly Stream _stream;
    private readonly Pipe _pipe;

    private StreamReaderThread(Stream stream)
    {
        _stream = stream;
        // No pause threshold: the reader runs inline on every flush, so unread bytes never pile up beyond one frame, and a
        // frame larger than a threshold must still reach the reader whole.
        _pipe = new Pipe(new PipeOptions(
            readerScheduler: PipeScheduler.Inline,
            writerScheduler: PipeScheduler.Inline,
            pauseWriterThreshold: 0,
            minimumSegmentSize: ReadSize,
            useSynchronizationContext: false));
    }

    /// <summary>Starts the thread; the returned reader yields what it reads until the stream ends or fails.</summary>
    public static PipeReader Start(Stream stream, string name)
    {
        var reader = new StreamReaderThread(stream);
        new Thread(reader.Run) { IsBackground = true, Name = name }.Start();
        return reader._pipe.Reader;
    }

    private void Run()
    {
        var writer = _pipe.Writer;
        Exception? error = null;
        try
        {
            while (true)
            {
                var memory = writer.GetMemory(ReadSize);
                int read = _stream.Read(memory.Span);
                if (read == 0) break;
                writer.Advance(read);
                var flush = writer.FlushAsync();
                var result = flush.IsCompletedSuccessfully ? flush.Result : flush.AsTask().GetAwaiter().GetResult();
                if (result.IsCompleted) break; // the reader is done with the connection
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException or OperationCanceledException)
        {
            // Closed under us (dispose) or reset by the peer: the reader sees the failure.
            error = e;
        }
        writer.Complete(error);
    }
}
