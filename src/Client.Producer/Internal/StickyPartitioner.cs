using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Samsa.Producer.Internal;

/// <summary>
/// The built-in uniform sticky partitioner of KIP-794 (Kafka 3.3+), used for records whose partitioner returned
/// "sticky" (null keys with the built-in partitioners). Records of a topic stick to one partition until about
/// <c>batch.size</c> bytes went there, then a new partition is drawn: uniformly among partitions whose leader is
/// available, or, with adaptive partitioning, weighted towards partitions with shorter send queues.
/// </summary>
internal sealed class StickyPartitioner(int batchSize, Random? random = null)
{
    private readonly ConcurrentDictionary<string, TopicState> _topics = new(StringComparer.Ordinal);
    private readonly Random _random = random ?? Random.Shared;

    /// <summary>One topic's sticky state; the producer keeps it on its own topic state, so records skip the lookup by name.</summary>
    internal sealed class TopicState
    {
        public readonly Lock Gate = new();
        /// <summary>The current sticky partition, or -1; written under <see cref="Gate"/>, read without it.</summary>
        public volatile int Partition = -1;
        public int ProducedBytes;
        /// <summary>Cumulative weights over <see cref="LoadPartitions"/>; null when queues are even (uniform draw).</summary>
        public int[]? CumulativeWeights;
        public int[]? LoadPartitions;
    }

    /// <summary>The partition unkeyed records of <paramref name="topic"/> go to now.</summary>
    /// <param name="topic">The topic.</param>
    /// <param name="partitionCount">The topic's partition count.</param>
    /// <param name="availablePartitions">Partitions whose leader is known and reachable; empty means "all".</param>
    public int Current(string topic, int partitionCount, ReadOnlySpan<int> availablePartitions) =>
        Current(For(topic), partitionCount, availablePartitions);

    /// <summary>The sticky state of <paramref name="topic"/>, created on first use.</summary>
    public TopicState For(string topic) => _topics.GetOrAdd(topic, static _ => new TopicState());

    /// <summary>The partition unkeyed records of the topic go to now; no lock unless a partition must be drawn.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int Current(TopicState state, int partitionCount, ReadOnlySpan<int> availablePartitions)
    {
        int current = state.Partition;
        if ((uint)current < (uint)partitionCount) return current;
        lock (state.Gate)
        {
            if (state.Partition < 0 || state.Partition >= partitionCount) Switch(state, partitionCount, availablePartitions);
            return state.Partition;
        }
    }

    /// <summary>
    /// Records that <paramref name="bytes"/> were appended to the sticky partition. Once <c>batch.size</c> bytes
    /// went there, the next record draws a new partition, but only at a batch boundary
    /// (<paramref name="batchBoundary"/>), or unconditionally past twice <c>batch.size</c>, as the Java client does.
    /// </summary>
    public void OnAppended(string topic, int partition, int bytes, bool batchBoundary, int partitionCount, ReadOnlySpan<int> availablePartitions)
    {
        if (_topics.TryGetValue(topic, out var state)) OnAppended(state, partition, bytes, batchBoundary, partitionCount, availablePartitions);
    }

    /// <summary><see cref="OnAppended(string,int,int,bool,int,ReadOnlySpan{int})"/> for a topic's cached state.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void OnAppended(TopicState state, int partition, int bytes, bool batchBoundary, int partitionCount, ReadOnlySpan<int> availablePartitions)
    {
        if (state.Partition != partition) return;
        // The byte count is kept with one atomic add; the lock is only taken to draw the next partition.
        int produced = Interlocked.Add(ref state.ProducedBytes, bytes);
        if (!SwitchDue(produced, batchBoundary)) return;
        lock (state.Gate)
        {
            if (state.Partition == partition && SwitchDue(Volatile.Read(ref state.ProducedBytes), batchBoundary))
                Switch(state, partitionCount, availablePartitions);
        }
    }

    /// <summary>
    /// Adaptive partitioning: the sender reports the queue length (batches waiting) of each available partition.
    /// Weights are <c>maxQueue + 1 - queue</c>, so shorter queues are drawn more often; even queues mean a uniform draw.
    /// </summary>
    public void UpdateLoad(string topic, ReadOnlySpan<int> partitions, ReadOnlySpan<int> queueSizes)
    {
        var state = _topics.GetOrAdd(topic, static _ => new TopicState());
        int max = 0, min = int.MaxValue;
        foreach (int q in queueSizes)
        {
            max = Math.Max(max, q);
            min = Math.Min(min, q);
        }
        lock (state.Gate)
        {
            if (partitions.Length == 0 || min == max)
            {
                state.CumulativeWeights = null;
                state.LoadPartitions = null;
                return;
            }
            var cumulative = new int[partitions.Length];
            int total = 0;
            for (int i = 0; i < partitions.Length; i++)
            {
                total += max + 1 - queueSizes[i];
                cumulative[i] = total;
            }
            state.CumulativeWeights = cumulative;
            state.LoadPartitions = partitions.ToArray();
        }
    }

    private bool SwitchDue(int produced, bool batchBoundary) => (produced >= batchSize && batchBoundary) || produced >= 2 * batchSize;

    private void Switch(TopicState state, int partitionCount, ReadOnlySpan<int> available)
    {
        Volatile.Write(ref state.ProducedBytes, 0);
        if (state.CumulativeWeights is { } weights && state.LoadPartitions is { } partitions)
        {
            int pick = _random.Next(weights[^1]);
            int index = Array.BinarySearch(weights, pick);
            index = index < 0 ? ~index : index + 1;
            int candidate = partitions[Math.Min(index, partitions.Length - 1)];
            if (candidate < partitionCount)
            {
                state.Partition = candidate;
                return;
            }
        }
        state.Partition = available.Length > 0 ? available[_random.Next(available.Length)] : _random.Next(partitionCount);
    }
}
