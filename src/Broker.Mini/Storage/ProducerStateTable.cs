using Samsa.Protocol;
using Samsa.Protocol.Records;

namespace Samsa.Broker.Mini.Storage;

/// <summary>The outcome of checking an idempotent batch against a partition's producer state.</summary>
internal readonly record struct SequenceCheck(ErrorCode Error, long DuplicateBaseOffset, long DuplicateTimestamp)
{
    public static SequenceCheck Ok => new(ErrorCode.None, -1, -1);

    public bool IsDuplicate => Error == ErrorCode.None && DuplicateBaseOffset >= 0;
}

/// <summary>
/// Per-partition idempotent producer state, as Kafka's ProducerStateManager keeps it: the current epoch of each
/// producer id and the metadata of its last five batches, so retries are answered with their original offsets.
/// </summary>
internal sealed class ProducerStateTable
{
    /// <summary>How many batches per producer Kafka remembers (the producer's max.in.flight limit for idempotence).</summary>
    public const int RetainedBatches = 5;

    private readonly Dictionary<long, ProducerEntry> _producers = new();

    private sealed class ProducerEntry
    {
        public short Epoch;
        public readonly Queue<(int FirstSeq, int LastSeq, long BaseOffset, long Timestamp)> Batches = new();

        public int LastSeq => Batches.Count == 0 ? -1 : Batches.Last().LastSeq;
    }

    /// <summary>Checks the batch's producer id, epoch and sequence before it is appended.</summary>
    public SequenceCheck Check(in RecordBatchHeader header)
    {
        if (header.ProducerId < 0) return SequenceCheck.Ok;
        if (!_producers.TryGetValue(header.ProducerId, out var entry))
            return header.BaseSequence == 0 ? SequenceCheck.Ok : new SequenceCheck(ErrorCode.OutOfOrderSequenceNumber, -1, -1);
        if (header.ProducerEpoch < entry.Epoch) return new SequenceCheck(ErrorCode.InvalidProducerEpoch, -1, -1);
        if (header.ProducerEpoch > entry.Epoch)
            return header.BaseSequence == 0 ? SequenceCheck.Ok : new SequenceCheck(ErrorCode.OutOfOrderSequenceNumber, -1, -1);
        foreach (var b in entry.Batches)
            if (b.FirstSeq == header.BaseSequence && b.LastSeq == header.LastSequence)
                return new SequenceCheck(ErrorCode.None, b.BaseOffset, b.Timestamp);
        int expected = entry.LastSeq == int.MaxValue ? 0 : entry.LastSeq + 1;
        return header.BaseSequence == expected ? SequenceCheck.Ok : new SequenceCheck(ErrorCode.OutOfOrderSequenceNumber, -1, -1);
    }

    /// <summary>Records an appended batch (offsets assigned).</summary>
    public void Update(in RecordBatchHeader header, long appendTimestamp)
    {
        if (header.ProducerId < 0) return;
        if (!_producers.TryGetValue(header.ProducerId, out var entry))
            _producers[header.ProducerId] = entry = new ProducerEntry { Epoch = header.ProducerEpoch };
        if (header.ProducerEpoch > entry.Epoch)
        {
            entry.Epoch = header.ProducerEpoch;
            entry.Batches.Clear();
        }
        entry.Batches.Enqueue((header.BaseSequence, header.LastSequence, header.BaseOffset, appendTimestamp));
        while (entry.Batches.Count > RetainedBatches) entry.Batches.Dequeue();
    }

    /// <summary>The epoch last seen for <paramref name="producerId"/>, or -1.</summary>
    public short EpochOf(long producerId) => _producers.TryGetValue(producerId, out var e) ? e.Epoch : (short)-1;
}
