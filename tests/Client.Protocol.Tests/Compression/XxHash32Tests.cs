using Samsa.Protocol.Compression;
using static Samsa.Protocol.Tests.Compression.CompressionTestData;

namespace Samsa.Protocol.Tests.Compression;

public sealed class XxHash32Tests
{
    [Theory]
    [InlineData("", 0u, 0x02CC5D05u)]
    [InlineData("a", 0u, 0x550D7456u)]
    [InlineData("abc", 0u, 0x32D153FFu)]
    [InlineData("Nobody inspects the spammish repetition", 0u, 0xE2293B2Fu)]
    public void Hash_KnownVectors_Match(string text, uint seed, uint expected) =>
        Assert.Equal(expected, XxHash32.Hash(System.Text.Encoding.ASCII.GetBytes(text), seed));

    [Fact]
    public void Append_AnySplit_MatchesOneShot()
    {
        byte[] data = Random(1000, 5);
        var random = new Random(6);
        for (int length = 0; length <= data.Length; length += 1 + random.Next(37))
        {
            var hash = new XxHash32(0);
            int position = 0;
            while (position < length)
            {
                int take = Math.Min(length - position, random.Next(40));
                hash.Append(data.AsSpan(position, take));
                position += take;
            }

            Assert.Equal(XxHash32.Hash(data.AsSpan(0, length)), hash.Digest());
        }
    }
}
