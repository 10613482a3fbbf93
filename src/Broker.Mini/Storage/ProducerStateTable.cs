using Samsa.Protocol;
using Samsa.Protocol.Records;

namespace Samsa.Broker.Mini.Storage;

/// <summary>The outcome of checking an idempotent batch against a partition's producer state.</summary>
internal readonly record struct SequenceCheck(ErrorCode Error, long DuplicateBaseOffset, long DuplicateTimestamp)
{
    public static SequenceCheck Ok => new(ErrorCode.None, -1, -1);

    public bool IsDuplicate => Error == ErrorCode.None && DuplicateBaseOffset >= 0;
}

/// <summary>An aborted transaction of one producer on one partition: its first offset and its ABORT marker's offset.</summary>
internal readonly record struct AbortedTxn(long ProducerId, long FirstOffset, long LastOffset);

/// <summary>What DescribeProducers reports about one producer on one partition.</summary>
internal readonly record struct ProducerSnapshot(long ProducerId, short Epoch, int LastSequence, long LastTimestamp, int CoordinatorEpoch, long CurrentTxnStartOffset);

/// <summary>
/// Per-partition producer state, as Kafka's ProducerStateManager keeps it: the current epoch of each producer id and
/// the metadata of its last five batches (so retries are answered with their original offsets), the first offset of
/// each producer's ongoing transaction (which bounds the last stable offset), and the aborted-transaction index that
/// read_committed fetches return. Rebuilt from the log on start (<see cref="Replay"/>).
/// </summary>
internal sealed class ProducerStateTable
{
    /// <summary>How many batches per producer Kafka remembers (the producer's max.in.flight limit for idempotence).</summary>
    public const int RetainedBatches = 5;

    private readonly Dictionary<long, ProducerEntry> _producers = new();
    private readonly SortedSet<(long FirstOffset, long ProducerId)> _ongoing = new();
    private readonly List<AbortedTxn> _aborted = new();

    private sealed class ProducerEntry
    {
        public short Epoch;
        public long LastTimestamp = -1;
        public int CoordinatorEpoch = -1;
        public long CurrentTxnFirstOffset = -1;
        public readonly Queue<(int FirstSeq, int LastSeq, long BaseOffset, long Timestamp)> Batches = new();

        public int LastSeq => Batches.Count == 0 ? -1 : Batches.Last().LastSeq;
    }

    /// <summary>The first offset of the oldest ongoing transaction, or null when none is open.</summary>
    public long? FirstUnstableOffset => _ongoing.Count > 0 ? _ongoing.Min.FirstOffset : null;

    /// <summary>Checks the batch's producer id, epoch and sequence before it is appended.</summary>
    public SequenceCheck Check(in RecordBatchHeader header)
    {
        if (header.ProducerId < 0) return SequenceCheck.Ok;
        if (!_producers.TryGetValue(header.ProducerId, out var entry))
            return header.BaseSequence == 0 ? SequenceCheck.Ok : new SequenceCheck(ErrorCode.OutOfOrderSequenceNumber, -1, -1);
        if (header.ProducerEpoch < entry.Epoch) return new SequenceCheck(ErrorCode.InvalidProducerEpoch, -1, -1);
        if (header.ProducerEpoch > entry.Epoch || entry.Batches.Count == 0)
            return header.BaseSequence == 0 ? SequenceCheck.Ok : new SequenceCheck(ErrorCode.OutOfOrderSequenceNumber, -1, -1);
        foreach (var b in entry.Batches)
            if (b.FirstSeq == header.BaseSequence && b.LastSeq == header.LastSequence)
                return new SequenceCheck(ErrorCode.None, b.BaseOffset, b.Timestamp);
        int expected = entry.LastSeq == int.MaxValue ? 0 : entry.LastSeq + 1;
        return header.BaseSequence == expected ? SequenceCheck.Ok : new SequenceCheck(ErrorCode.OutOfOrderSequenceNumber, -1, -1);
    }

    /// <summary>Records an appended data batch (offsets assigned); a transactional one opens its producer's transaction here.</summary>
    public void Update(in RecordBatchHeader header, long appendTimestamp)
    {
        if (header.ProducerId < 0) return;
        var entry = EntryFor(header.ProducerId, header.ProducerEpoch);
        entry.LastTimestamp = appendTimestamp;
        if (header.BaseSequence >= 0)
        {
            entry.Batches.Enqueue((header.BaseSequence, header.LastSequence, header.BaseOffset, appendTimestamp));
            while (entry.Batches.Count > RetainedBatches) entry.Batches.Dequeue();
        }
        if (header.IsTransactional && entry.CurrentTxnFirstOffset < 0)
        {
            entry.CurrentTxnFirstOffset = header.BaseOffset;
            _ongoing.Add((header.BaseOffset, header.ProducerId));
        }
    }

    /// <summary>
    /// Records an appended COMMIT or ABORT marker at <paramref name="markerOffset"/>: the producer's transaction on this
    /// partition ends, and an aborted one enters the aborted-transaction index.
    /// </summary>
    public void CompleteTransaction(long producerId, short epoch, long markerOffset, bool commit, int coordinatorEpoch, long timestamp)
    {
        var entry = EntryFor(producerId, epoch);
        entry.CoordinatorEpoch = coordinatorEpoch;
        entry.LastTimestamp = timestamp;
        if (entry.CurrentTxnFirstOffset < 0) return;
        _ongoing.Remove((entry.CurrentTxnFirstOffset, producerId));
        if (!commit) _aborted.Add(new AbortedTxn(producerId, entry.CurrentTxnFirstOffset, markerOffset));
        entry.CurrentTxnFirstOffset = -1;
    }

    /// <summary>Aborted transactions overlapping [<paramref name="from"/>, <paramref name="to"/>), as Kafka's fetch collects them.</summary>
    public List<AbortedTxn> AbortedBetween(long from, long to)
    {
        var result = new List<AbortedTxn>();
        foreach (var a in _aborted)
            if (a.LastOffset >= from && a.FirstOffset < to) result.Add(a);
        return result;
    }

    /// <summary>Rebuilds the state from one stored batch (recovery), markers included.</summary>
    public void Replay(ReadOnlyMemory<byte> batch)
    {
        var header = RecordBatchHeader.Read(batch.Span);
        if (!header.IsControl)
        {
            Update(header, header.MaxTimestamp);
            return;
        }
        using var reader = new RecordBatchReader(batch, verifyCrc: false);
        if (!reader.MoveNextBatch()) return;
        foreach (var record in reader.GetRecords())
        {
            var type = ControlRecord.ReadType(record.Key.Span);
            if (type is not (ControlRecordType.Commit or ControlRecordType.Abort)) continue;
            int coordinatorEpoch = record.IsValueNull ? -1 : ControlRecord.ReadCoordinatorEpoch(record.Value.Span);
            CompleteTransaction(header.ProducerId, header.ProducerEpoch, record.Offset, type == ControlRecordType.Commit, coordinatorEpoch, header.MaxTimestamp);
        }
    }

    /// <summary>Every producer with state on this partition (DescribeProducers).</summary>
    public IEnumerable<ProducerSnapshot> Snapshot() =>
        _producers.OrderBy(kv => kv.Key).Select(kv => new ProducerSnapshot(kv.Key, kv.Value.Epoch, kv.Value.LastSeq, kv.Value.LastTimestamp,
            kv.Value.CoordinatorEpoch, kv.Value.CurrentTxnFirstOffset));

    /// <summary>The epoch last seen for <paramref name="producerId"/>, or -1.</summary>
    public short EpochOf(long producerId) => _producers.TryGetValue(producerId, out var e) ? e.Epoch : (short)-1;

    private ProducerEntry EntryFor(long producerId, short epoch)
    {
        if (!_producers.TryGetValue(producerId, out var entry))
            _producers[producerId] = entry = new ProducerEntry { Epoch = epoch };
        if (epoch > entry.Epoch)
        {
            entry.Epoch = epoch;
            entry.Batches.Clear();
        }
        return entry;
    }
}
