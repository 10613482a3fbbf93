using System.Buffers;
using System.Text;
using Samsa.Protocol.Compression;

namespace Samsa.Protocol.Tests.Compression;

/// <summary>Deterministic inputs for codec tests.</summary>
internal static class CompressionTestData
{
    public static byte[] Random(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static byte[] Repetitive(int length)
    {
        var bytes = new byte[length];
        ReadOnlySpan<byte> pattern = "abcabcabdabcabcabe"u8;
        for (int i = 0; i < length; i++)
        {
            bytes[i] = i % 5000 < 2500 ? (byte)'z' : pattern[i % pattern.Length];
        }

        return bytes;
    }

    /// <summary>Kafka-record-like JSON: repeated keys, varying values.</summary>
    public static byte[] JsonLike(int length, int seed)
    {
        var random = new Random(seed);
        string[] names = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"];
        string[] events = ["page_view", "click", "purchase", "signup", "logout"];
        var text = new StringBuilder(length + 512);
        long ts = 1_700_000_000_000;
        while (text.Length < length)
        {
            ts += random.Next(0, 5000);
            text.Append("{\"id\":").Append(random.Next(1, 10_000_000))
                .Append(",\"user\":\"").Append(names[random.Next(names.Length)]).Append('_').Append(random.Next(1000))
                .Append("\",\"event\":\"").Append(events[random.Next(events.Length)])
                .Append("\",\"ts\":").Append(ts)
                .Append(",\"amount\":").Append(random.Next(0, 100_000) / 100.0)
                .Append(",\"tags\":[\"t").Append(random.Next(20)).Append("\",\"t").Append(random.Next(20))
                .Append("\"],\"active\":").Append(random.Next(2) == 0 ? "true" : "false").Append("}\n");
        }

        return Encoding.UTF8.GetBytes(text.ToString(0, length));
    }

    public static IEnumerable<object[]> RoundTripCases()
    {
        yield return ["empty", Array.Empty<byte>()];
        yield return ["one-byte", new byte[] { 42 }];
        yield return ["short-text", "hello hello hello hello"u8.ToArray()];
        yield return ["random-100k", Random(100_000, 1)];
        yield return ["repetitive-300k", Repetitive(300_000)];
        yield return ["json-200k", JsonLike(200_000, 2)];
        yield return ["json-3m", JsonLike(3 * 1024 * 1024 + 17, 3)];
        yield return ["random-2m", Random(2 * 1024 * 1024 + 5, 4)];
        yield return ["zeros-1m", new byte[1024 * 1024]];
    }

    public static byte[] Compress(ICompressionCodec codec, ReadOnlySpan<byte> input, int? level = null)
    {
        var writer = new ArrayBufferWriter<byte>();
        codec.Compress(input, writer, level);
        return writer.WrittenSpan.ToArray();
    }

    public static byte[] Decompress(ICompressionCodec codec, ReadOnlySpan<byte> input, int max = CompressionCodecs.DefaultMaxDecompressedSize)
    {
        var writer = new ArrayBufferWriter<byte>();
        codec.Decompress(input, writer, max);
        return writer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Feeds thousands of mutated and truncated copies of <paramref name="samples"/> to <paramref name="decode"/>;
    /// anything other than success or <see cref="KafkaCompressionException"/> fails the test.
    /// </summary>
    public static (int Ok, int Rejected) Fuzz(IReadOnlyList<byte[]> samples, Action<byte[]> decode, int iterations, int seed)
    {
        var random = new Random(seed);
        int ok = 0;
        int rejected = 0;
        for (int i = 0; i < iterations; i++)
        {
            byte[] sample = samples[random.Next(samples.Count)];
            byte[] mutated = Mutate(sample, random);
            try
            {
                decode(mutated);
                ok++;
            }
            catch (KafkaCompressionException)
            {
                rejected++;
            }
            catch (Exception ex)
            {
                throw new Xunit.Sdk.XunitException($"Iteration {i} (seed {seed}): {ex.GetType().Name}: {ex.Message}\n{Convert.ToHexString(mutated.AsSpan(0, Math.Min(64, mutated.Length)))}");
            }
        }

        return (ok, rejected);
    }

    private static byte[] Mutate(byte[] sample, Random random)
    {
        byte[] copy = (byte[])sample.Clone();
        switch (random.Next(6))
        {
            case 0:
                return copy.AsSpan(0, random.Next(copy.Length + 1)).ToArray();
            case 1:
            {
                int flips = 1 + random.Next(4);
                for (int f = 0; f < flips && copy.Length > 0; f++)
                {
                    copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
                }

                return copy;
            }

            case 2:
            {
                int count = 1 + random.Next(8);
                for (int f = 0; f < count && copy.Length > 0; f++)
                {
                    copy[random.Next(copy.Length)] = (byte)random.Next(256);
                }

                return copy;
            }

            case 3:
            {
                // Corrupt the header region, where lengths and flags live.
                int limit = Math.Min(copy.Length, 32);
                if (limit > 0)
                {
                    copy[random.Next(limit)] = (byte)random.Next(256);
                }

                return copy;
            }

            case 4:
            {
                // Splice a random run of bytes somewhere.
                int at = random.Next(copy.Length + 1);
                byte[] junk = new byte[1 + random.Next(16)];
                random.NextBytes(junk);
                return [.. copy.AsSpan(0, at), .. junk, .. copy.AsSpan(at)];
            }

            default:
            {
                // Set a byte to an extreme value (lengths, offsets).
                if (copy.Length > 0)
                {
                    copy[random.Next(copy.Length)] = random.Next(2) == 0 ? (byte)0xFF : (byte)0x00;
                }

                return copy.AsSpan(0, Math.Max(0, copy.Length - random.Next(3))).ToArray();
            }
        }
    }
}
