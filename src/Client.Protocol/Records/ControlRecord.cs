using System.Buffers.Binary;

namespace Samsa.Protocol.Records;

/// <summary>The type of a control record, stored in its key.</summary>
public enum ControlRecordType : short
{
    /// <summary>Transaction abort marker.</summary>
    Abort = 0,
    /// <summary>Transaction commit marker.</summary>
    Commit = 1,
}

/// <summary>
/// Encodes and decodes control records, the single record of a control batch. The key is version int16 and
/// type int16; for commit and abort markers the value is version int16 and coordinator epoch int32.
/// </summary>
public static class ControlRecord
{
    /// <summary>The control record key and end-transaction marker version written by this library.</summary>
    public const short CurrentVersion = 0;

    /// <summary>Bytes of a control record key.</summary>
    public const int KeySize = 4;

    /// <summary>Bytes of an end-transaction marker value.</summary>
    public const int EndTransactionMarkerSize = 6;

    /// <summary>Reads the type from a control record key; throws <see cref="CorruptRecordException"/> when malformed.</summary>
    public static ControlRecordType ReadType(ReadOnlySpan<byte> key)
    {
        if (key.Length < KeySize) throw new CorruptRecordException($"Control record key of {key.Length} bytes is shorter than {KeySize}.");
        short version = BinaryPrimitives.ReadInt16BigEndian(key);
        if (version < 0) throw new CorruptRecordException($"Invalid control record key version {version}.");
        return (ControlRecordType)BinaryPrimitives.ReadInt16BigEndian(key[2..]);
    }

    /// <summary>
    /// Reads the coordinator epoch from a commit or abort marker's value; newer versions are read as version 0,
    /// as the Java client does. Throws <see cref="CorruptRecordException"/> when malformed.
    /// </summary>
    public static int ReadCoordinatorEpoch(ReadOnlySpan<byte> value)
    {
        if (value.Length < EndTransactionMarkerSize) throw new CorruptRecordException($"End transaction marker of {value.Length} bytes is shorter than {EndTransactionMarkerSize}.");
        short version = BinaryPrimitives.ReadInt16BigEndian(value);
        if (version < 0) throw new CorruptRecordException($"Invalid end transaction marker version {version}.");
        return BinaryPrimitives.ReadInt32BigEndian(value[2..]);
    }

    /// <summary>Writes a control record key (<see cref="KeySize"/> bytes).</summary>
    public static void WriteKey(Span<byte> destination, ControlRecordType type)
    {
        BinaryPrimitives.WriteInt16BigEndian(destination, CurrentVersion);
        BinaryPrimitives.WriteInt16BigEndian(destination[2..], (short)type);
    }

    /// <summary>Writes a commit or abort marker value (<see cref="EndTransactionMarkerSize"/> bytes).</summary>
    public static void WriteEndTransactionMarker(Span<byte> destination, int coordinatorEpoch)
    {
        BinaryPrimitives.WriteInt16BigEndian(destination, CurrentVersion);
        BinaryPrimitives.WriteInt32BigEndian(destination[2..], coordinatorEpoch);
    }
}
