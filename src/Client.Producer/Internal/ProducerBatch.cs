using System.Runtime.CompilerServices;
using Samsa.Protocol.Compression;
using Samsa.Protocol.Records;

namespace Samsa.Producer.Internal;

/// <summary>What the producer remembers about one record until it is delivered: no per-record object is allocated.</summary>
internal struct RecordMeta
{
    /// <summary>The delivery callback or the task completion source; null for fire-and-forget.</summary>
    public object? Handler;

    /// <summary>The user's message, handed back in the report.</summary>
    public object? Message;

    /// <summary>The publish span, when traced.</summary>
    public System.Diagnostics.Activity? Activity;

    /// <summary>The record's create time (Unix ms).</summary>
    public long Timestamp;
}

/// <summary>Receives per-record outcomes; implemented by the typed producer, so the accumulator stays non-generic.</summary>
internal interface IDeliverySink
{
    /// <summary>Reports one record. <paramref name="error"/> is null on success.</summary>
    void Deliver(ref RecordMeta meta, string topic, int partition, long offset, long timestamp, Exception? error, PersistenceStatus status);

    /// <summary>
    /// Reports a batch's records in order: offsets from <paramref name="baseOffset"/> (or -1 when negative), timestamps
    /// <paramref name="logAppendTime"/> when not negative, else each record's own. A handler that throws is logged to
    /// <paramref name="logger"/> and the next record is still reported.
    /// </summary>
    void DeliverAll(Span<RecordMeta> records, string topic, int partition, long baseOffset, long logAppendTime, Exception? error,
        PersistenceStatus status, Microsoft.Extensions.Logging.ILogger logger);
}

/// <summary>
/// One record batch for one partition: the pooled <see cref="RecordBatchBuilder"/> the records are encoded into, the
/// per-record metadata, and the state the sender needs (sequence, attempts, timing).
/// </summary>
internal sealed class ProducerBatch
{
    private RecordMeta[] _records;

    /// <summary>Creates an empty batch for about <paramref name="expectedRecords"/> records; it is reused through <see cref="Init"/> and <see cref="Reset"/>.</summary>
    public ProducerBatch(RecordBatchBuilder builder, int expectedRecords = 64)
    {
        Builder = builder;
        // Sized for the whole batch up front: a pooled batch that had to grow its array did so once per batch, which at
        // 100-byte records in 1 MB batches kept allocating until every pooled batch had grown (up to 64 Ki entries).
        _records = new RecordMeta[Math.Clamp(expectedRecords, 4, 65536)];
    }

    public PartitionQueue Queue { get; private set; } = null!;

    public RecordBatchBuilder Builder { get; }

    /// <summary>Bytes reserved in the buffer pool for this batch.</summary>
    public int ReservedBytes { get; set; }

    /// <summary>When the batch was created (<see cref="TimeProvider"/> timestamp); delivery.timeout.ms counts from here.</summary>
    public long CreatedTimestamp { get; private set; }

    /// <summary>When the batch may be sent again after a retriable failure (<see cref="TimeProvider"/> timestamp).</summary>
    public long RetryAfterTimestamp { get; set; }

    /// <summary>Sends so far.</summary>
    public int Attempts { get; set; }

    /// <summary>No typical record fits any more: ready to send without waiting for linger.ms.</summary>
    public bool Full { get; set; }

    /// <summary>No more records go in (drained or superseded).</summary>
    public bool Closed { get; set; }

    /// <summary>Base sequence assigned at first send, or -1.</summary>
    public int BaseSequence { get; set; } = -1;

    /// <summary>The producer id the sequence belongs to.</summary>
    public long ProducerId { get; set; } = -1;

    /// <summary>The producer epoch the sequence belongs to.</summary>
    public short ProducerEpoch { get; set; } = -1;

    /// <summary>The encoded batch, cached between attempts while id, epoch and sequence stay the same.</summary>
    public ReadOnlyMemory<byte> Encoded { get; private set; }

    public int Count => Builder.Count;

    public int SizeInBytes => Builder.SizeInBytes;

    public Span<RecordMeta> Records => _records.AsSpan(0, Builder.Count);

    /// <summary>Prepares a pooled batch for a partition.</summary>
    public void Init(PartitionQueue queue, int reservedBytes, long createdTimestamp, CompressionType compression, int? compressionLevel)
    {
        Queue = queue;
        ReservedBytes = reservedBytes;
        CreatedTimestamp = createdTimestamp;
        Builder.Compression = compression;
        Builder.CompressionLevel = compressionLevel;
    }

    /// <summary>Appends the record's metadata after the builder accepted the record.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AddMeta(in RecordMeta meta)
    {
        int index = Builder.Count - 1;
        if (index >= _records.Length) Array.Resize(ref _records, _records.Length * 2);
        _records[index] = meta;
    }

    /// <summary>Writes header fields and CRC (compressing if configured); cached until the identity changes.</summary>
    public ReadOnlyMemory<byte> Encode(bool transactional)
    {
        if (!Encoded.IsEmpty && Builder.ProducerId == ProducerId && Builder.ProducerEpoch == ProducerEpoch && Builder.BaseSequence == BaseSequence)
            return Encoded;
        Builder.ProducerId = ProducerId;
        Builder.ProducerEpoch = ProducerEpoch;
        Builder.BaseSequence = BaseSequence;
        Builder.IsTransactional = transactional;
        Encoded = Builder.Build();
        return Encoded;
    }

    /// <summary>Forgets the cached encoding (after the sequence or epoch changed).</summary>
    public void InvalidateEncoding() => Encoded = default;

    /// <summary>Clears everything for reuse (the builder keeps its buffer).</summary>
    public void Reset()
    {
        _records.AsSpan(0, Math.Min(Builder.Count, _records.Length)).Clear();
        Builder.Reset();
        Queue = null!;
        ReservedBytes = 0;
        RetryAfterTimestamp = 0;
        Attempts = 0;
        Full = false;
        Closed = false;
        BaseSequence = -1;
        ProducerId = -1;
        ProducerEpoch = -1;
        Encoded = default;
    }
}
