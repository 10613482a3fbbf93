using System.Buffers;
using System.Buffers.Binary;

namespace Samsa.Protocol.Primitives;

/// <summary>
/// Splits a byte stream into Kafka frames (an int32 big-endian size followed by that many bytes).
/// Incomplete input is not an error: the caller waits for more bytes.
/// </summary>
public static class FrameReader
{
    /// <summary>Kafka's default <c>socket.request.max.bytes</c> (100 MiB).</summary>
    public const int DefaultMaxFrameSize = 104_857_600;

    /// <summary>
    /// Tries to take one whole frame from the front of <paramref name="buffer"/>. On success, <paramref name="frame"/>
    /// is the frame's payload (without the size prefix) and <paramref name="buffer"/> is advanced past it.
    /// Throws <see cref="KafkaProtocolException"/> when the size is negative or larger than <paramref name="maxFrameSize"/>.
    /// </summary>
    public static bool TryReadFrame(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> frame, int maxFrameSize = DefaultMaxFrameSize)
    {
        frame = default;
        if (buffer.Length < 4) return false;
        int size;
        if (buffer.FirstSpan.Length >= 4)
        {
            size = BinaryPrimitives.ReadInt32BigEndian(buffer.FirstSpan);
        }
        else
        {
            Span<byte> prefix = stackalloc byte[4];
            buffer.Slice(0, 4).CopyTo(prefix);
            size = BinaryPrimitives.ReadInt32BigEndian(prefix);
        }
        if (size < 0 || size > maxFrameSize)
            throw new KafkaProtocolException($"Invalid frame size {size} (limit {maxFrameSize}).");
        if (buffer.Length - 4 < size) return false;
        frame = buffer.Slice(4, size);
        buffer = buffer.Slice(frame.End);
        return true;
    }

    /// <summary>Span variant of <see cref="TryReadFrame(ref ReadOnlySequence{byte}, out ReadOnlySequence{byte}, int)"/>; returns the bytes consumed (0 when incomplete).</summary>
    public static int TryReadFrame(ReadOnlySpan<byte> buffer, out Range frame, int maxFrameSize = DefaultMaxFrameSize)
    {
        frame = default;
        if (buffer.Length < 4) return 0;
        int size = BinaryPrimitives.ReadInt32BigEndian(buffer);
        if (size < 0 || size > maxFrameSize)
            throw new KafkaProtocolException($"Invalid frame size {size} (limit {maxFrameSize}).");
        if (buffer.Length - 4 < size) return 0;
        frame = new Range(4, 4 + size);
        return 4 + size;
    }
}
