using System.Text;
using Samsa.Protocol.Primitives;

namespace Samsa.Protocol.Records;

/// <summary>
/// One decoded record, as a view over the record set (or over the reader's decompression buffer).
/// Key, value and headers are slices, not copies: they stay valid until the reader moves to the next batch,
/// is reset or is disposed. Copy what must outlive that.
/// </summary>
public readonly struct RecordView
{
    internal RecordView(long offset, long timestamp, ReadOnlyMemory<byte> key, bool isKeyNull, ReadOnlyMemory<byte> value, bool isValueNull, RecordHeaders headers)
    {
        Offset = offset;
        Timestamp = timestamp;
        Key = key;
        IsKeyNull = isKeyNull;
        Value = value;
        IsValueNull = isValueNull;
        Headers = headers;
    }

    /// <summary>The record's absolute offset in its partition.</summary>
    public long Offset { get; }

    /// <summary>Milliseconds since the Unix epoch, or -1 for magic 0 (see the batch's timestamp type).</summary>
    public long Timestamp { get; }

    /// <summary>The key bytes; empty when <see cref="IsKeyNull"/>.</summary>
    public ReadOnlyMemory<byte> Key { get; }

    /// <summary>True when the key is null (as opposed to empty).</summary>
    public bool IsKeyNull { get; }

    /// <summary>The value bytes; empty when <see cref="IsValueNull"/>.</summary>
    public ReadOnlyMemory<byte> Value { get; }

    /// <summary>True when the value is null: a tombstone for compacted topics.</summary>
    public bool IsValueNull { get; }

    /// <summary>The record's headers, enumerable without allocating (always empty below magic 2).</summary>
    public RecordHeaders Headers { get; }
}

/// <summary>The headers of one <see cref="RecordView"/>: a validated slice decoded lazily as it is enumerated.</summary>
public readonly struct RecordHeaders
{
    private readonly ReadOnlyMemory<byte> _data;

    internal RecordHeaders(ReadOnlyMemory<byte> data, int count)
    {
        _data = data;
        Count = count;
    }

    /// <summary>Number of headers.</summary>
    public int Count { get; }

    /// <summary>Returns an allocation-free enumerator.</summary>
    public Enumerator GetEnumerator() => new(_data, Count);

    /// <summary>Walks the header section, checking every length; returns the bytes it takes.</summary>
    internal static int Validate(ref KafkaReader reader, int count)
    {
        int start = reader.Position;
        for (int i = 0; i < count; i++)
        {
            int keyLength = reader.ReadVarInt();
            if (keyLength < 0 || keyLength > reader.Remaining) throw new CorruptRecordException($"Invalid header key length {keyLength}.");
            reader.Skip(keyLength);
            int valueLength = reader.ReadVarInt();
            if (valueLength < -1 || valueLength > reader.Remaining) throw new CorruptRecordException($"Invalid header value length {valueLength}.");
            if (valueLength > 0) reader.Skip(valueLength);
        }
        return reader.Position - start;
    }

    /// <summary>Enumerates <see cref="RecordHeaderView"/>s; the header section was validated when the record was read.</summary>
    public struct Enumerator
    {
        private readonly ReadOnlyMemory<byte> _data;
        private int _remaining;
        private int _position;

        internal Enumerator(ReadOnlyMemory<byte> data, int count)
        {
            _data = data;
            _remaining = count;
            _position = 0;
            Current = default;
        }

        /// <summary>The current header.</summary>
        public RecordHeaderView Current { get; private set; }

        /// <summary>Advances to the next header.</summary>
        public bool MoveNext()
        {
            if (_remaining <= 0) return false;
            _remaining--;
            var reader = new KafkaReader(_data.Span[_position..]);
            int keyLength = reader.ReadVarInt();
            int keyStart = _position + reader.Position;
            reader.Skip(keyLength);
            int valueLength = reader.ReadVarInt();
            int valueStart = _position + reader.Position;
            if (valueLength > 0) reader.Skip(valueLength);
            _position += reader.Position;
            Current = new RecordHeaderView(_data.Slice(keyStart, keyLength), _data.Slice(valueStart, Math.Max(valueLength, 0)), valueLength < 0);
            return true;
        }
    }
}

/// <summary>One header of a <see cref="RecordView"/>, as slices of the record set.</summary>
public readonly struct RecordHeaderView
{
    internal RecordHeaderView(ReadOnlyMemory<byte> keyUtf8, ReadOnlyMemory<byte> value, bool isValueNull)
    {
        KeyUtf8 = keyUtf8;
        Value = value;
        IsValueNull = isValueNull;
    }

    /// <summary>The header key as UTF-8 bytes.</summary>
    public ReadOnlyMemory<byte> KeyUtf8 { get; }

    /// <summary>The header value; empty when <see cref="IsValueNull"/>.</summary>
    public ReadOnlyMemory<byte> Value { get; }

    /// <summary>True when the header value is null.</summary>
    public bool IsValueNull { get; }

    /// <summary>Decodes the key into a new string.</summary>
    public string GetKey() => Encoding.UTF8.GetString(KeyUtf8.Span);
}

/// <summary>A header to write with <see cref="RecordBatchBuilder"/>: a string key and a nullable value.</summary>
public readonly struct RecordHeader
{
    /// <summary>Creates a header; a null <paramref name="value"/> is written as a null value.</summary>
    public RecordHeader(string key, byte[]? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        Key = key;
        Value = value;
        IsValueNull = value is null;
    }

    /// <summary>Creates a header from a memory slice; set <paramref name="isValueNull"/> for a null value.</summary>
    public RecordHeader(string key, ReadOnlyMemory<byte> value, bool isValueNull = false)
    {
        ArgumentNullException.ThrowIfNull(key);
        Key = key;
        Value = value;
        IsValueNull = isValueNull;
    }

    /// <summary>The header key.</summary>
    public string Key { get; }

    /// <summary>The header value (empty when <see cref="IsValueNull"/>).</summary>
    public ReadOnlyMemory<byte> Value { get; }

    /// <summary>True when the value is null.</summary>
    public bool IsValueNull { get; }
}
