using System.Buffers.Binary;
using Samsa.Protocol.Compression;
using Samsa.Protocol.Records;

namespace Samsa.Protocol.Tests.Records;

public class RecordBatchBuilderTests
{
    [Fact]
    public void Build_OneRecord_MatchesHandWrittenBytes()
    {
        var expected = new List<byte>();
        expected.AddRange(new byte[8]);                                      // baseOffset 0
        expected.AddRange([0x00, 0x00, 0x00, 0x3A]);                         // batchLength 58 = 61 + 9 - 12
        expected.AddRange([0xFF, 0xFF, 0xFF, 0xFF]);                         // partitionLeaderEpoch -1
        expected.Add(0x02);                                                  // magic
        expected.AddRange([0, 0, 0, 0]);                                     // crc, filled in below
        expected.AddRange([0x00, 0x00]);                                     // attributes
        expected.AddRange([0x00, 0x00, 0x00, 0x00]);                         // lastOffsetDelta
        expected.AddRange([0, 0, 0, 0, 0, 0, 0x03, 0xE8]);                   // baseTimestamp 1000
        expected.AddRange([0, 0, 0, 0, 0, 0, 0x03, 0xE8]);                   // maxTimestamp 1000
        expected.AddRange([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]); // producerId -1
        expected.AddRange([0xFF, 0xFF]);                                     // producerEpoch -1
        expected.AddRange([0xFF, 0xFF, 0xFF, 0xFF]);                         // baseSequence -1
        expected.AddRange([0x00, 0x00, 0x00, 0x01]);                         // records count
        // length 8 (zigzag 0x10), attributes, timestampDelta 0, offsetDelta 0, key "k", value "v", no headers
        expected.AddRange([0x10, 0x00, 0x00, 0x00, 0x02, (byte)'k', 0x02, (byte)'v', 0x00]);
        byte[] golden = expected.ToArray();
        BinaryPrimitives.WriteUInt32BigEndian(golden.AsSpan(17), ReferenceCrc.Crc32C(golden.AsSpan(21)));

        using var builder = new RecordBatchBuilder();
        builder.Append(1000, "k"u8.ToArray(), "v"u8.ToArray());

        Assert.Equal(golden, builder.Build().ToArray());
    }

    [Fact]
    public void Build_HeadersAndNulls_MatchesHandWrittenRecordBytes()
    {
        using var builder = new RecordBatchBuilder();
        builder.Append(5000, [1], [2]);
        builder.Append(4936, null, null, [new RecordHeader("h", null), new RecordHeader("é", [9])]);
        var batch = builder.Build().ToArray();
        // Second record: attributes 0, timestampDelta -64 (zigzag 127 = 0x7F), offsetDelta 1 (0x02), null key (0x01),
        // null value (0x01), 2 headers (0x04), "h" (0x02 'h') null (0x01), "é" (0x04 C3 A9) value [9] (0x02 09).
        byte[] record2 = [0x00, 0x7F, 0x02, 0x01, 0x01, 0x04, 0x02, (byte)'h', 0x01, 0x04, 0xC3, 0xA9, 0x02, 0x09];
        byte[] tail = [(byte)(record2.Length * 2), .. record2];
        Assert.Equal(tail, batch[^tail.Length..]);
        Assert.Equal(5000, BinaryPrimitives.ReadInt64BigEndian(batch.AsSpan(35)));
        Assert.Equal(ReferenceCrc.Crc32C(batch.AsSpan(21)), BinaryPrimitives.ReadUInt32BigEndian(batch.AsSpan(17)));
    }

    public static TheoryData<CompressionType, TimestampType, bool, bool> AttributeCombinations()
    {
        var data = new TheoryData<CompressionType, TimestampType, bool, bool>();
        foreach (var compression in new[] { CompressionType.None, CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd })
        foreach (var timestampType in new[] { TimestampType.CreateTime, TimestampType.LogAppendTime })
        foreach (bool transactional in new[] { false, true })
        foreach (bool control in new[] { false, true })
            data.Add(compression, timestampType, transactional, control);
        return data;
    }

    [Theory]
    [MemberData(nameof(AttributeCombinations))]
    public void Build_EveryAttribute_RoundTrips(CompressionType compression, TimestampType timestampType, bool transactional, bool control)
    {
        using var builder = new RecordBatchBuilder(codecs: TestCodec.Resolve)
        {
            BaseOffset = 1_000_000_000_000, PartitionLeaderEpoch = 42, ProducerId = 123456789012, ProducerEpoch = 7, BaseSequence = 99,
            IsTransactional = transactional, IsControl = control, TimestampType = timestampType, Compression = compression, CompressionLevel = 3,
        };
        var expected = new List<DecodedRecord>();
        for (int i = 0; i < 20; i++)
        {
            long timestamp = 1_700_000_000_000 + (i % 3 == 0 ? -i * 1000 : i * 77);
            byte[]? key = i % 4 == 1 ? null : RecordSets.Utf8("key-" + i);
            byte[]? value = i % 5 == 2 ? null : new byte[i * 13];
            RecordHeader[] headers = i % 2 == 0 ? [] : [new RecordHeader("h" + i, i % 3 == 0 ? null : [(byte)i]), new RecordHeader("", [])];
            builder.Append(timestamp, key, value, headers);
            expected.Add(new DecodedRecord(1_000_000_000_000 + i, timestamp, key, value, headers.Select(h => (h.Key, h.IsValueNull ? null : h.Value.ToArray())).ToArray()));
        }

        var batches = RecordSets.ReadAll(builder.Build());

        var (header, records) = Assert.Single(batches);
        Assert.Equal(1_000_000_000_000, header.BaseOffset);
        Assert.Equal(42, header.PartitionLeaderEpoch);
        Assert.Equal(123456789012, header.ProducerId);
        Assert.Equal(7, header.ProducerEpoch);
        Assert.Equal(99, header.BaseSequence);
        Assert.Equal(118, header.LastSequence);
        Assert.Equal(19, header.LastOffsetDelta);
        Assert.Equal(1_000_000_000_019, header.LastOffset);
        Assert.Equal(20, header.RecordCount);
        Assert.Equal(compression, header.Compression);
        Assert.Equal(timestampType, header.TimestampType);
        Assert.Equal(transactional, header.IsTransactional);
        Assert.Equal(control, header.IsControl);
        Assert.False(header.HasDeleteHorizon);
        Assert.Equal(expected.Max(r => r.Timestamp), header.MaxTimestamp);
        Assert.Equal(expected[0].Timestamp, header.BaseTimestamp);
        Assert.Equal(expected.Count, records.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            var want = timestampType == TimestampType.LogAppendTime ? expected[i] with { Timestamp = header.MaxTimestamp } : expected[i];
            Assert.True(want.Same(records[i]), $"record {i} differs");
        }
    }

    [Fact]
    public void MeasureRecord_BeforeAppend_EqualsSizeGrowth()
    {
        using var builder = new RecordBatchBuilder(initialCapacity: 300);
        var random = new Random(3);
        for (int i = 0; i < 200; i++)
        {
            long timestamp = random.NextInt64(-1, long.MaxValue / 2);
            byte[]? key = i % 7 == 0 ? null : new byte[random.Next(0, 200)];
            byte[] value = new byte[random.Next(0, 5000)];
            RecordHeader[] headers = [new RecordHeader("k" + i, i % 2 == 0 ? null : new byte[i])];
            int before = builder.SizeInBytes;
            int measured = builder.MeasureRecord(timestamp, key?.Length ?? -1, value.Length, headers);
            builder.Append(timestamp, key, value, headers);
            Assert.Equal(before + measured, builder.SizeInBytes);
        }
        Assert.Equal(builder.SizeInBytes, builder.Build().Length);
        Assert.Equal(200, RecordSets.ReadAll(builder.Build())[0].Records.Count);
    }

    [Fact]
    public void Reset_AfterBuild_StartsFreshBatchWithDefaults()
    {
        using var builder = new RecordBatchBuilder { ProducerId = 5, IsTransactional = true };
        builder.Append(1, [1], [1]);
        builder.Build();
        builder.Reset();
        builder.Append(2, [2], [2]);

        var (header, records) = Assert.Single(RecordSets.ReadAll(builder.Build()));

        Assert.Equal(-1, header.ProducerId);
        Assert.False(header.IsTransactional);
        Assert.Equal(2, Assert.Single(records).Timestamp);
        Assert.Equal(1, builder.Count);
    }

    [Fact]
    public void Build_NoRecords_Throws()
    {
        using var builder = new RecordBatchBuilder();
        Assert.Throws<InvalidOperationException>(() => builder.Build());
    }

    [Fact]
    public void AppendEndTransactionMarker_Commit_ReadsBackAsControlBatch()
    {
        using var builder = new RecordBatchBuilder { ProducerId = 77, ProducerEpoch = 3 };
        builder.AppendEndTransactionMarker(123, ControlRecordType.Commit, coordinatorEpoch: 9);

        using var reader = new RecordBatchReader(builder.Build());
        Assert.True(reader.MoveNextBatch());
        Assert.True(reader.Header.IsControl);
        Assert.True(reader.Header.IsTransactional);
        Assert.Equal(77, reader.Header.ProducerId);
        var records = reader.GetRecords();
        Assert.True(records.MoveNext());
        Assert.Equal(ControlRecordType.Commit, ControlRecord.ReadType(records.Current.Key.Span));
        Assert.Equal(9, ControlRecord.ReadCoordinatorEpoch(records.Current.Value.Span));
        Assert.False(records.MoveNext());
        Assert.Throws<InvalidOperationException>(() => builder.AppendEndTransactionMarker(1, ControlRecordType.Abort, 1));
    }
}
