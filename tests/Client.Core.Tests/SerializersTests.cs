using System.Buffers;
using Samsa.Serialization;

namespace Samsa.Client.Tests;

public class SerializersTests
{
    private static readonly SerializationContext Context = new("t", MessageComponent.Value);

    private static byte[]? Serialize<T>(ISerializer<T> serializer, T value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        return serializer.Serialize(value, buffer, Context) ? buffer.WrittenSpan.ToArray() : null;
    }

    [Fact]
    public void Numbers_UseJavaBigEndianLayouts()
    {
        Assert.Equal(new byte[] { 0, 0, 1, 2 }, Serialize(Serializers.Int32, 258));
        Assert.Equal(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE }, Serialize(Serializers.Int64, -2L));
        Assert.Equal(new byte[] { 0x3F, 0x80, 0, 0 }, Serialize(Serializers.Single, 1f));
        Assert.Equal(new byte[] { 0x40, 0, 0, 0, 0, 0, 0, 0 }, Serialize(Serializers.Double, 2d));
        Assert.Equal(258, Deserializers.Int32.Deserialize([0, 0, 1, 2], false, Context));
        Assert.Equal(2d, Deserializers.Double.Deserialize([0x40, 0, 0, 0, 0, 0, 0, 0], false, Context));
    }

    [Fact]
    public void Strings_NullAndEmptyAreDistinct()
    {
        Assert.Null(Serialize(Serializers.Utf8, null));
        Assert.Empty(Serialize(Serializers.Utf8, "")!);
        Assert.Equal("hé"u8.ToArray(), Serialize(Serializers.Utf8, "hé")!);
        Assert.Null(Deserializers.Utf8.Deserialize([], true, Context));
        Assert.Equal("", Deserializers.Utf8.Deserialize([], false, Context));
    }

    [Fact]
    public void FixedDeserializer_WrongLength_ThrowsSerializationException()
    {
        Assert.Throws<SerializationException>(() => Deserializers.Int32.Deserialize([1, 2], false, Context));
        Assert.Throws<SerializationException>(() => Deserializers.Int64.Deserialize([], true, Context));
        Assert.Throws<SerializationException>(() => Deserializers.Null.Deserialize([1], false, Context));
    }

    [Fact]
    public void Headers_KeepOrderAndDuplicates_LastWins()
    {
        var headers = new Headers().Add("a", "1").Add("b", (byte[]?)null).Add("a", "2");
        Assert.Equal(3, headers.Count);
        Assert.True(headers.TryGetLast("a", out var last));
        Assert.Equal("2", last.GetValueAsString());
        headers.Remove("a");
        Assert.Single(headers);
    }
}
