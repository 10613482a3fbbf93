using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;

namespace Samsa.Protocol.Primitives;

/// <summary>
/// A forward-only writer of Kafka's big-endian wire encoding into a span whose size was computed beforehand
/// (see <see cref="KafkaSize"/> and each message's <c>ComputeSize</c>). Lengths that are only known after the
/// fact can be back-patched with <see cref="PatchInt32"/>.
/// </summary>
public ref struct KafkaWriter
{
    private readonly Span<byte> _buffer;
    private int _position;

    /// <summary>Creates a writer over <paramref name="buffer"/>.</summary>
    public KafkaWriter(Span<byte> buffer)
    {
        _buffer = buffer;
        _position = 0;
    }

    /// <summary>Bytes written so far.</summary>
    public readonly int Position => _position;

    /// <summary>The bytes written so far.</summary>
    public readonly ReadOnlySpan<byte> Written => _buffer[.._position];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Span<byte> Claim(int count)
    {
        if ((uint)count > (uint)(_buffer.Length - _position)) ThrowHelper.ThrowWriterOverflow(count, _buffer.Length - _position);
        var span = _buffer.Slice(_position, count);
        _position += count;
        return span;
    }

    /// <summary>Reserves <paramref name="count"/> bytes to be filled in later and returns their offset.</summary>
    public int Reserve(int count)
    {
        int at = _position;
        Claim(count);
        return at;
    }

    /// <summary>Overwrites four bytes at <paramref name="offset"/> with a big-endian integer.</summary>
    public readonly void PatchInt32(int offset, int value) => BinaryPrimitives.WriteInt32BigEndian(_buffer.Slice(offset, 4), value);

    /// <summary>Returns a span over bytes already written, for example to checksum them.</summary>
    public readonly Span<byte> Slice(int offset, int count) => _buffer.Slice(offset, count);

    /// <summary>Writes raw bytes.</summary>
    public void WriteSpan(scoped ReadOnlySpan<byte> bytes) => bytes.CopyTo(Claim(bytes.Length));

    /// <summary>Writes a boolean as one byte.</summary>
    public void WriteBool(bool value) => Claim(1)[0] = value ? (byte)1 : (byte)0;

    /// <summary>Writes a signed byte.</summary>
    public void WriteInt8(sbyte value) => Claim(1)[0] = (byte)value;

    /// <summary>Writes a big-endian 16-bit integer.</summary>
    public void WriteInt16(short value) => BinaryPrimitives.WriteInt16BigEndian(Claim(2), value);

    /// <summary>Writes a big-endian unsigned 16-bit integer.</summary>
    public void WriteUInt16(ushort value) => BinaryPrimitives.WriteUInt16BigEndian(Claim(2), value);

    /// <summary>Writes a big-endian 32-bit integer.</summary>
    public void WriteInt32(int value) => BinaryPrimitives.WriteInt32BigEndian(Claim(4), value);

    /// <summary>Writes a big-endian unsigned 32-bit integer.</summary>
    public void WriteUInt32(uint value) => BinaryPrimitives.WriteUInt32BigEndian(Claim(4), value);

    /// <summary>Writes a big-endian 64-bit integer.</summary>
    public void WriteInt64(long value) => BinaryPrimitives.WriteInt64BigEndian(Claim(8), value);

    /// <summary>Writes a big-endian IEEE 754 double.</summary>
    public void WriteFloat64(double value) => BinaryPrimitives.WriteDoubleBigEndian(Claim(8), value);

    /// <summary>Writes a 16-byte UUID.</summary>
    public void WriteUuid(Uuid value) => value.WriteTo(Claim(16));

    /// <summary>Writes an unsigned LEB128 varint.</summary>
    public void WriteUnsignedVarInt(uint value)
    {
        while (value >= 0x80)
        {
            Claim(1)[0] = (byte)(value | 0x80);
            value >>= 7;
        }
        Claim(1)[0] = (byte)value;
    }

    /// <summary>Writes an unsigned LEB128 varlong.</summary>
    public void WriteUnsignedVarLong(ulong value)
    {
        while (value >= 0x80)
        {
            Claim(1)[0] = (byte)(value | 0x80);
            value >>= 7;
        }
        Claim(1)[0] = (byte)value;
    }

    /// <summary>Writes a zigzag-encoded signed varint.</summary>
    public void WriteVarInt(int value) => WriteUnsignedVarInt((uint)((value << 1) ^ (value >> 31)));

    /// <summary>Writes a zigzag-encoded signed varlong.</summary>
    public void WriteVarLong(long value) => WriteUnsignedVarLong((ulong)((value << 1) ^ (value >> 63)));

    private void WriteLength(bool compact, bool int16Prefix, int length)
    {
        if (compact) WriteUnsignedVarInt((uint)(length + 1));
        else if (int16Prefix) WriteInt16(checked((short)length));
        else WriteInt32(length);
    }

    /// <summary>Writes a nullable string with an int16 or compact length prefix.</summary>
    public void WriteNullableString(string? value, bool compact)
    {
        if (value is null)
        {
            WriteLength(compact, int16Prefix: true, -1);
            return;
        }
        int byteCount = Encoding.UTF8.GetByteCount(value);
        if (!compact && byteCount > short.MaxValue) throw new KafkaProtocolException($"String of {byteCount} bytes exceeds the int16 length prefix.");
        WriteLength(compact, int16Prefix: true, byteCount);
        Encoding.UTF8.GetBytes(value, Claim(byteCount));
    }

    /// <summary>Writes nullable bytes with an int32 or compact length prefix.</summary>
    public void WriteNullableBytes(scoped ReadOnlySpan<byte> value, bool isNull, bool compact)
    {
        if (isNull)
        {
            WriteLength(compact, int16Prefix: false, -1);
            return;
        }
        WriteLength(compact, int16Prefix: false, value.Length);
        WriteSpan(value);
    }

    /// <summary>Writes an array count with an int32 or compact prefix; -1 writes null.</summary>
    public void WriteArrayLength(int count, bool compact) => WriteLength(compact, int16Prefix: false, count);
}
