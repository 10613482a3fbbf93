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

    [Fact]
    public void Compute_LongInputs_InterleavedLanesMatchBitwiseReference()
    {
        // Lengths around the three-lane chunk sizes (3 × 512 and 3 × 4096 bytes) and a full 16 KiB batch and beyond.
        var random = new Random(11);
        var data = new byte[40_000];
        random.NextBytes(data);
        int[] lengths = [1535, 1536, 1537, 3072 + 5, 12_287, 12_288, 12_289, 16_384, 16_384 + 1536 + 7, 24_576, 40_000];
        foreach (int length in lengths)
        {
            for (int start = 0; start < 3; start++)
            {
                var slice = data.AsSpan(start, Math.Min(length, data.Length - start));
                Assert.Equal(ReferenceCrc.Crc32C(slice), Crc32C.Compute(slice));
            }
        }
    }

    [Fact]
    public void Update_SplitAnywhere_EqualsOneShot()
    {
        var random = new Random(5);
        var data = new byte[20_000];
        random.NextBytes(data);
        uint whole = Crc32C.Compute(data);
        foreach (int split in new[] { 0, 1, 1536, 7001, 12_288, 19_999 })
        {
            uint crc = Crc32C.Update(0xFFFF_FFFFu, data.AsSpan(0, split));
            Assert.Equal(whole, ~Crc32C.Update(crc, data.AsSpan(split)));
        }
    }

    [Fact]
    public void MultiplyModP_ByPowerOfX_EqualsFeedingZeroBytes()
    {
        // Shifting a CRC register past n zero bytes multiplies it by x^(8n) mod P.
        uint register = 0x1234_5678u;
        uint fed = Crc32C.Update(register, new byte[100]);
        Assert.Equal(fed, Crc32C.MultiplyModP(register, Crc32C.PowerOfX(800)));
    }
}
