using System.Buffers;
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
}

/// <summary>
/// One record batch for one partition: the pooled <see cref="RecordBatchBuilder"/> the records are encoded into, the
/// per-record metadata, and the state the sender needs (sequence, attempts, timing).
/// </summary>
internal sealed class ProducerBatch
{
    private RecordMeta[] _records;

    public ProducerBatch(PartitionQueue queue, RecordBatchBuilder builder, int reservedBytes, long createdTimestamp)
    {
        Queue = queue;
        Builder = builder;
        ReservedBytes = reservedBytes;
        CreatedTimestamp = createdTimestamp;
        _records = ArrayPool<RecordMeta>.Shared.Rent(16);
    }

    public PartitionQueue Queue { get; }

    public RecordBatchBuilder Builder { get; private set; }

    /// <summary>Bytes reserved in the buffer pool for this batch.</summary>
    public int ReservedBytes { get; set; }

    /// <summary>When the batch was created (<see cref="TimeProvider"/> timestamp); delivery.timeout.ms counts from here.</summary>
    public long CreatedTimestamp { get; }

    /// <summary>When the batch may be sent again after a retriable failure (<see cref="TimeProvider"/> timestamp).</summary>
    public long RetryAfterTimestamp { get; set; }

    /// <summary>Sends so far.</summary>
    public int Attempts { get; set; }

    /// <summary>No more records go in (drained or superseded).</summary>
    public bool Closed { get; set; }

    /// <summary>Base sequence assigned at first send, or -1.</summary>
    public int BaseSequence { get; set; } = -1;

    /// <summary>The producer id and epoch the sequence belongs to.</summary>
    public long ProducerId { get; set; } = -1;

    /// <summary>The producer epoch the sequence belongs to.</summary>
    public short ProducerEpoch { get; set; } = -1;

    /// <summary>The encoded batch, cached between attempts while id, epoch and sequence stay the same.</summary>
    public ReadOnlyMemory<byte> Encoded { get; private set; }

    /// <summary>True once every record has been reported.</summary>
    public bool Done { get; private set; }

    public int Count => Builder.Count;

    public int SizeInBytes => Builder.SizeInBytes;

    public Span<RecordMeta> Records => _records.AsSpan(0, Builder.Count);

    /// <summary>Appends the record's metadata after the builder accepted the record.</summary>
    public void AddMeta(in RecordMeta meta)
    {
        int index = Builder.Count - 1;
        if (index >= _records.Length)
        {
            var next = ArrayPool<RecordMeta>.Shared.Rent(_records.Length * 2);
            _records.AsSpan(0, index).CopyTo(next);
            ArrayPool<RecordMeta>.Shared.Return(_records, clearArray: true);
            _records = next;
        }
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

    /// <summary>Marks the batch done and returns its pooled parts.</summary>
    public RecordBatchBuilder? Release()
    {
        Done = true;
        var builder = Builder;
        Builder = null!;
        Encoded = default;
        ArrayPool<RecordMeta>.Shared.Return(_records, clearArray: true);
        _records = [];
        return builder;
    }
}
