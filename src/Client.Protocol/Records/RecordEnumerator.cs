using System.Runtime.CompilerServices;
using Samsa.Protocol.Primitives;

namespace Samsa.Protocol.Records;

/// <summary>
/// Enumerates the records of one batch as <see cref="RecordView"/>s without allocating. Every length is checked
/// before use; malformed records throw <see cref="CorruptRecordException"/> (or <see cref="KafkaProtocolException"/>).
/// Obtain one from <see cref="RecordBatchReader.GetRecords"/>.
/// </summary>
public struct RecordEnumerator
{
    // Smallest v2 record body after its length varint: attributes, timestampDelta, offsetDelta, key length,
    // value length and header count, one byte each.
    private const int MinRecordBody = 6;

    private readonly ReadOnlyMemory<byte> _data;
    private readonly long _offsetBase;
    private readonly long _baseTimestamp;
    private readonly long _fixedTimestamp;
    private readonly bool _useFixedTimestamp;
    private readonly bool _legacy;
    private readonly byte _legacyMagic;
    private readonly bool _verifyCrc;
    private int _position;
    private int _remaining;

    private RecordEnumerator(ReadOnlyMemory<byte> data, int count, long offsetBase, long baseTimestamp, long? fixedTimestamp, bool legacy, byte legacyMagic, bool verifyCrc)
    {
        _data = data;
        _remaining = count;
        _offsetBase = offsetBase;
        _baseTimestamp = baseTimestamp;
        _fixedTimestamp = fixedTimestamp ?? 0;
        _useFixedTimestamp = fixedTimestamp.HasValue;
        _legacy = legacy;
        _legacyMagic = legacyMagic;
        _verifyCrc = verifyCrc;
        _position = 0;
        Current = default;
    }

    /// <summary>Records of a v2 batch: <paramref name="data"/> is the (decompressed) records section.</summary>
    internal static RecordEnumerator ForBatch(ReadOnlyMemory<byte> data, in RecordBatchHeader header) =>
        new(data, header.RecordCount, header.BaseOffset, header.BaseTimestamp,
            header.TimestampType == TimestampType.LogAppendTime ? header.MaxTimestamp : null, legacy: false, 0, verifyCrc: false);

    /// <summary>
    /// Legacy messages in <paramref name="data"/>: a single uncompressed message, or the inner set of a compressed
    /// wrapper. <paramref name="offsetDelta"/> is added to each stored offset (non-zero for relative v1 inner offsets).
    /// </summary>
    internal static RecordEnumerator ForLegacy(ReadOnlyMemory<byte> data, byte magic, long offsetDelta, long? fixedTimestamp, bool verifyCrc) =>
        new(data, -1, offsetDelta, 0, fixedTimestamp, legacy: true, magic, verifyCrc);

    /// <summary>The current record.</summary>
    public RecordView Current { readonly get; private set; }

    /// <summary>Returns this enumerator, so that it can be used in <c>foreach</c>.</summary>
    public readonly RecordEnumerator GetEnumerator() => this;

    /// <summary>Advances to the next record.</summary>
    public bool MoveNext() => _legacy ? MoveNextLegacy() : MoveNextV2();

    // Per-record hot path: compiled fully optimized at once, not after thousands of calls in unoptimized tiers.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool MoveNextV2()
    {
        if (_remaining <= 0)
        {
            if (_position != _data.Length) throw new CorruptRecordException($"Record batch has {_data.Length - _position} bytes after its last record.");
            return false;
        }
        ReadOnlySpan<byte> span = _data.Span;
        int at = _position;
        int length = Varint.ReadInt(span, ref at);
        if (length < MinRecordBody || length > span.Length - at) throw new CorruptRecordException($"Invalid record length {length} ({span.Length - at} bytes remain).");
        int bodyStart = at;
        ReadOnlySpan<byte> body = span.Slice(bodyStart, length);
        int p = 1; // attributes: unused
        long timestampDelta = Varint.ReadLong(body, ref p);
        int offsetDelta = Varint.ReadInt(body, ref p);
        int keyLength = Varint.ReadInt(body, ref p);
        if (keyLength < -1 || keyLength > body.Length - p) throw new CorruptRecordException($"Invalid record key length {keyLength}.");
        int keyStart = bodyStart + p;
        if (keyLength > 0) p += keyLength;
        int valueLength = Varint.ReadInt(body, ref p);
        if (valueLength < -1 || valueLength > body.Length - p) throw new CorruptRecordException($"Invalid record value length {valueLength}.");
        int valueStart = bodyStart + p;
        if (valueLength > 0) p += valueLength;
        int headerCount = Varint.ReadInt(body, ref p);
        if (headerCount < 0 || headerCount > (body.Length - p) / 2) throw new CorruptRecordException($"Invalid record header count {headerCount}.");
        int headersStart = bodyStart + p;
        int headersLength = 0;
        if (headerCount > 0)
        {
            var headerReader = new KafkaReader(body[p..]);
            headersLength = RecordHeaders.Validate(ref headerReader, headerCount);
            p += headersLength;
        }
        if (p != body.Length) throw new CorruptRecordException($"Record has {body.Length - p} bytes after its headers.");

        _position = bodyStart + length;
        _remaining--;
        Current = new RecordView(
            _offsetBase + offsetDelta,
            _useFixedTimestamp ? _fixedTimestamp : _baseTimestamp + timestampDelta,
            keyLength > 0 ? _data.Slice(keyStart, keyLength) : default, keyLength < 0,
            valueLength > 0 ? _data.Slice(valueStart, valueLength) : default, valueLength < 0,
            headerCount == 0 ? default : new RecordHeaders(_data.Slice(headersStart, headersLength), headerCount));
        return true;
    }

    private bool MoveNextLegacy()
    {
        if (_position >= _data.Length) return false;
        var message = LegacyMessage.Parse(_data.Span, _position, _verifyCrc);
        if (message.Magic != _legacyMagic) throw new CorruptRecordException($"Inner message magic {message.Magic} differs from its wrapper's {_legacyMagic}.");
        if ((message.Attributes & RecordBatchHeader.CompressionMask) != 0) throw new CorruptRecordException("Nested compressed legacy messages are not allowed.");
        _position += message.TotalSize;
        Current = new RecordView(
            _offsetBase + message.Offset,
            _useFixedTimestamp ? _fixedTimestamp : message.Timestamp,
            message.KeyLength > 0 ? _data.Slice(message.KeyStart, message.KeyLength) : default, message.KeyLength < 0,
            message.ValueLength > 0 ? _data.Slice(message.ValueStart, message.ValueLength) : default, message.ValueLength < 0,
            default);
        return true;
    }
}
