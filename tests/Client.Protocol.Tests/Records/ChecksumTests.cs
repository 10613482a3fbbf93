using System.Text;
using Samsa.Protocol.Records;

namespace Samsa.Protocol.Tests.Records;

public class ChecksumTests
{
    [Fact]
    public void Crc32C_CheckVector_MatchesCastagnoli()
    {
        Assert.Equal(0xE3069283u, Crc32C.Compute(Encoding.ASCII.GetBytes("123456789")));
        Assert.Equal(0xE3069283u, ReferenceCrc.Crc32C(Encoding.ASCII.GetBytes("123456789")));
    }

    [Fact]
    public void Crc32_CheckVector_MatchesIeee()
    {
        Assert.Equal(0xCBF43926u, Crc32.Compute(Encoding.ASCII.GetBytes("123456789")));
        Assert.Equal(0xCBF43926u, ReferenceCrc.Crc32(Encoding.ASCII.GetBytes("123456789")));
    }

    [Fact]
    public void Compute_EveryLengthAndAlignment_MatchesBitwiseReference()
    {
        var random = new Random(7);
        var data = new byte[300];
        random.NextBytes(data);
        for (int start = 0; start < 9; start++)
        {
            for (int length = 0; length <= data.Length - start; length += start + 1)
            {
                var slice = data.AsSpan(start, length);
                Assert.Equal(ReferenceCrc.Crc32C(slice), Crc32C.Compute(slice));
                Assert.Equal(ReferenceCrc.Crc32(slice), Crc32.Compute(slice));
            }
        }
    }
}
