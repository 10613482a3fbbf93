using System.Buffers;
using System.Buffers.Binary;

namespace Samsa.Client.Connections;

/// <summary>
/// Large responses to leased requests (Fetch, up to <c>fetch.max.bytes</c>) are copied into their frame buffer while they
/// arrive, and the pipe's bytes are consumed at once, instead of waiting until the whole frame sits in the pipe. The
/// pipe then never holds more than a read's worth of a large frame: its small pooled segments are reused instead of
/// hundreds being allocated per frame, and the frame is copied only once.
/// </summary>
public sealed partial class KafkaConnection
{
    /// <summary>Frames to leased requests larger than this are streamed into their buffer.</summary>
    internal const int StreamedFrameThreshold = FramePool.SharedPoolMax;

    private byte[]? _streamed; // the buffer of the frame being streamed, owned by the read loop until complete
    private int _streamedLength;
    private int _streamedFilled;

    /// <summary>
    /// Called when <paramref name="buffer"/> does not hold a complete frame: starts streaming it when it is large and
    /// answers a leased request. Returns true when streaming started (the size prefix is consumed).
    /// </summary>
    private bool TryStartStreamedFrame(ref ReadOnlySequence<byte> buffer)
    {
        if (buffer.Length < 4) return false;
        int size;
        if (buffer.FirstSpan.Length >= 4) size = BinaryPrimitives.ReadInt32BigEndian(buffer.FirstSpan);
        else
        {
            Span<byte> prefix = stackalloc byte[4];
            buffer.Slice(0, 4).CopyTo(prefix);
            size = BinaryPrimitives.ReadInt32BigEndian(prefix);
        }
        // The size was validated by FrameReader.TryReadFrame, which found the frame incomplete.
        if (size <= StreamedFrameThreshold) return false;
        lock (_inFlight)
        {
            if (_inFlight.Count == 0 || !_inFlight.Peek().OwnsFrame) return false;
        }
        _streamed = _leaseFrames.Rent(size);
        _streamedLength = size;
        _streamedFilled = 0;
        buffer = buffer.Slice(4);
        return true;
    }

    /// <summary>
    /// Copies what <paramref name="buffer"/> holds of the streamed frame; when the frame is complete, handles it and
    /// returns true (more frames may follow in <paramref name="buffer"/>).
    /// </summary>
    private bool ContinueStreamedFrame(ref ReadOnlySequence<byte> buffer)
    {
        var frame = _streamed!;
        int take = (int)Math.Min(buffer.Length, _streamedLength - _streamedFilled);
        buffer.Slice(0, take).CopyTo(frame.AsSpan(_streamedFilled));
        buffer = buffer.Slice(take);
        _streamedFilled += take;
        if (_streamedFilled < _streamedLength) return false;
        _streamed = null;
        PendingRequest pending;
        try
        {
            pending = DequeueInFlight();
        }
        catch
        {
            _leaseFrames.Return(frame);
            throw;
        }
        try
        {
            // Only the read loop dequeues, so this is the request that was first in flight when streaming started.
            pending.AdoptFrame(frame, _leaseFrames);
            HandleResponse(pending, frame.AsSpan(0, _streamedLength));
        }
        finally
        {
            pending.Release();
        }
        return true;
    }

    /// <summary>Returns the buffer of a frame the read loop stopped streaming (the connection failed).</summary>
    private void AbandonStreamedFrame()
    {
        if (_streamed is { } frame)
        {
            _streamed = null;
            _leaseFrames.Return(frame);
        }
    }
}
