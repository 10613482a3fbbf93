using System.Runtime.CompilerServices;
using Samsa.Protocol.Compression;
using Samsa.Protocol.Records;

namespace Samsa.Producer.Internal;

/// <summary>The outcome of <see cref="RecordAccumulator.TryAppend"/>.</summary>
internal enum AppendStatus
{
    /// <summary>The record is in a batch.</summary>
    Appended,
    /// <summary>A new batch is needed and buffer.memory has no room now: reserve <c>bytes</c> (waiting) and retry.</summary>
    NeedsMemory,
}

/// <summary>
/// Collects records into per-partition batches (Kafka's RecordAccumulator). Never touches sockets: the sender drains
/// ready batches. Records are encoded straight into pooled <see cref="RecordBatchBuilder"/>s; each new batch reserves
/// <c>max(batch.size, record)</c> bytes of <c>buffer.memory</c>. Thread-safe; one lock per partition, taken once per record.
/// </summary>
internal sealed class RecordAccumulator
{
    /// <summary>Worst-case framing bytes of one record besides key, value and headers (varints at full width).</summary>
    public const int RecordOverhead = 5 + 1 + 10 + 5 + 5 + 5 + 5;

    private readonly int _batchSize;
    private readonly CompressionType _compression;
    private readonly int? _compressionLevel;
    private readonly TimeProvider _time;
    private readonly Action _wakeSender;
    private readonly Stack<ProducerBatch> _free = new();
    private int _incompleteBatches;

    public RecordAccumulator(int batchSize, CompressionType compression, int? compressionLevel, BufferPool pool, TimeProvider time, Action wakeSender)
    {
        _batchSize = Math.Max(batchSize, 1);
        _compression = compression;
        _compressionLevel = compressionLevel;
        Pool = pool;
        _time = time;
        _wakeSender = wakeSender;
    }

    public BufferPool Pool { get; }

    public int BatchSize => _batchSize;

    /// <summary>Batches created and not yet completed.</summary>
    public int IncompleteBatches => Volatile.Read(ref _incompleteBatches);

    /// <summary>Raised (under no lock) when <see cref="IncompleteBatches"/> drops to zero.</summary>
    public event Action? AllComplete;

    /// <summary>Bytes to reserve for a new batch that starts with a record of <paramref name="recordBytes"/>.</summary>
    public int BatchReservation(int recordBytes) => Math.Max(_batchSize, recordBytes + RecordBatchHeader.Size);

    /// <summary>
    /// Appends a record to the partition's open batch, or to a new one. A new batch takes <paramref name="reserved"/>
    /// bytes if the caller reserved them, else tries the pool without waiting. Returns
    /// <see cref="AppendStatus.NeedsMemory"/> with the bytes to reserve when the pool is short. Reports whether the
    /// partition's last batch is full afterwards (a sticky-partition boundary).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public AppendStatus TryAppend(PartitionQueue queue, long timestamp, ReadOnlySpan<byte> key, bool keyIsNull, ReadOnlySpan<byte> value,
        bool valueIsNull, ReadOnlySpan<RecordHeader> headers, int headerBytes, in RecordMeta meta, ref int reserved, out int needBytes, out bool batchFull)
    {
        int estimate = RecordOverhead + (keyIsNull ? 0 : key.Length) + (valueIsNull ? 0 : value.Length) + headerBytes;
        bool wake = false;
        lock (queue.Gate)
        {
            var last = queue.Last;
            if (last is not null && !last.Closed && last.SizeInBytes + estimate <= _batchSize)
            {
                last.Builder.Append(timestamp, key, keyIsNull, value, valueIsNull, headers);
                last.AddMeta(meta);
                batchFull = last.SizeInBytes + estimate > _batchSize;
                needBytes = 0;
                if (batchFull && !last.Full)
                {
                    last.Full = true;
                    wake = true;
                }
            }
            else
            {
                int size = BatchReservation(estimate);
                if (reserved < size)
                {
                    if (reserved > 0)
                    {
                        Pool.Release(reserved);
                        reserved = 0;
                    }
                    if (!Pool.TryReserve(size))
                    {
                        needBytes = size;
                        batchFull = false;
                        return AppendStatus.NeedsMemory;
                    }
                    reserved = size;
                }
                var batch = RentBatch(queue, reserved, _time.GetTimestamp(), estimate - RecordOverhead + 8);
                reserved = 0;
                if (last is not null) last.Closed = true;
                batch.Builder.Append(timestamp, key, keyIsNull, value, valueIsNull, headers);
                batch.AddMeta(meta);
                queue.AddLast(batch);
                Interlocked.Increment(ref _incompleteBatches);
                batchFull = batch.SizeInBytes + estimate > _batchSize;
                batch.Full = batchFull;
                needBytes = 0;
                // Wake the sender for a full predecessor, or to start the linger timer of a partition that was idle.
                wake = last is not null || queue.Count == 1;
            }
        }
        if (reserved > 0)
        {
            Pool.Release(reserved);
            reserved = 0;
        }
        if (wake) _wakeSender();
        return AppendStatus.Appended;
    }

    /// <summary>Adds a batch built elsewhere (a split) to the front of its partition's queue.</summary>
    public void Reenqueue(ProducerBatch batch, bool isNew)
    {
        if (isNew) Interlocked.Increment(ref _incompleteBatches);
        lock (batch.Queue.Gate) batch.Queue.Reenqueue(batch);
        _wakeSender();
    }

    /// <summary>Creates a batch for re-encoded records (splits) with its own reservation (which may exceed the bound briefly).</summary>
    public ProducerBatch NewBatch(PartitionQueue queue, long createdTimestamp) => RentBatch(queue, 0, createdTimestamp, 64);

    /// <summary>Returns a completed batch's memory and the batch itself to the pool.</summary>
    public void Complete(ProducerBatch batch)
    {
        Recycle(batch);
        if (Interlocked.Decrement(ref _incompleteBatches) == 0) AllComplete?.Invoke();
    }

    /// <summary>Returns a batch to the pool without completing it (its records moved to other batches).</summary>
    public void Recycle(ProducerBatch batch)
    {
        int reserved = batch.ReservedBytes;
        batch.Reset();
        lock (_free) _free.Push(batch);
        Pool.Release(reserved);
    }

    /// <summary>
    /// A pooled batch. The pool holds at most what buffer.memory allowed to exist at once (plus splits), so steady
    /// state allocates nothing; builders start at batch.size and keep their buffers.
    /// </summary>
    private ProducerBatch RentBatch(PartitionQueue queue, int reserved, long created, int recordEstimate)
    {
        ProducerBatch? batch;
        lock (_free) _free.TryPop(out batch);
        // A new batch sizes its record-metadata array for batch.size worth of records like the first one (payload plus
        // about 8 bytes of per-record framing), so filling the pool does not leave a trail of outgrown arrays.
        batch ??= new ProducerBatch(new RecordBatchBuilder(Math.Min(_batchSize, 1 << 20)), _batchSize / Math.Max(recordEstimate, 1) + 1);
        batch.Init(queue, reserved, created, _compression, _compressionLevel);
        return batch;
    }
}
