using BenchmarkDotNet.Attributes;
using Samsa.Producer.Internal;
using Samsa.Protocol.Compression;

namespace Samsa.Benchmarks.Micro.Producer;

/// <summary>
/// The producer's hot path without I/O: 10,000 records of 100 bytes appended into per-partition batches of
/// batch.size 16384 across 12 partitions, then the batches completed (as if acknowledged) and recycled.
/// Steady state must allocate nothing per record.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class AccumulatorBenchmarks
{
    private const int Records = 10_000;
    private readonly byte[] _value = new byte[100];
    private readonly byte[] _key = new byte[12];
    private RecordAccumulator _accumulator = null!;
    private PartitionQueue[] _queues = null!;

    [GlobalSetup]
    public void Setup()
    {
        var pool = new BufferPool(32 * 1024 * 1024, TimeProvider.System);
        _accumulator = new RecordAccumulator(16_384, CompressionType.None, null, pool, TimeProvider.System, static () => { });
        var topic = new TopicState("bench");
        topic.Update(12, [.. Enumerable.Range(0, 12)]);
        _queues = topic.Partitions;
        Append(); // warm the batch pool
    }

    [Benchmark(OperationsPerInvoke = Records)]
    public int Append()
    {
        var meta = new RecordMeta { Timestamp = 1 };
        for (int i = 0; i < Records; i++)
        {
            int reserved = 0;
            _accumulator.TryAppend(_queues[i % 12], 1_700_000_000_000, _key, false, _value, false, default, 0, meta, ref reserved, out _, out _);
        }
        int batches = 0;
        foreach (var queue in _queues)
        {
            while (true)
            {
                ProducerBatch batch;
                lock (queue.Gate)
                {
                    if (queue.Count == 0) break;
                    batch = queue.RemoveFirst();
                }
                batch.Encode(transactional: false);
                _accumulator.Complete(batch);
                batches++;
            }
        }
        return batches;
    }
}
