namespace Samsa.Producer.Internal;

/// <summary>
/// The batches of one partition, oldest first; the last one is open for appends. Appenders and the sender share
/// <see cref="Gate"/>; the idempotence fields are owned by the sender (under its own lock).
/// </summary>
internal sealed class PartitionQueue(TopicState topic, int partition)
{
    private readonly List<ProducerBatch> _batches = [];

    public readonly Lock Gate = new();

    public TopicState Topic { get; } = topic;

    public string TopicName => Topic.Name;

    public int Partition { get; } = partition;

    /// <summary>Batches waiting (guarded by <see cref="Gate"/>).</summary>
    public int Count => _batches.Count;

    /// <summary>The open batch, or null (guarded by <see cref="Gate"/>).</summary>
    public ProducerBatch? Last => _batches.Count == 0 ? null : _batches[^1];

    /// <summary>The oldest batch, or null (guarded by <see cref="Gate"/>).</summary>
    public ProducerBatch? First => _batches.Count == 0 ? null : _batches[0];

    public void AddLast(ProducerBatch batch) => _batches.Add(batch);

    /// <summary>Takes the oldest batch and closes it.</summary>
    public ProducerBatch RemoveFirst()
    {
        var batch = _batches[0];
        _batches.RemoveAt(0);
        batch.Closed = true;
        return batch;
    }

    /// <summary>Puts a batch back for a retry, keeping batches with sequences in sequence order ahead of new ones.</summary>
    public void Reenqueue(ProducerBatch batch)
    {
        batch.Closed = true;
        int at = 0;
        while (at < _batches.Count && _batches[at].BaseSequence >= 0 && _batches[at].BaseSequence < batch.BaseSequence) at++;
        if (batch.BaseSequence < 0)
        {
            at = 0;
            while (at < _batches.Count && _batches[at].Attempts > 0) at++;
        }
        _batches.Insert(at, batch);
    }

    /// <summary>Removes and returns every batch (abort, close).</summary>
    public List<ProducerBatch> DrainAll()
    {
        var all = new List<ProducerBatch>(_batches);
        _batches.Clear();
        foreach (var b in all) b.Closed = true;
        return all;
    }

    /// <summary>Visits the waiting batches (guarded by <see cref="Gate"/>).</summary>
    public List<ProducerBatch>.Enumerator GetEnumerator() => _batches.GetEnumerator();

    // ---- Sender-owned idempotence state (guarded by the sender's lock) ----

    /// <summary>Sequence the next new batch gets.</summary>
    public int NextSequence;

    /// <summary>Last sequence the broker acknowledged, or -1.</summary>
    public int LastAckedSequence = -1;

    /// <summary>Batches of this partition in flight.</summary>
    public int InFlight;

    /// <summary>Batches of this partition in flight, in send order.</summary>
    public readonly List<ProducerBatch> InFlightBatches = [];

    public void AddInFlight(ProducerBatch batch) => InFlightBatches.Add(batch);

    /// <summary>Forgets an in-flight batch (response arrived).</summary>
    public void RemoveInFlight(ProducerBatch batch)
    {
        if (InFlightBatches.Remove(batch)) InFlight--;
    }

    /// <summary>Added to the current transaction.</summary>
    public bool InTransaction;

    /// <summary>The leader this partition's batches last went to.</summary>
    public int LeaderId = -1;
}

/// <summary>One topic's partitions as the producer knows them from metadata.</summary>
internal sealed class TopicState(string name)
{
    private readonly Lock _gate = new();
    private PartitionQueue[] _partitions = [];

    public string Name { get; } = name;

    /// <summary>Queues indexed by partition; empty until metadata arrived.</summary>
    public PartitionQueue[] Partitions => Volatile.Read(ref _partitions);

    /// <summary>Partitions whose leader is known (for the sticky choice).</summary>
    public int[] Available { get; private set; } = [];

    /// <summary>The topic's sticky-partitioner state, looked up once (set by the producer on first use).</summary>
    public StickyPartitioner.TopicState? Sticky;

    /// <summary>The topic-level metadata error, when the topic cannot be produced to.</summary>
    public Exception? Error { get; set; }

    /// <summary>Completed when metadata first arrives (or fails).</summary>
    public TaskCompletionSource Ready { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Applies a partition count and leaders from metadata; partitions only grow.</summary>
    public void Update(int partitionCount, int[] available)
    {
        lock (_gate)
        {
            var current = _partitions;
            if (partitionCount > current.Length)
            {
                var next = new PartitionQueue[partitionCount];
                current.CopyTo(next, 0);
                for (int p = current.Length; p < partitionCount; p++) next[p] = new PartitionQueue(this, p);
                Volatile.Write(ref _partitions, next);
            }
            Available = available;
        }
        Ready.TrySetResult();
    }
}
