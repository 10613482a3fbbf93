using Samsa.Protocol.Compression;
using Samsa.Protocol.Records;

namespace Samsa.Protocol.Tests.Records;

public class LegacyMessageSetTests
{
    [Fact]
    public void Read_MagicZeroUncompressed_YieldsOneRecordWithoutTimestamp()
    {
        var (header, records) = Assert.Single(RecordSets.ReadAll(LegacyWriter.Message(0, 42, 0, -1, null, [7, 8])));

        Assert.Equal(0, header.Magic);
        Assert.Equal(TimestampType.None, header.TimestampType);
        Assert.Equal(42, header.BaseOffset);
        Assert.Equal(42, header.LastOffset);
        var record = Assert.Single(records);
        Assert.True(new DecodedRecord(42, -1, null, [7, 8], []).Same(record));
    }

    [Fact]
    public void Read_MagicOneCompressedWrapper_ResolvesRelativeInnerOffsets()
    {
        byte[] inner = RecordSets.Concat(
            LegacyWriter.Message(1, 0, 0, 100, [1], [1]),
            LegacyWriter.Message(1, 1, 0, 101, null, [2]),
            LegacyWriter.Message(1, 2, 0, 102, [3], null));
        byte[] wrapper = LegacyWriter.Wrapper(1, 52, CompressionType.Snappy, logAppendTime: false, 102, inner);

        var (header, records) = Assert.Single(RecordSets.ReadAll(wrapper));

        Assert.Equal(CompressionType.Snappy, header.Compression);
        Assert.Equal(50, header.BaseOffset);
        Assert.Equal(52, header.LastOffset);
        Assert.Equal(3, header.RecordCount);
        Assert.Equal([50L, 51, 52], records.Select(r => r.Offset));
        Assert.Equal([100L, 101, 102], records.Select(r => r.Timestamp));
        Assert.True(records[2].Value is null && records[1].Key is null);
    }

    [Fact]
    public void Read_MagicOneLogAppendTimeWrapper_OverridesInnerTimestamps()
    {
        byte[] inner = RecordSets.Concat(LegacyWriter.Message(1, 0, 0, 1, [1], [1]), LegacyWriter.Message(1, 1, 0, 2, [2], [2]));
        var (header, records) = Assert.Single(RecordSets.ReadAll(LegacyWriter.Wrapper(1, 9, CompressionType.Lz4, true, 777, inner)));

        Assert.Equal(TimestampType.LogAppendTime, header.TimestampType);
        Assert.All(records, r => Assert.Equal(777, r.Timestamp));
    }

    [Fact]
    public void Read_MagicZeroCompressedWrapper_KeepsAbsoluteInnerOffsets()
    {
        byte[] inner = RecordSets.Concat(LegacyWriter.Message(0, 20, 0, -1, [1], [1]), LegacyWriter.Message(0, 21, 0, -1, [2], [2]));
        var (_, records) = Assert.Single(RecordSets.ReadAll(LegacyWriter.Wrapper(0, 21, CompressionType.Gzip, false, -1, inner)));

        Assert.Equal([20L, 21], records.Select(r => r.Offset));
    }

    [Fact]
    public void Read_CorruptCrc_ThrowsCorruptRecord()
    {
        byte[] message = LegacyWriter.Message(1, 0, 0, 5, [1], [2]);
        message[^1] ^= 0x40;
        Assert.Throws<CorruptRecordException>(() => RecordSets.ReadAll(message));
        Assert.Single(RecordSets.ReadAll(message, verifyCrc: false));
    }

    [Fact]
    public void Read_NestedCompression_ThrowsCorruptRecord()
    {
        byte[] nested = LegacyWriter.Wrapper(1, 0, CompressionType.Gzip, false, 1, LegacyWriter.Message(1, 0, 0, 1, [1], [1]));
        byte[] outer = LegacyWriter.Wrapper(1, 0, CompressionType.Gzip, false, 1, nested);
        Assert.Throws<CorruptRecordException>(() => RecordSets.ReadAll(outer));
    }

    [Fact]
    public void Read_InnerMagicMismatch_ThrowsCorruptRecord()
    {
        byte[] wrapper = LegacyWriter.Wrapper(1, 0, CompressionType.Gzip, false, 1, LegacyWriter.Message(0, 0, 0, -1, [1], [1]));
        Assert.Throws<CorruptRecordException>(() => RecordSets.ReadAll(wrapper));
    }

    [Fact]
    public void Read_EmptyCompressedWrapper_ThrowsCorruptRecord()
    {
        Assert.Throws<CorruptRecordException>(() => RecordSets.ReadAll(LegacyWriter.Wrapper(1, 0, CompressionType.Gzip, false, 1, [])));
    }
}
