using Samsa.Protocol.Compression;
using Samsa.Protocol.Records;

namespace Samsa.Protocol.Tests.Records;

public partial class RecordBatchReaderTests
{
    private static byte[] Batch(long baseOffset, int records, CompressionType compression = CompressionType.None, int seed = 1)
    {
        var random = new Random(seed);
        using var builder = new RecordBatchBuilder(codecs: TestCodec.Resolve) { BaseOffset = baseOffset, Compression = compression };
        for (int i = 0; i < records; i++)
        {
            RecordHeader[] headers = i % 2 == 0 ? [] : [new RecordHeader("trace", [1, 2, 3]), new RecordHeader("n", null)];
            builder.Append(1000 + random.Next(-50, 50), i % 3 == 0 ? null : new byte[random.Next(0, 12)], new byte[random.Next(0, 40)], headers);
        }
        return builder.Build().ToArray();
    }

    /// <summary>A record set mixing every format the reader supports.</summary>
    private static byte[] MixedRecordSet() => RecordSets.Concat(
        Batch(0, 3),
        Batch(3, 4, CompressionType.Lz4),
        LegacyWriter.Message(0, 7, 0, -1, [1], [2]),
        LegacyWriter.Message(1, 8, 0, 555, null, [3]),
        LegacyWriter.Wrapper(1, 10, CompressionType.Gzip, false, 600, RecordSets.Concat(
            LegacyWriter.Message(1, 0, 0, 601, [4], [5]),
            LegacyWriter.Message(1, 1, 0, 602, [6], null))),
        Batch(11, 2));

    [Fact]
    public void MoveNextBatch_MixedFormats_ReadsEveryRecordInOrder()
    {
        var batches = RecordSets.ReadAll(MixedRecordSet());

        Assert.Equal([0, 3, 7, 8, 9, 11], batches.Select(b => b.Header.BaseOffset));
        Assert.Equal([2, 2, 0, 1, 1, 2], batches.Select(b => (int)b.Header.Magic));
        var offsets = batches.SelectMany(b => b.Records).Select(r => r.Offset).ToArray();
        Assert.Equal(Enumerable.Range(0, 13).Select(i => (long)i).ToArray(), offsets);
    }

    [Fact]
    public void MoveNextBatch_EmptyRecordSet_ReturnsFalse()
    {
        using var reader = new RecordBatchReader(ReadOnlyMemory<byte>.Empty);
        Assert.False(reader.MoveNextBatch());
        Assert.False(reader.HasPartialBatch);
        Assert.Throws<InvalidOperationException>(() => reader.Header);
    }

    [Fact]
    public void MoveNextBatch_TruncatedAtEveryOffset_StopsAtPartialBatchWithoutError()
    {
        byte[] full = MixedRecordSet();
        var complete = RecordSets.ReadAll(full);
        var ends = new List<int>();
        int end = 0;
        foreach (var (header, _) in complete) ends.Add(end += header.TotalSize);

        for (int cut = 0; cut <= full.Length; cut++)
        {
            using var reader = new RecordBatchReader(full.AsMemory(0, cut), codecs: TestCodec.Resolve);
            int batches = 0;
            while (reader.MoveNextBatch())
            {
                foreach (var _ in reader.GetRecords()) { }
                batches++;
            }
            int expected = ends.Count(e => e <= cut);
            Assert.Equal(expected, batches);
            Assert.Equal(expected == 0 ? 0 : ends[expected - 1], reader.Position);
            Assert.Equal(!ends.Contains(cut) && cut != 0, reader.HasPartialBatch);
        }
    }

    [Fact]
    public void Read_BatchTruncatedAtEveryOffset_ThrowsProtocolException()
    {
        byte[] batch = Batch(0, 5);
        for (int cut = 0; cut < RecordBatchHeader.Size; cut++)
            Assert.ThrowsAny<KafkaProtocolException>(() => RecordBatchHeader.Read(batch.AsSpan(0, cut)));
        // A batch whose declared length is shortened (and CRC fixed up) is complete but its records are cut short.
        for (int cut = RecordBatchHeader.Size; cut < batch.Length; cut++)
        {
            byte[] shortened = batch[..cut];
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(shortened.AsSpan(8), cut - 12);
            RecordBatchHeader.UpdateCrc(shortened);
            Assert.ThrowsAny<KafkaProtocolException>(() => RecordSets.ReadAll(shortened));
        }
    }

    [Fact]
    public void MoveNextBatch_FlippedBit_ThrowsCorruptRecordUnlessCrcCheckDisabled()
    {
        byte[] batch = Batch(0, 3);
        batch[^3] ^= 0x01; // inside the last record's value
        Assert.Throws<CorruptRecordException>(() => RecordSets.ReadAll(batch));
        Assert.Equal(3, RecordSets.ReadAll(batch, verifyCrc: false)[0].Records.Count);
    }

    [Fact]
    public void MoveNextBatch_UnknownMagic_ThrowsCorruptRecord()
    {
        byte[] batch = Batch(0, 1);
        batch[16] = 3;
        Assert.Throws<CorruptRecordException>(() => RecordSets.ReadAll(batch));
    }

    [Fact]
    public void GetRecords_UnknownCodec_ThrowsCompressionException()
    {
        byte[] batch = Batch(0, 2, CompressionType.Gzip);
        batch[22] = (byte)((batch[22] & ~7) | 5);
        RecordBatchHeader.UpdateCrc(batch);
        Assert.Throws<KafkaCompressionException>(() => RecordSets.ReadAll(batch));
    }

    [Fact]
    public void GetRecords_DecompressedBeyondLimit_ThrowsCompressionException()
    {
        byte[] batch = Batch(0, 50, CompressionType.Zstd);
        using var reader = new RecordBatchReader(batch, codecs: TestCodec.Resolve, maxDecompressedSize: 100);
        Assert.True(reader.MoveNextBatch());
        Assert.Throws<KafkaCompressionException>(() => reader.GetRecords());
    }

    [Fact]
    public void RandomMutations_ThousandsOfBatches_OnlyProtocolExceptions()
    {
        var random = new Random(12345);
        var codecs = new[] { CompressionType.None, CompressionType.None, CompressionType.Gzip };
        for (int iteration = 0; iteration < 4000; iteration++)
        {
            byte[] data = iteration % 5 == 4
                ? LegacyWriter.Wrapper(1, 5, CompressionType.Snappy, false, 9, RecordSets.Concat(
                    LegacyWriter.Message(1, 0, 0, 1, [1], [2, 3]), LegacyWriter.Message(1, 1, 0, 2, null, [4])))
                : Batch(random.Next(100), random.Next(1, 6), codecs[random.Next(codecs.Length)], seed: iteration);
            int mutations = random.Next(1, 4);
            for (int m = 0; m < mutations; m++)
            {
                int at = random.Next(data.Length);
                data[at] = random.Next(3) switch { 0 => (byte)(data[at] ^ (1 << random.Next(8))), 1 => 0xFF, _ => (byte)random.Next(256) };
            }
            if (random.Next(4) == 0) data = data[..random.Next(data.Length)];
            bool verifyCrc = random.Next(4) == 0;
            if (!verifyCrc && data.Length >= RecordBatchHeader.Size && data[16] == 2 && random.Next(2) == 0)
            {
                try { RecordBatchHeader.UpdateCrc(data); } catch (KafkaProtocolException) { }
            }
            try
            {
                RecordSets.ReadAll(data, verifyCrc);
            }
            catch (Exception ex)
            {
                Assert.True(ex is KafkaProtocolException, $"iteration {iteration}: {ex}");
            }
        }
    }

    [Fact]
    public void GetRecords_UncompressedThousandRecords_AllocatesNothing()
    {
        using var builder = new RecordBatchBuilder();
        var key = new byte[12];
        var value = new byte[100];
        RecordHeader[] headers = [new RecordHeader("h", [1])];
        for (int i = 0; i < 1000; i++) builder.Append(1000 + i, key, value, i % 10 == 0 ? headers : default);
        ReadOnlyMemory<byte> batch = builder.Build().ToArray();
        using var reader = new RecordBatchReader(batch);

        long Iterate()
        {
            long sum = 0;
            reader.Reset(batch);
            while (reader.MoveNextBatch())
            {
                foreach (var record in reader.GetRecords())
                {
                    sum += record.Offset + record.Key.Span[0] + record.Value.Length;
                    foreach (var header in record.Headers) sum += header.Value.Span[0];
                }
            }
            return sum;
        }

        Iterate();
        long before = GC.GetAllocatedBytesForCurrentThread();
        long total = Iterate();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(1000 * 999 / 2 + 100 * 1000 + 100, total);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void SetBaseOffsetAndLeaderEpoch_PatchedBatch_KeepsValidCrc()
    {
        byte[] batch = Batch(0, 3);
        RecordBatchHeader.SetBaseOffset(batch, 5000);
        RecordBatchHeader.SetPartitionLeaderEpoch(batch, 12);

        Assert.True(RecordBatchHeader.IsCrcValid(batch));
        var (header, records) = Assert.Single(RecordSets.ReadAll(batch));
        Assert.Equal(5000, header.BaseOffset);
        Assert.Equal(12, header.PartitionLeaderEpoch);
        Assert.Equal([5000L, 5001, 5002], records.Select(r => r.Offset));
    }

    [Fact]
    public void SetMaxTimestamp_LogAppendTime_RecomputesCrcAndOverridesRecordTimestamps()
    {
        byte[] batch = Batch(0, 3);
        RecordBatchHeader.SetMaxTimestamp(batch, TimestampType.LogAppendTime, 99_999);

        Assert.True(RecordBatchHeader.IsCrcValid(batch));
        Assert.Equal(ReferenceCrc.Crc32C(batch.AsSpan(21)), RecordBatchHeader.Read(batch).Crc);
        var (header, records) = Assert.Single(RecordSets.ReadAll(batch));
        Assert.Equal(TimestampType.LogAppendTime, header.TimestampType);
        Assert.All(records, r => Assert.Equal(99_999, r.Timestamp));
    }

    [Fact]
    public void SetProducerState_Patched_ReadsBackWithValidCrc()
    {
        byte[] batch = Batch(0, 4);
        RecordBatchHeader.SetProducerState(batch, 42, 3, int.MaxValue - 1);
        var header = Assert.Single(RecordSets.ReadAll(batch)).Header;
        Assert.Equal(42, header.ProducerId);
        Assert.Equal(3, header.ProducerEpoch);
        Assert.Equal(1, header.LastSequence); // MaxValue - 1, MaxValue, 0, 1
    }

    [Fact]
    public void SetBaseOffset_NotABatch_ThrowsProtocolException()
    {
        Assert.ThrowsAny<KafkaProtocolException>(() => RecordBatchHeader.SetBaseOffset(new byte[30], 1));
        byte[] batch = Batch(0, 1);
        batch[16] = 1;
        Assert.Throws<CorruptRecordException>(() => RecordBatchHeader.SetBaseOffset(batch, 1));
    }
}

public partial class RecordBatchReaderTests
{
    private sealed class ThrowingCodec : ICompressionCodec
    {
        public CompressionType Type => CompressionType.Gzip;
        public void Compress(ReadOnlySpan<byte> source, System.Buffers.IBufferWriter<byte> destination, int? level = null) =>
            new TestCodec(Type).Compress(source, destination, level);
        public void Decompress(ReadOnlySpan<byte> source, System.Buffers.IBufferWriter<byte> destination, int maxDecompressedSize) =>
            throw new InvalidDataException("bad stream");
    }

    private static byte[] CompressedBatch(int records)
    {
        using var builder = new RecordBatchBuilder(codecs: TestCodec.Resolve) { Compression = CompressionType.Gzip };
        for (int i = 0; i < records; i++) builder.Append(i, [(byte)i], [(byte)i]);
        return builder.Build().ToArray();
    }

    [Fact]
    public void GetRecords_CalledTwice_RestartsFromFirstRecord()
    {
        using var reader = new RecordBatchReader(CompressedBatch(3), codecs: TestCodec.Resolve);
        Assert.True(reader.MoveNextBatch());
        int first = 0, second = 0;
        foreach (var _ in reader.GetRecords()) first++;
        foreach (var _ in reader.GetRecords()) second++;
        Assert.Equal(3, first);
        Assert.Equal(3, second);
    }

    [Fact]
    public void GetRecords_CodecThrowsForeignException_WrapsInCompressionException()
    {
        using var reader = new RecordBatchReader(CompressedBatch(2), codecs: _ => new ThrowingCodec());
        Assert.True(reader.MoveNextBatch());
        var ex = Assert.Throws<KafkaCompressionException>(() => reader.GetRecords());
        Assert.IsType<InvalidDataException>(ex.InnerException);
    }

    [Fact]
    public void Header_DeleteHorizonBitSet_IsReported()
    {
        byte[] batch = CompressedBatch(1);
        batch[22] |= 0x40;
        RecordBatchHeader.UpdateCrc(batch);
        var header = Assert.Single(RecordSets.ReadAll(batch)).Header;
        Assert.True(header.HasDeleteHorizon);
    }

    [Fact]
    public void GetRecords_CompressedEmptyBatch_YieldsNothingWithoutDecompressing()
    {
        byte[] batch = CompressedBatch(1)[..RecordBatchHeader.Size];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(8), RecordBatchHeader.Size - 12);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(57), 0);
        RecordBatchHeader.UpdateCrc(batch);
        using var reader = new RecordBatchReader(batch, codecs: _ => new ThrowingCodec());
        Assert.True(reader.MoveNextBatch());
        Assert.False(reader.GetRecords().MoveNext());
    }

    [Fact]
    public void MoveNextBatch_AfterDispose_Throws()
    {
        var reader = new RecordBatchReader(CompressedBatch(1), codecs: TestCodec.Resolve);
        reader.Dispose();
        Assert.Throws<ObjectDisposedException>(() => reader.MoveNextBatch());
    }
}
