using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;

namespace Samsa.Protocol.Primitives;

/// <summary>
/// A forward-only reader of Kafka's big-endian wire encoding over one contiguous span.
/// Every read checks bounds first and throws <see cref="KafkaProtocolException"/> on malformed input;
/// no read allocates more than the bytes actually present.
/// </summary>
/// <remarks>
/// When built from <see cref="ReadOnlyMemory{T}"/>, record sets are returned as slices of that memory
/// (zero copy); when built from a span, they are copied.
/// </remarks>
public ref struct KafkaReader
{
    private readonly ReadOnlySpan<byte> _buffer;
    private readonly ReadOnlyMemory<byte> _memory;
    private readonly bool _hasMemory;
    private int _position;

    /// <summary>Creates a reader over a span; record sets read from it are copied.</summary>
    public KafkaReader(ReadOnlySpan<byte> buffer)
    {
        _buffer = buffer;
        _memory = default;
        _hasMemory = false;
        _position = 0;
    }

    /// <summary>Creates a reader over memory; record sets read from it are zero-copy slices.</summary>
    public KafkaReader(ReadOnlyMemory<byte> memory)
    {
        _buffer = memory.Span;
        _memory = memory;
        _hasMemory = true;
        _position = 0;
    }

    /// <summary>Bytes consumed so far.</summary>
    public readonly int Position => _position;

    /// <summary>Bytes not yet consumed.</summary>
    public readonly int Remaining => _buffer.Length - _position;

    /// <summary>True when every byte has been consumed.</summary>
    public readonly bool End => _position >= _buffer.Length;

    /// <summary>The bytes not yet consumed.</summary>
    public readonly ReadOnlySpan<byte> RemainingSpan => _buffer[_position..];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ReadOnlySpan<byte> Take(int count)
    {
        if ((uint)count > (uint)(_buffer.Length - _position)) ThrowHelper.ThrowTruncated(count, Remaining);
        var span = _buffer.Slice(_position, count);
        _position += count;
        return span;
    }

    /// <summary>Skips <paramref name="count"/> bytes.</summary>
    public void Skip(int count) => Take(count);

    /// <summary>Reads <paramref name="count"/> raw bytes as a span over the input.</summary>
    public ReadOnlySpan<byte> ReadSpan(int count) => Take(count);

    /// <summary>Reads a boolean (one byte, non-zero is true).</summary>
    public bool ReadBool() => Take(1)[0] != 0;

    /// <summary>Reads a signed byte.</summary>
    public sbyte ReadInt8() => (sbyte)Take(1)[0];

    /// <summary>Reads a big-endian 16-bit integer.</summary>
    public short ReadInt16() => BinaryPrimitives.ReadInt16BigEndian(Take(2));

    /// <summary>Reads a big-endian unsigned 16-bit integer.</summary>
    public ushort ReadUInt16() => BinaryPrimitives.ReadUInt16BigEndian(Take(2));

    /// <summary>Reads a big-endian 32-bit integer.</summary>
    public int ReadInt32() => BinaryPrimitives.ReadInt32BigEndian(Take(4));

    /// <summary>Reads a big-endian unsigned 32-bit integer.</summary>
    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32BigEndian(Take(4));

    /// <summary>Reads a big-endian 64-bit integer.</summary>
    public long ReadInt64() => BinaryPrimitives.ReadInt64BigEndian(Take(8));

    /// <summary>Reads a big-endian IEEE 754 double.</summary>
    public double ReadFloat64() => BinaryPrimitives.ReadDoubleBigEndian(Take(8));

    /// <summary>Reads a 16-byte UUID.</summary>
    public Uuid ReadUuid() => Uuid.FromBytes(Take(16));

    /// <summary>Reads an unsigned LEB128 varint of at most 5 bytes.</summary>
    public uint ReadUnsignedVarInt()
    {
        uint result = 0;
        for (int shift = 0; shift < 35; shift += 7)
        {
            if (_position >= _buffer.Length) ThrowHelper.ThrowTruncated(1, 0);
            byte b = _buffer[_position++];
            result |= (uint)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return result;
        }
        ThrowHelper.ThrowMalformedVarint();
        return 0;
    }

    /// <summary>Reads an unsigned LEB128 varlong of at most 10 bytes.</summary>
    public ulong ReadUnsignedVarLong()
    {
        ulong result = 0;
        for (int shift = 0; shift < 70; shift += 7)
        {
            if (_position >= _buffer.Length) ThrowHelper.ThrowTruncated(1, 0);
            byte b = _buffer[_position++];
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return result;
        }
        ThrowHelper.ThrowMalformedVarint();
        return 0;
    }

    /// <summary>Reads a zigzag-encoded signed varint (record fields).</summary>
    public int ReadVarInt()
    {
        uint raw = ReadUnsignedVarInt();
        return (int)(raw >> 1) ^ -(int)(raw & 1);
    }

    /// <summary>Reads a zigzag-encoded signed varlong (record fields).</summary>
    public long ReadVarLong()
    {
        ulong raw = ReadUnsignedVarLong();
        return (long)(raw >> 1) ^ -(long)(raw & 1);
    }

    /// <summary>
    /// Reads a length prefix: int16 (classic strings), int32 (classic bytes and arrays) or an unsigned varint
    /// holding length + 1 (compact). Returns -1 for null. Non-null lengths are checked against the remaining bytes
    /// when <paramref name="elementMinSize"/> is positive.
    /// </summary>
    private int ReadLength(bool compact, bool int16Prefix, string what, int elementMinSize)
    {
        long length;
        if (compact) length = (long)ReadUnsignedVarInt() - 1;
        else length = int16Prefix ? ReadInt16() : ReadInt32();
        if (length < -1) ThrowHelper.ThrowInvalidLength(what, length, Remaining);
        if (length > 0 && elementMinSize > 0 && length * elementMinSize > Remaining) ThrowHelper.ThrowInvalidLength(what, length, Remaining);
        return (int)length;
    }

    /// <summary>Reads a nullable string (int16 length, or compact varint length + 1).</summary>
    public string? ReadNullableString(bool compact)
    {
        int length = ReadLength(compact, int16Prefix: true, "string", 1);
        if (length < 0) return null;
        return length == 0 ? string.Empty : Encoding.UTF8.GetString(Take(length));
    }

    /// <summary>Reads a non-nullable string; a null on the wire is a protocol error.</summary>
    public string ReadString(bool compact, string field = "string") =>
        ReadNullableString(compact) ?? ThrowHelper.ThrowProtocol<string>($"Non-nullable {field} was null.");

    /// <summary>Reads nullable bytes (int32 length, or compact varint length + 1) into a new array.</summary>
    public byte[]? ReadNullableBytes(bool compact)
    {
        int length = ReadLength(compact, int16Prefix: false, "bytes", 1);
        if (length < 0) return null;
        return length == 0 ? [] : Take(length).ToArray();
    }

    /// <summary>Reads non-nullable bytes; a null on the wire is a protocol error.</summary>
    public byte[] ReadBytes(bool compact, string field = "bytes") =>
        ReadNullableBytes(compact) ?? ThrowHelper.ThrowProtocol<byte[]>($"Non-nullable {field} was null.");

    /// <summary>Reads a record set: a slice of the underlying memory when available, otherwise a copy.</summary>
    public ReadOnlyMemory<byte>? ReadRecords(bool compact)
    {
        int length = ReadLength(compact, int16Prefix: false, "records", 1);
        if (length < 0) return null;
        int start = _position;
        Take(length);
        return _hasMemory ? _memory.Slice(start, length) : _buffer.Slice(start, length).ToArray();
    }

    /// <summary>
    /// Reads an array count (int32, or compact varint count + 1); -1 means null. The count is checked against
    /// the remaining bytes assuming each element takes at least <paramref name="elementMinSize"/> bytes.
    /// </summary>
    public int ReadArrayLength(bool compact, int elementMinSize = 1) =>
        ReadLength(compact, int16Prefix: false, "array", elementMinSize);

    /// <summary>A safe initial capacity for a list whose claimed length was checked against the input.</summary>
    public readonly int SafeCapacity(int claimed) => Math.Min(claimed, Math.Max(Remaining, 0));

    /// <summary>Reads the size of one tagged field and returns it, checked against the remaining bytes.</summary>
    public int ReadTaggedFieldSize()
    {
        uint size = ReadUnsignedVarInt();
        if (size > (uint)Remaining) ThrowHelper.ThrowInvalidLength("tagged field", size, Remaining);
        return (int)size;
    }

    /// <summary>Reads an unknown tagged field's bytes so that it can be written back unchanged.</summary>
    public RawTaggedField ReadRawTaggedField(int tag, int size) => new(tag, Take(size).ToArray());
}
