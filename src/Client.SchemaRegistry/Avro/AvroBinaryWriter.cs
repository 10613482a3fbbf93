using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;

namespace Samsa.SchemaRegistry.Avro;

/// <summary>
/// Writes Avro binary encoding into an <see cref="IBufferWriter{T}"/>. Holds one span from the buffer writer at
/// a time and commits it on <see cref="Flush"/>; call <see cref="Flush"/> once at the end.
/// </summary>
public ref struct AvroBinaryWriter
{
    private readonly IBufferWriter<byte> _output;
    private Span<byte> _span;
    private int _pos;

    /// <summary>Creates a writer over <paramref name="output"/>.</summary>
    public AvroBinaryWriter(IBufferWriter<byte> output)
    {
        _output = output ?? throw new ArgumentNullException(nameof(output));
        _span = default;
        _pos = 0;
    }

    /// <summary>Commits the bytes written so far to the buffer writer.</summary>
    public void Flush()
    {
        if (_pos > 0)
        {
            _output.Advance(_pos);
            _pos = 0;
        }

        _span = default;
    }

    /// <summary>Writes a boolean as one byte.</summary>
    public void WriteBoolean(bool value)
    {
        Ensure(1);
        _span[_pos++] = value ? (byte)1 : (byte)0;
    }

    /// <summary>Writes a zigzag varint int.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteInt(int value) => WriteLong(value);

    /// <summary>Writes a zigzag varint long.</summary>
    public void WriteLong(long value)
    {
        Ensure(10);
        var n = (ulong)((value << 1) ^ (value >> 63));
        var span = _span;
        var pos = _pos;
        while (n >= 0x80)
        {
            span[pos++] = (byte)(n | 0x80);
            n >>= 7;
        }

        span[pos++] = (byte)n;
        _pos = pos;
    }

    /// <summary>Writes a little-endian IEEE 754 float.</summary>
    public void WriteFloat(float value)
    {
        Ensure(4);
        BinaryPrimitives.WriteSingleLittleEndian(_span[_pos..], value);
        _pos += 4;
    }

    /// <summary>Writes a little-endian IEEE 754 double.</summary>
    public void WriteDouble(double value)
    {
        Ensure(8);
        BinaryPrimitives.WriteDoubleLittleEndian(_span[_pos..], value);
        _pos += 8;
    }

    /// <summary>Writes a length-prefixed byte sequence.</summary>
    public void WriteBytes(scoped ReadOnlySpan<byte> value)
    {
        WriteLong(value.Length);
        WriteFixed(value);
    }

    /// <summary>Writes a length-prefixed UTF-8 string.</summary>
    public void WriteString(string value)
    {
        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (max <= 512)
        {
            // Encode straight into the output after reserving room for the longest prefix.
            Ensure(max + 5);
            var written = Encoding.UTF8.GetBytes(value, _span[(_pos + 5)..]);
            var prefixStart = _pos;
            WriteLong(written);
            var prefixLen = _pos - prefixStart;
            if (prefixLen != 5)
            {
                _span.Slice(prefixStart + 5, written).CopyTo(_span[_pos..]);
            }

            _pos += written;
            return;
        }

        var count = Encoding.UTF8.GetByteCount(value);
        WriteLong(count);
        Ensure(count);
        Encoding.UTF8.GetBytes(value, _span[_pos..]);
        _pos += count;
    }

    /// <summary>Writes raw bytes (fixed, or a payload).</summary>
    public void WriteFixed(scoped ReadOnlySpan<byte> value)
    {
        Ensure(value.Length);
        value.CopyTo(_span[_pos..]);
        _pos += value.Length;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Ensure(int count)
    {
        if (_span.Length - _pos < count)
        {
            Grow(count);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow(int count)
    {
        Flush();
        _span = _output.GetSpan(Math.Max(count, 512));
    }
}
