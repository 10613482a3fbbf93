using Samsa.Protocol.Compression;

namespace Samsa.Protocol.Tests.Compression;

public sealed class CompressionCodecsTests
{
    [Theory]
    [InlineData(CompressionType.Gzip, typeof(GzipCodec))]
    [InlineData(CompressionType.Snappy, typeof(SnappyCodec))]
    [InlineData(CompressionType.Lz4, typeof(Lz4Codec))]
    public void Get_KnownType_ReturnsCodecWithThatType(CompressionType type, Type codecType)
    {
        ICompressionCodec codec = CompressionCodecs.Get(type);
        Assert.IsType(codecType, codec);
        Assert.Equal(type, codec.Type);
    }

    [Fact]
    public void Get_UnknownType_Throws() =>
        Assert.Throws<KafkaCompressionException>(() => CompressionCodecs.Get((CompressionType)7));
}
