using System.Buffers;
using System.Diagnostics;
using Samsa.Protocol.Compression;
using Samsa.Protocol.Compression.Zstd;

namespace Samsa.Protocol.Tests.Compression.Zstd;

public sealed class ZstdCorruptionTests
{
    private const int Limit = 4 * 1024 * 1024;

    private static byte[][] Seeds()
    {
        var list = new List<byte[]>();
        foreach ((byte[] data, int level, bool check) in new[]
        {
            (ZstdTestData.Json(20_000, 1), 3, true),
            (ZstdTestData.Json(3_000, 2), 1, false),
            (ZstdTestData.Json(200_000, 3), 9, false),
            (ZstdTestData.Random(3_000, 4), 3, true),
            ([.. ZstdTestData.Repetitive(5_000), .. ZstdTestData.Random(500, 5)], 19, false),
        })
        {
            var w = new ArrayBufferWriter<byte>();
            new ZstdCodec { WriteChecksum = check }.Compress(data, w, level);
            list.Add(w.WrittenSpan.ToArray());
        }

        if (ZstdCli.Available())
        {
            list.Add(ZstdCli.CompressStream(ZstdTestData.Json(30_000, 6), "-19"));
            list.Add(ZstdCli.Compress(ZstdTestData.Json(30_000, 7), "-3"));
        }

        return [.. list];
    }

    [Fact]
    public void Decompress_MutatedFrames_OnlyKafkaCompressionExceptionOrBoundedOutput()
    {
        byte[][] seeds = Seeds();
        var rng = new Random(1234);
        var sw = Stopwatch.StartNew();
        int failures = 0;
        int successes = 0;
        for (int iteration = 0; iteration < 6000; iteration++)
        {
            byte[] seed = seeds[iteration % seeds.Length];
            byte[] input = Mutate(seed, rng);
            var writer = new ArrayBufferWriter<byte>();
            try
            {
                ZstdCodec.Instance.Decompress(input, writer, Limit);
                successes++;
                Assert.True(writer.WrittenCount <= Limit);
            }
            catch (KafkaCompressionException)
            {
                failures++;
            }
        }

        Assert.True(failures > 0);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(20), $"took {sw.Elapsed}");
    }

    [Fact]
    public void Decompress_EveryTruncation_ThrowsKafkaCompressionException()
    {
        foreach (byte[] seed in Seeds().Take(2))
        {
            for (int length = 0; length < seed.Length; length++)
            {
                var writer = new ArrayBufferWriter<byte>();
                Assert.Throws<KafkaCompressionException>(() => ZstdCodec.Instance.Decompress(seed.AsSpan(0, length), writer, Limit));
            }
        }
    }

    private static byte[] Mutate(byte[] seed, Random rng)
    {
        byte[] copy;
        switch (rng.Next(5))
        {
            case 0:
                copy = seed.AsSpan(0, rng.Next(seed.Length)).ToArray();
                break;
            case 1:
                copy = (byte[])seed.Clone();
                for (int k = rng.Next(1, 4); k > 0; k--)
                {
                    copy[rng.Next(copy.Length)] ^= (byte)(1 << rng.Next(8));
                }

                break;
            case 2:
                copy = (byte[])seed.Clone();
                int at = rng.Next(Math.Min(copy.Length, 40));
                copy[at] = (byte)rng.Next(256);
                break;
            case 3:
                copy = (byte[])seed.Clone();
                int start = rng.Next(copy.Length);
                int len = Math.Min(rng.Next(1, 16), copy.Length - start);
                rng.NextBytes(copy.AsSpan(start, len));
                break;
            default:
                copy = (byte[])seed.Clone();
                copy[rng.Next(copy.Length)] = (byte)rng.Next(256);
                copy = copy.AsSpan(0, Math.Max(1, copy.Length - rng.Next(8))).ToArray();
                break;
        }

        return copy;
    }
}
