using System.Buffers;
using System.Runtime.CompilerServices;

namespace Samsa.Producer.Internal;

/// <summary>
/// A per-thread, reusable <see cref="IBufferWriter{T}"/> the key and value are serialized into before they are encoded
/// into the batch: no allocation per record, one copy of the bytes.
/// </summary>
internal sealed class ScratchWriter : IBufferWriter<byte>
{
    [ThreadStatic]
    private static ScratchWriter? _current;

    private byte[] _buffer = new byte[4096];
    private int _written;

    /// <summary>This thread's writer, emptied.</summary>
    public static ScratchWriter Rent()
    {
        var writer = _current ??= new ScratchWriter();
        writer._written = 0;
        return writer;
    }

    public int WrittenCount => _written;

    public ReadOnlySpan<byte> Slice(int start, int length) => _buffer.AsSpan(start, length);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Advance(int count)
    {
        if ((uint)count > (uint)(_buffer.Length - _written)) throw new ArgumentOutOfRangeException(nameof(count));
        _written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_written);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_written);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Ensure(int sizeHint)
    {
        int needed = Math.Max(sizeHint, 1);
        if (_buffer.Length - _written >= needed) return;
        long target = Math.Max((long)_buffer.Length * 2, (long)_written + needed);
        if (target > Array.MaxLength) throw new InvalidOperationException("Serialized record is too large.");
        var next = new byte[target];
        _buffer.AsSpan(0, _written).CopyTo(next);
        _buffer = next;
    }
}
