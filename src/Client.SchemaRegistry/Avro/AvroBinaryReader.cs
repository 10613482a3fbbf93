using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Text;

namespace Samsa.SchemaRegistry.Avro;

/// <summary>Reads Avro binary encoding from a span. Malformed or truncated input throws <see cref="AvroException"/>.</summary>
public ref struct AvroBinaryReader
{
    private readonly ReadOnlySpan<byte> _buffer;
    private int _pos;

    /// <summary>Creates a reader over <paramref name="buffer"/>.</summary>
    public AvroBinaryReader(ReadOnlySpan<byte> buffer)
    {
        _buffer = buffer;
        _pos = 0;
    }

    /// <summary>Bytes consumed so far.</summary>
    public readonly int Position => _pos;

    /// <summary>Bytes left.</summary>
    public readonly int Remaining => _buffer.Length - _pos;

    /// <summary>Reads a boolean byte (0 or 1).</summary>
    public bool ReadBoolean()
    {
        Need(1);
        var b = _buffer[_pos++];
        return b switch
        {
            0 => false,
            1 => true,
            _ => Throw<bool>($"Invalid boolean byte {b}."),
        };
    }

    /// <summary>Reads a zigzag varint int.</summary>
    public int ReadInt()
    {
        var v = ReadLong();
        return v is < int.MinValue or > int.MaxValue ? Throw<int>($"Int out of range: {v}.") : (int)v;
    }

    /// <summary>Reads a zigzag varint long.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long ReadLong()
    {
        var buf = _buffer;
        var pos = _pos;
        if (pos < buf.Length && buf[pos] < 0x80)
        {
            _pos = pos + 1;
            var b = (ulong)buf[pos];
            return (long)(b >> 1) ^ -(long)(b & 1);
        }

        return ReadLongSlow();
    }

    private long ReadLongSlow()
    {
        ulong result = 0;
        var shift = 0;
        while (true)
        {
            Need(1);
            var b = _buffer[_pos++];
            if (shift == 63 && b > 1)
            {
                Throw<long>("Varint is longer than 64 bits.");
            }

            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                break;
            }

            shift += 7;
            if (shift > 63)
            {
                Throw<long>("Varint is longer than 10 bytes.");
            }
        }

        return (long)(result >> 1) ^ -(long)(result & 1);
    }

    /// <summary>Reads a little-endian float.</summary>
    public float ReadFloat()
    {
        Need(4);
        var v = BinaryPrimitives.ReadSingleLittleEndian(_buffer[_pos..]);
        _pos += 4;
        return v;
    }

    /// <summary>Reads a little-endian double.</summary>
    public double ReadDouble()
    {
        Need(8);
        var v = BinaryPrimitives.ReadDoubleLittleEndian(_buffer[_pos..]);
        _pos += 8;
        return v;
    }

    /// <summary>Reads a length-prefixed byte sequence as a view of the input.</summary>
    public ReadOnlySpan<byte> ReadBytesSpan()
    {
        var len = ReadLength();
        return ReadFixedSpan(len);
    }

    /// <summary>Reads a length-prefixed byte sequence into a new array.</summary>
    public byte[] ReadBytes() => ReadBytesSpan().ToArray();

    /// <summary>Reads a length-prefixed UTF-8 string.</summary>
    public string ReadString()
    {
        var span = ReadBytesSpan();
        return span.Length == 0 ? string.Empty : Encoding.UTF8.GetString(span);
    }

    /// <summary>Reads <paramref name="size"/> raw bytes as a view of the input.</summary>
    public ReadOnlySpan<byte> ReadFixedSpan(int size)
    {
        Need(size);
        var s = _buffer.Slice(_pos, size);
        _pos += size;
        return s;
    }

    /// <summary>Skips <paramref name="count"/> bytes.</summary>
    public void Skip(long count)
    {
        if (count < 0 || count > Remaining)
        {
            Throw<int>($"Cannot skip {count} bytes; {Remaining} left.");
        }

        _pos += (int)count;
    }

    /// <summary>
    /// Reads an array or map block header. Returns the item count (0 ends the sequence); a negative count on the
    /// wire is followed by the block's byte size, which is returned in <paramref name="byteSize"/> (else -1).
    /// </summary>
    public long ReadBlockCount(out long byteSize)
    {
        var count = ReadLong();
        byteSize = -1;
        if (count < 0)
        {
            if (count == long.MinValue)
            {
                Throw<int>("Invalid block count.");
            }

            count = -count;
            byteSize = ReadLong();
            if (byteSize < 0)
            {
                Throw<int>("Negative block byte size.");
            }
        }

        // Every item takes at least zero bytes, so only guard against absurd counts for allocation purposes.
        if (count > int.MaxValue)
        {
            Throw<int>($"Block count {count} is too large.");
        }

        return count;
    }

    internal int ReadLength()
    {
        var len = ReadLong();
        if (len < 0 || len > Remaining)
        {
            Throw<int>($"Length {len} is negative or exceeds the {Remaining} bytes left.");
        }

        return (int)len;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly void Need(int count)
    {
        if ((uint)count > (uint)(_buffer.Length - _pos))
        {
            Throw<int>($"Unexpected end of data: need {count} bytes at offset {_pos}, {_buffer.Length - _pos} left.");
        }
    }

    [DoesNotReturn]
    internal static T Throw<T>(string message) => throw new AvroException(message);
}
