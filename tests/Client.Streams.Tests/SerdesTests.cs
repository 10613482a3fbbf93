namespace Samsa.Streams.Tests;

public sealed class SerdesTests
{
    [Fact]
    public void Int64_UsesJavaBigEndianLayout_AndRoundTrips()
    {
        var bytes = Serdes.Int64.SerializeToArray(0x0102030405060708L, "t");
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }, bytes);
        Assert.Equal(0x0102030405060708L, Serdes.Int64.Deserialize(bytes, "t"));
    }

    [Fact]
    public void String_NullStaysNull()
    {
        Assert.Null(Serdes.String.SerializeToArray(null, "t"));
        Assert.Null(Serdes.String.Deserialize(null, "t"));
        Assert.Equal("ü", Serdes.String.Deserialize(Serdes.String.SerializeToArray("ü", "t"), "t"));
    }

    [Fact]
    public void TaskId_PrintsAndParsesLikeKafka()
    {
        var id = new Processor.TaskId(2, 11);
        Assert.Equal("2_11", id.ToString());
        Assert.Equal(id, Processor.TaskId.Parse("2_11"));
        Assert.Throws<FormatException>(() => Processor.TaskId.Parse("x_1"));
    }
}
