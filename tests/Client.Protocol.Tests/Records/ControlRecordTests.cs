using Samsa.Protocol.Records;

namespace Samsa.Protocol.Tests.Records;

public class ControlRecordTests
{
    [Theory]
    [InlineData(ControlRecordType.Abort, new byte[] { 0, 0, 0, 0 })]
    [InlineData(ControlRecordType.Commit, new byte[] { 0, 0, 0, 1 })]
    public void WriteKey_Type_MatchesSpecBytes(ControlRecordType type, byte[] expected)
    {
        var key = new byte[ControlRecord.KeySize];
        ControlRecord.WriteKey(key, type);
        Assert.Equal(expected, key);
        Assert.Equal(type, ControlRecord.ReadType(key));
    }

    [Fact]
    public void WriteEndTransactionMarker_Epoch_MatchesSpecBytes()
    {
        var value = new byte[ControlRecord.EndTransactionMarkerSize];
        ControlRecord.WriteEndTransactionMarker(value, 0x01020304);
        Assert.Equal(new byte[] { 0, 0, 1, 2, 3, 4 }, value);
        Assert.Equal(0x01020304, ControlRecord.ReadCoordinatorEpoch(value));
    }

    [Fact]
    public void ReadType_ShortOrNegativeVersion_ThrowsCorruptRecord()
    {
        Assert.Throws<CorruptRecordException>(() => ControlRecord.ReadType([0, 0, 1]));
        Assert.Throws<CorruptRecordException>(() => ControlRecord.ReadType([0xFF, 0xFF, 0, 1]));
        Assert.Throws<CorruptRecordException>(() => ControlRecord.ReadCoordinatorEpoch([0, 0, 0, 0, 1]));
    }

    [Fact]
    public void ReadCoordinatorEpoch_NewerVersion_ReadsAsVersionZero()
    {
        Assert.Equal(5, ControlRecord.ReadCoordinatorEpoch([0, 1, 0, 0, 0, 5, 0xAA]));
    }
}
