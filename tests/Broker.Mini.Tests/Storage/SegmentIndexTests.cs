using System.Buffers.Binary;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Samsa.Broker.Mini.Storage;
using Samsa.Protocol.Records;

namespace Samsa.Broker.Mini.Tests.Storage;

/// <summary>The <c>.index</c> / <c>.timeindex</c> files: Kafka's layout, lookups through them, and recovery rebuilding them.</summary>
public sealed class SegmentIndexTests : IDisposable
{
    private const int Interval = 100;
    private const int IndexBytes = 1200;            // 150 offset entries, 100 time entries
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "samsa-index-" + Guid.NewGuid().ToString("N"));
    private readonly int _batchSize = Batch(0).Length;

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void Append_OnDisk_WritesKafkasIndexLayoutPreallocatedThenTrimmedOnRoll()
    {
        // 10 batches of 2 records per segment; one offset entry whenever more than 100 bytes lie since the last one.
        Assert.InRange(_batchSize, Interval / 2 + 1, Interval);    // so every second batch is indexed
        var limits = Limits(segmentBatches: 10);
        var log = Open(limits);
        for (int i = 0; i < 14; i++) Append(log, limits, timestamp: 1000 + i);
        Assert.Equal(2, log.Segments.Count);

        // Expected entries of the first (now closed) segment, worked out by hand from the batch positions.
        var expectedOffsets = new List<byte>();
        var expectedTimes = new List<byte>();
        int lastIndexed = 0;
        for (int b = 0; b < 10; b++)
        {
            int position = b * _batchSize;
            if (position - lastIndexed <= Interval) continue;
            lastIndexed = position;
            expectedOffsets.AddRange([.. Int32(2 * b + 1), .. Int32(position)]);
            expectedTimes.AddRange([.. Int64(1000 + b), .. Int32(2 * b + 1)]);
        }
        expectedTimes.AddRange([.. Int64(1009), .. Int32(19)]);     // the entry Kafka adds when the segment rolls
        Assert.True(expectedOffsets.Count >= 24, "the test needs several entries");
        Assert.Equal(expectedOffsets.ToArray(), File.ReadAllBytes(SegmentFile(0, ".index")));
        Assert.Equal(expectedTimes.ToArray(), File.ReadAllBytes(SegmentFile(0, ".timeindex")));

        // The active segment's files are preallocated to segment.index.bytes in whole entries; the unused tail is zero.
        byte[] active = File.ReadAllBytes(SegmentFile(20, ".index"));
        Assert.Equal(IndexBytes, active.Length);
        Assert.Equal([.. Int32(5), .. Int32(2 * _batchSize)], active[..8]);   // the active segment's third batch (offsets 24-25)
        Assert.All(active[8..], b => Assert.Equal(0, b));
        Assert.Equal(IndexBytes, new FileInfo(SegmentFile(20, ".timeindex")).Length);

        log.Dispose();   // close trims the active segment's files, after Kafka's closing time index entry
        Assert.Equal(8, new FileInfo(SegmentFile(20, ".index")).Length);
        Assert.Equal([.. Int64(1012), .. Int32(5), .. Int64(1013), .. Int32(7)], File.ReadAllBytes(SegmentFile(20, ".timeindex")));
    }

    [Fact]
    public void Read_FromTheMiddleOfAMultiSegmentLog_StartsAtTheIndexedPositionOfTheRightSegment()
    {
        var limits = Limits(segmentBatches: 40);
        var log = Open(limits);
        for (int i = 0; i < 120; i++) Append(log, limits, timestamp: 1000 + i);
        Assert.Equal(3, log.Segments.Count);
        var scannedBefore = log.Segments.Select(s => s.BatchesScanned).ToArray();

        long target = 80 + 2 * 25 + 1;      // second record of batch 25 of the middle segment (offsets 80..159)
        var bytes = log.Read(target, maxBytes: 1, minOneBatch: true, upperBound: long.MaxValue);

        var header = RecordBatchHeader.Read(bytes.Span);
        Assert.Equal(target - 1, header.BaseOffset);
        Assert.Equal(_batchSize, bytes.Length);
        var scanned = log.Segments.Select((s, i) => s.BatchesScanned - scannedBefore[i]).ToArray();
        Assert.Equal(0, scanned[0]);
        Assert.Equal(0, scanned[2]);
        // The index leaves at most index.interval.bytes to scan, plus the batch returned.
        Assert.InRange(scanned[1], 1, Interval / _batchSize + 3);
    }

    [Fact]
    public void FindByTimestamp_ThroughTheTimeIndex_MatchesAFullScan()
    {
        var limits = Limits(segmentBatches: 30);
        var log = Open(limits);
        long[] timestamps = Enumerable.Range(0, 90).Select(i => 10_000L + 10 * i - (i % 7 == 3 ? 25 : 0)).ToArray();
        foreach (long ts in timestamps) Append(log, limits, ts);

        for (long target = 9_990; target <= 10_900; target += 3)
        {
            int first = Array.FindIndex(timestamps, t => t >= target);
            var hit = log.FindByTimestamp(target);
            if (first < 0) Assert.Null(hit);
            else Assert.Equal((2L * first, timestamps[first]), (hit!.Value.Offset, hit.Value.Timestamp));
        }
        Assert.Equal((2L * 89, timestamps[^1]), (log.FindMaxTimestamp()!.Value.Offset, log.FindMaxTimestamp()!.Value.Timestamp));
    }

    [Fact]
    public void Open_CleanlyClosedLog_AdoptsTheIndexFiles()
    {
        var limits = Limits(segmentBatches: 10);
        var log = Open(limits);
        for (int i = 0; i < 25; i++) Append(log, limits, 1000 + i);
        log.Dispose();

        var reopened = Open(limits);
        Assert.Equal(0, reopened.IndexesRebuilt);
        Assert.Equal(IndexBytes, new FileInfo(SegmentFile(40, ".index")).Length);   // active again: preallocated
        AssertReadsEveryOffset(reopened, 50);
        reopened.Dispose();
    }

    [Fact]
    public void Open_DeletedIndexFiles_AreRebuiltFromTheLog()
    {
        var limits = Limits(segmentBatches: 10);
        var log = Open(limits);
        for (int i = 0; i < 25; i++) Append(log, limits, 1000 + i);
        log.Dispose();
        var originals = Directory.GetFiles(_dir, "*.*index").ToDictionary(f => f, File.ReadAllBytes);
        foreach (var file in originals.Keys) File.Delete(file);

        var reopened = Open(limits);
        Assert.Equal(3, reopened.IndexesRebuilt);
        reopened.Dispose();
        foreach (var (file, bytes) in originals) Assert.Equal(bytes, File.ReadAllBytes(file));
    }

    [Theory]
    [InlineData(".index", 7, 0x01)]        // an entry's position no longer points at a batch
    [InlineData(".index", 0, 0x7F)]        // an entry's relative offset past the segment
    [InlineData(".timeindex", 7, 0x01)]    // a timestamp that is not the running max at its offset
    public void Open_CorruptIndexEntry_IsDetectedAndRebuilt(string extension, int byteInEntry, byte xor)
    {
        var limits = Limits(segmentBatches: 10);
        var log = Open(limits);
        for (int i = 0; i < 25; i++) Append(log, limits, 1000 + i);
        log.Dispose();
        string path = SegmentFile(20, extension);
        byte[] original = File.ReadAllBytes(path);
        byte[] corrupt = (byte[])original.Clone();
        corrupt[byteInEntry + (extension == ".index" ? 8 : 12)] ^= xor;     // in the second entry
        File.WriteAllBytes(path, corrupt);

        var reopened = Open(limits);
        Assert.Equal(1, reopened.IndexesRebuilt);
        AssertReadsEveryOffset(reopened, 50);
        reopened.Dispose();
        Assert.Equal(original, File.ReadAllBytes(path));
    }

    [Fact]
    public void Open_IndexShortAfterACrash_IsRebuilt()
    {
        // kill -9 after the log write but before the index write: the active segment's preallocated index lacks entries.
        var limits = Limits(segmentBatches: 100);
        var log = Open(limits);
        for (int i = 0; i < 30; i++) Append(log, limits, 1000 + i);
        byte[] full = File.ReadAllBytes(SegmentFile(0, ".index"));
        var crashed = (byte[])full.Clone();
        Array.Clear(crashed, 16, crashed.Length - 16);        // only two entries reached the file
        log.Dispose();
        File.WriteAllBytes(SegmentFile(0, ".index"), crashed);

        var reopened = Open(limits);
        Assert.Equal(1, reopened.IndexesRebuilt);
        Assert.Equal(full, File.ReadAllBytes(SegmentFile(0, ".index")));
        reopened.Dispose();
    }

    [Fact]
    public void TruncateTo_CutsTheIndexesWithTheLog_AndTheyStaySound()
    {
        var limits = Limits(segmentBatches: 10);
        var log = Open(limits);
        for (int i = 0; i < 25; i++) Append(log, limits, 1000 + i);
        log.TruncateTo(27);            // inside the second segment: batches based below 27 stay (offsets 20..27)
        Assert.Equal(28, log.LogEndOffset);
        Assert.False(File.Exists(SegmentFile(40, ".index")));
        var active = log.Segments[^1];
        Assert.True(active.OffsetIndex.Count > 0);
        for (int i = 0; i < active.OffsetIndex.Count; i++) Assert.True(active.OffsetIndex.OffsetAt(i) < 28);
        for (int i = 0; i < active.TimeIndex.Count; i++) Assert.True(active.TimeIndex.OffsetAt(i) < 28);
        for (int i = 0; i < 10; i++) Append(log, limits, 2000 + i);
        log.Dispose();

        var reopened = Open(limits);
        Assert.Equal(0, reopened.IndexesRebuilt);
        AssertReadsEveryOffset(reopened, 48);
        Assert.Equal(28, reopened.FindByTimestamp(2000)!.Value.Offset);
        reopened.Dispose();
    }

    [Fact]
    public void ApplyRetention_DeletesTheIndexFilesWithTheSegment()
    {
        var limits = Limits(segmentBatches: 10) with { RetentionBytes = 1 };
        var log = Open(limits);
        for (int i = 0; i < 25; i++) Append(log, limits, 1000 + i);
        Assert.Equal(2, log.ApplyRetention(limits, nowMs: 0, highWatermark: log.LogEndOffset));
        Assert.Equal(["00000000000000000040.index", "00000000000000000040.timeindex"],
            Directory.GetFiles(_dir, "*.*index").Select(Path.GetFileName).Order(StringComparer.Ordinal));
        log.Dispose();
    }

    private void AssertReadsEveryOffset(PartitionLog log, long end)
    {
        for (long offset = 0; offset < end; offset++)
        {
            var header = RecordBatchHeader.Read(log.Read(offset, 1, true, long.MaxValue).Span);
            Assert.Equal(offset - offset % 2, header.BaseOffset);
        }
    }

    private LogLimits Limits(int segmentBatches) =>
        new(segmentBatches * _batchSize, long.MaxValue, -1, -1, Interval, IndexBytes);

    private PartitionLog Open(LogLimits limits) => PartitionLog.Open("t-0", _dir, 0, NullLogger.Instance, limits);

    private string SegmentFile(long baseOffset, string extension) => Path.Combine(_dir, $"{baseOffset:D20}{extension}");

    private static void Append(PartitionLog log, LogLimits limits, long timestamp)
    {
        byte[] batch = Batch(timestamp);
        RecordBatchHeader.SetBaseOffset(batch, log.LogEndOffset);
        log.Append(batch, RecordBatchHeader.Read(batch), limits, 0);
    }

    /// <summary>A two-record batch of constant size, both records at <paramref name="timestamp"/>.</summary>
    private static byte[] Batch(long timestamp)
    {
        using var builder = new RecordBatchBuilder();
        builder.Append(timestamp, Encoding.UTF8.GetBytes("key"), Encoding.UTF8.GetBytes("value-1"));
        builder.Append(timestamp, Encoding.UTF8.GetBytes("key"), Encoding.UTF8.GetBytes("value-2"));
        return builder.Build().ToArray();
    }

    private static byte[] Int32(int value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, value);
        return bytes;
    }

    private static byte[] Int64(long value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, value);
        return bytes;
    }
}
