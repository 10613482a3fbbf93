using Samsa.Broker.Mini.Storage;

namespace Samsa.Broker.Mini.Tests.Storage;

/// <summary>The chunked in-memory segment bytes, checked against a flat copy of everything appended.</summary>
public sealed class SegmentBufferTests
{
    [Fact]
    public void Appends_AcrossManyChunks_ReadBackExactlyAndNeverStraddleAChunk()
    {
        var random = new Random(7);
        var buffer = new SegmentBuffer(initialCapacity: 4096);
        var model = new List<byte>();
        var appends = new List<(int Position, int Length)>();
        while (model.Count < 3 * SegmentBuffer.ChunkBytes)
        {
            // Mostly small appends, some the size of a full batch (up to 1 MB), one larger than a chunk.
            int length = appends.Count == 40 ? SegmentBuffer.ChunkBytes + 17 : random.Next(10) == 0 ? random.Next(1, 1_000_000) : random.Next(1, 20_000);
            var bytes = new byte[length];
            random.NextBytes(bytes);
            appends.Add((model.Count, length));
            buffer.Append(bytes);
            model.AddRange(bytes);
            Assert.Equal(model.Count, buffer.Length);
        }
        var flat = model.ToArray();
        foreach (var (position, length) in appends)
        {
            Assert.True(flat.AsSpan(position, length).SequenceEqual(buffer.Slice(position, length).Span));
            Assert.InRange(buffer.ContiguousEnd(position), position + length, buffer.Length);
        }
        Assert.Equal(buffer.Length, buffer.ContiguousEnd(appends[^1].Position));
    }

    [Fact]
    public void FirstChunk_GrowsByDoublingAndKeepsItsBytes_ThenChunksStartAtTheAppend()
    {
        var buffer = new SegmentBuffer(initialCapacity: 256);
        var first = Filled(200, 1);
        var second = Filled(5000, 2);
        buffer.Append(first);
        buffer.Append(second);
        Assert.Equal(5200, buffer.ContiguousEnd(0));            // one run: the first chunk grew, with a copy
        Assert.True(first.AsSpan().SequenceEqual(buffer.Slice(0, 200).Span));
        Assert.True(second.AsSpan().SequenceEqual(buffer.Slice(200, 5000).Span));

        var big = Filled(SegmentBuffer.ChunkBytes - 100, 3);     // no longer fits the first chunk at its largest
        buffer.Append(big);
        Assert.Equal(5200, buffer.ContiguousEnd(0));
        Assert.Equal(5200 + big.Length, buffer.ContiguousEnd(5200));
        Assert.True(big.AsSpan().SequenceEqual(buffer.Slice(5200, big.Length).Span));
    }

    [Fact]
    public void Truncate_DropsWholeChunksPastTheCut_AndAppendsContinueFromIt()
    {
        var buffer = new SegmentBuffer(initialCapacity: 256);
        for (int i = 0; i < 6; i++) buffer.Append(Filled(1_000_000, (byte)i));   // four or five per chunk
        int cut = 4_000_000;                                   // the start of the fifth append
        buffer.Truncate(cut);
        Assert.Equal(cut, buffer.Length);
        Assert.Equal(cut, buffer.ContiguousEnd(cut - 1));
        var next = Filled(3000, 9);
        buffer.Append(next);
        Assert.True(next.AsSpan().SequenceEqual(buffer.Slice(cut, next.Length).Span));
        Assert.Equal(3, buffer.Slice(3_000_000, 1).Span[0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Truncate(buffer.Length + 1));
    }

    private static byte[] Filled(int length, byte value)
    {
        var bytes = new byte[length];
        Array.Fill(bytes, value);
        return bytes;
    }
}
