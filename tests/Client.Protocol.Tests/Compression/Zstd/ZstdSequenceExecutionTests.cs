using System.Buffers;
using Samsa.Protocol.Compression;
using Samsa.Protocol.Compression.Zstd;

namespace Samsa.Protocol.Tests.Compression.Zstd;

/// <summary>
/// The sequence executor's copy paths: matches closer than 16 bytes (overlapping copies), sequences that end within the
/// fast path's 32-byte slack of the output end, and corrupt frames decoded into an output with guard bytes behind it.
/// </summary>
public sealed class ZstdSequenceExecutionTests
{
    /// <summary>Runs of every period from 1 to 20 with assorted lengths, separated by random bytes, ending at odd offsets.</summary>
    private static byte[] ShortPeriods(int seed)
    {
        var rng = new Random(seed);
        var data = new List<byte>();
        for (int round = 0; round < 3; round++)
        {
            for (int period = 1; period <= 20; period++)
            {
                var unit = new byte[period];
                rng.NextBytes(unit);
                int length = period + rng.Next(1, 90);
                for (int i = 0; i < length; i++)
                {
                    data.Add(unit[i % period]);
                }

                int gap = rng.Next(0, 12);
                for (int i = 0; i < gap; i++)
                {
                    data.Add((byte)rng.Next(256));
                }
            }
        }

        return [.. data];
    }

    private static byte[] Decode(byte[] compressed, int max)
    {
        var writer = new ArrayBufferWriter<byte>();
        ZstdCodec.Instance.Decompress(compressed, writer, max);
        return writer.WrittenSpan.ToArray();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(19)]
    public void Decompress_ShortPeriodMatches_MatchesOriginal(int level)
    {
        for (int seed = 0; seed < 8; seed++)
        {
            byte[] data = ShortPeriods(seed);
            var writer = new ArrayBufferWriter<byte>();
            ZstdCodec.Instance.Compress(data, writer, level);
            Assert.Equal(data, Decode(writer.WrittenSpan.ToArray(), data.Length));
            if (ZstdCli.Available())
            {
                Assert.Equal(data, Decode(ZstdCli.Compress(data, $"-{level}"), data.Length));
            }
        }
    }

    [Fact]
    public void Decompress_EveryLengthNearTheEnd_MatchesOriginal()
    {
        // Each prefix length moves the last sequences across the 32-byte boundary where the exact-copy path takes over;
        // the output span is exactly the content size, with guard bytes behind it.
        byte[] json = ZstdTestData.Json(4_000, 11);
        byte[] periods = ShortPeriods(99);
        for (int length = 1_000; length < 1_100; length++)
        {
            foreach (byte[] source in new[] { json, periods })
            {
                byte[] data = source.AsSpan(0, length).ToArray();
                var writer = new ArrayBufferWriter<byte>();
                ZstdCodec.Instance.Compress(data, writer, 3);
                var guarded = new GuardedWriter();
                ZstdCodec.Instance.Decompress(writer.WrittenSpan, guarded, data.Length);
                guarded.AssertGuardsIntact();
                Assert.Equal(data, guarded.Written.ToArray());
            }
        }
    }

    [Fact]
    public void Decompress_MutatedSequences_NeverWritePastTheOutput()
    {
        // Frames with a declared content size decode straight into the caller's span; the guard bytes after it must
        // survive every corrupt frame, and every failure must be the codec's typed exception.
        var seeds = new List<byte[]>();
        foreach ((byte[] data, int level) in new[]
        {
            (ZstdTestData.Json(60_000, 21), 1),
            (ZstdTestData.Json(60_000, 22), 3),
            (ShortPeriods(23), 1),
            (ShortPeriods(24), 19),
        })
        {
            var w = new ArrayBufferWriter<byte>();
            ZstdCodec.Instance.Compress(data, w, level);
            seeds.Add(w.WrittenSpan.ToArray());
        }

        var rng = new Random(4321);
        int failures = 0;
        for (int iteration = 0; iteration < 3000; iteration++)
        {
            byte[] input = (byte[])seeds[iteration % seeds.Count].Clone();

            // The sequences section sits at the end of each block: corrupt mostly the last third of the frame.
            for (int k = rng.Next(1, 4); k > 0; k--)
            {
                int at = input.Length - 1 - rng.Next(Math.Max(1, input.Length / 3));
                input[at] = (byte)rng.Next(256);
            }

            var writer = new GuardedWriter();
            try
            {
                ZstdCodec.Instance.Decompress(input, writer, 1 << 20);
            }
            catch (KafkaCompressionException)
            {
                failures++;
            }

            writer.AssertGuardsIntact();
        }

        Assert.True(failures > 0);
    }

    /// <summary>Hands out exactly the span asked for, followed by guard bytes that decoding must never touch.</summary>
    private sealed class GuardedWriter : IBufferWriter<byte>
    {
        private const int Guard = 64;
        private const byte GuardValue = 0xA5;
        private byte[] _buffer = [];
        private int _size;
        private int _written;

        public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _written);

        public void Advance(int count)
        {
            Assert.True(count <= _size);
            _written = count;
        }

        public Memory<byte> GetMemory(int sizeHint = 0)
        {
            _size = Math.Max(sizeHint, 1);
            _buffer = new byte[_size + Guard];
            _buffer.AsSpan(_size).Fill(GuardValue);
            return _buffer.AsMemory(0, _size);
        }

        public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

        public void AssertGuardsIntact()
        {
            if (_buffer.Length > 0)
            {
                Assert.True(_buffer.AsSpan(_size).IndexOfAnyExcept(GuardValue) < 0, "decoder wrote past the output span");
            }
        }
    }
}
