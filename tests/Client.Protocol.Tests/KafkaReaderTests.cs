using Samsa.Protocol;
using Samsa.Protocol.Primitives;

namespace Samsa.Protocol.Tests;

public class KafkaReaderTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(-1)]
    [InlineData(63)]
    [InlineData(-64)]
    [InlineData(64)]
    [InlineData(int.MaxValue)]
    [InlineData(int.MinValue)]
    public void VarInt_RoundTrip_PreservesValueAndSize(int value)
    {
        var buffer = new byte[5];
        var writer = new KafkaWriter(buffer);
        writer.WriteVarInt(value);
        Assert.Equal(KafkaSize.VarInt(value), writer.Position);
        var reader = new KafkaReader(buffer.AsSpan(0, writer.Position));
        Assert.Equal(value, reader.ReadVarInt());
        Assert.True(reader.End);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]
    [InlineData(long.MaxValue)]
    [InlineData(long.MinValue)]
    [InlineData(300L)]
    public void VarLong_RoundTrip_PreservesValueAndSize(long value)
    {
        var buffer = new byte[10];
        var writer = new KafkaWriter(buffer);
        writer.WriteVarLong(value);
        Assert.Equal(KafkaSize.VarLong(value), writer.Position);
        var reader = new KafkaReader(buffer.AsSpan(0, writer.Position));
        Assert.Equal(value, reader.ReadVarLong());
    }

    [Fact]
    public void ReadVarInt_SixContinuationBytes_ThrowsProtocolException()
    {
        var bytes = new byte[] { 0x80, 0x80, 0x80, 0x80, 0x80, 0x01 };
        Assert.Throws<KafkaProtocolException>(() => new KafkaReader(bytes).ReadVarInt());
    }

    [Fact]
    public void ReadVarInt_KnownEncodings_MatchSpec()
    {
        // Zigzag: 0->0, -1->1, 1->2, -2->3; 300 -> 600 -> 0xD8 0x04.
        Assert.Equal(300, new KafkaReader(new byte[] { 0xD8, 0x04 }).ReadVarInt());
        Assert.Equal(-1, new KafkaReader(new byte[] { 0x01 }).ReadVarInt());
    }

    [Fact]
    public void ReadString_ClaimedLengthBeyondInput_ThrowsWithoutAllocating()
    {
        var bytes = new byte[] { 0x7F, 0xFF, (byte)'a' };
        var before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Record.Exception(() => new KafkaReader(bytes).ReadNullableString(compact: false));
        Assert.IsType<KafkaProtocolException>(ex);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 4096);
    }

    [Fact]
    public void ReadArrayLength_HugeCount_ThrowsProtocolException()
    {
        var bytes = new byte[] { 0x7F, 0xFF, 0xFF, 0xFF, 0x00 };
        Assert.Throws<KafkaProtocolException>(() => new KafkaReader(bytes).ReadArrayLength(compact: false));
    }

    [Fact]
    public void ReadNullableString_CompactNull_ReturnsNull()
    {
        Assert.Null(new KafkaReader(new byte[] { 0 }).ReadNullableString(compact: true));
        Assert.Null(new KafkaReader(new byte[] { 0xFF, 0xFF }).ReadNullableString(compact: false));
    }

    [Fact]
    public void Uuid_ToString_IsUrlSafeBase64LikeJava()
    {
        var id = new Uuid(unchecked((long)0xFFFFFFFFFFFFFFFF), 0);
        var text = id.ToString();
        Assert.Equal(22, text.Length);
        Assert.Equal(id, Uuid.Parse(text));
        Assert.DoesNotContain('+', text);
    }

    [Fact]
    public void ReadRecords_FromMemory_IsZeroCopySlice()
    {
        var bytes = new byte[] { 0, 0, 0, 3, 7, 8, 9 };
        var memory = new ReadOnlyMemory<byte>(bytes);
        var reader = new KafkaReader(memory);
        var records = reader.ReadRecords(compact: false);
        Assert.True(records.HasValue);
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(records.Value, out var segment));
        Assert.Same(bytes, segment.Array);
        Assert.Equal(4, segment.Offset);
    }
}
