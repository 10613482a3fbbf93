using System.Buffers;

namespace Samsa.Protocol.Records;

/// <summary>An <see cref="IBufferWriter{T}"/> over arrays rented from <see cref="ArrayPool{T}.Shared"/>; reusable after <see cref="Clear"/>.</summary>
internal sealed class PooledBufferWriter : IBufferWriter<byte>, IDisposable
{
    private byte[] _buffer;
    private int _written;

    public PooledBufferWriter(int initialCapacity = 4096) => _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(initialCapacity, 256));

    /// <summary>The bytes written since the last <see cref="Clear"/>.</summary>
    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _written);

    /// <summary>The bytes written since the last <see cref="Clear"/>, writable for patching.</summary>
    public Span<byte> WrittenSpan => _buffer.AsSpan(0, _written);

    /// <summary>Number of bytes written.</summary>
    public int WrittenCount => _written;

    /// <summary>Forgets the written bytes, keeping the buffer.</summary>
    public void Clear() => _written = 0;

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

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_written);
    }

    /// <summary>Makes room for at least <paramref name="sizeHint"/> more bytes (at least one).</summary>
    public void Ensure(int sizeHint)
    {
        int needed = Math.Max(sizeHint, 1);
        if (_buffer.Length - _written >= needed) return;
        long target = Math.Max((long)_buffer.Length * 2, (long)_written + needed);
        if (target > Array.MaxLength) target = Math.Max(Array.MaxLength, (long)_written + needed);
        if (target > Array.MaxLength) throw new InvalidOperationException("Buffer would exceed the maximum array length.");
        byte[] next = ArrayPool<byte>.Shared.Rent((int)target);
        _buffer.AsSpan(0, _written).CopyTo(next);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = next;
    }

    public void Dispose()
    {
        byte[] buffer = _buffer;
        _buffer = [];
        _written = 0;
        if (buffer.Length > 0) ArrayPool<byte>.Shared.Return(buffer);
    }
}
