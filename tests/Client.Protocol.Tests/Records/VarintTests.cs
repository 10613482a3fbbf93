using Samsa.Protocol.Records;

namespace Samsa.Protocol.Tests.Records;

public class VarintTests
{
    public static TheoryData<long> Values => new()
    {
        0, 1, -1, 63, -64, 64, -65, 100, 127, 128, 1000, 8191, -8192, 8192, -8193, 1 << 20, int.MaxValue, int.MinValue,
        (long)int.MaxValue + 1, long.MaxValue, long.MinValue,
    };

    [Theory]
    [MemberData(nameof(Values))]
    public void ReadLong_WrittenValue_RoundTripsAndAdvancesPastIt(long value)
    {
        var buffer = new byte[12];
        int written = 0;
        Varint.WriteLong(buffer, ref written, value);
        buffer[written] = 0x55; // a following byte must not be read
        int position = 0;
        Assert.Equal(value, Varint.ReadLong(buffer.AsSpan(0, written + 1), ref position));
        Assert.Equal(written, position);
    }

    [Theory]
    [MemberData(nameof(Values))]
    public void ReadInt_WrittenValue_RoundTripsAndAdvancesPastIt(long value)
    {
        if (value is < int.MinValue or > int.MaxValue) return;
        var buffer = new byte[8];
        int written = 0;
        Varint.WriteInt(buffer, ref written, (int)value);
        int position = 0;
        Assert.Equal((int)value, Varint.ReadInt(buffer.AsSpan(0, written), ref position));
        Assert.Equal(written, position);
    }

    [Fact]
    public void ReadInt_TwoByteVarintCutAfterFirstByte_Throws()
    {
        var buffer = new byte[4];
        int written = 0;
        Varint.WriteInt(buffer, ref written, 1000);
        Assert.Equal(2, written);
        Assert.Throws<CorruptRecordException>(() =>
        {
            int position = 0;
            return Varint.ReadInt(buffer.AsSpan(0, 1), ref position);
        });
    }

    [Fact]
    public void ReadInt_AtOffset_ReadsFromThePosition()
    {
        byte[] buffer = [0xFF, 0xD0, 0x0F, 0x02];
        int position = 1;
        Assert.Equal(1000, Varint.ReadInt(buffer, ref position));
        Assert.Equal(3, position);
        Assert.Equal(1, Varint.ReadInt(buffer, ref position));
    }
}
