using Samsa.Producer;
using Samsa.Serialization;

namespace Samsa.Benchmarks.EndToEnd.Runs;

/// <summary>
/// Samsa's producer with the callback API (no task per record), configured like the Confluent run: idempotent for
/// acks=all, same linger.ms, and unless <c>--batch-size own</c> librdkafka's batch.size and socket send buffer (see
/// <see cref="BenchOptions.BatchSize"/>); every other setting at Kafka's default (buffer.memory 32 MiB).
/// </summary>
internal static class SamsaProduceRun
{
    public static async Task<RunResult> ProduceAsync(BenchOptions o, Measurement m)
    {
        var options = new ProducerOptions
        {
            BootstrapServers = o.Bootstrap!,
            Acks = o.Acks is "-1" ? "all" : o.Acks,
            EnableIdempotence = o.Acks is "all" or "-1",
            LingerMs = o.LingerMs,
        };
        if (o.BatchSize is { } batchSize)
        {
            // Batching like librdkafka: its batch size, and its socket send buffer (the OS default, autotuned) rather
            // than Java's fixed 128 KiB, which a 1 MB request would cross in many partial sends.
            options.BatchSize = batchSize;
            options.SocketSendBufferBytes = -1;
        }
        await using var producer = new ProducerBuilder<Null, byte[]>(options).Build();
        var message = new Message<Null, byte[]> { Value = new byte[o.Size] };
        long errors = 0;
        Action<DeliveryReport<Null, byte[]>> onDelivery = report => { if (report.IsError) Interlocked.Increment(ref errors); };
        producer.Produce(o.Topic, message, onDelivery); // warm-up: metadata, connection, producer id
        for (long i = 0; i < o.ClientWarmupMessages; i++) producer.Produce(o.Topic, message, onDelivery);
        await producer.FlushAsync();
        m.Start();
        long workItemsAtStart = ThreadPool.CompletedWorkItemCount;
        long half = o.Messages / 2, allocatedAtHalf = 0, fullAt = -1, allocatedAtFull = 0;
        for (long i = 0; i < o.Messages; i++)
        {
            if (i == half) allocatedAtHalf = GC.GetTotalAllocatedBytes(precise: false);
            // Pooled batches are created until buffer.memory is used up once; from then on the pool no longer grows.
            if (fullAt < 0 && (i & 1023) == 0 && producer.BufferAvailableBytes < options.BatchSize)
            {
                fullAt = i;
                allocatedAtFull = GC.GetTotalAllocatedBytes(precise: false);
            }
            producer.Produce(o.Topic, message, onDelivery);
        }
        await producer.FlushAsync();
        var result = m.Stop(o, "samsa", o.Messages, Interlocked.Read(ref errors));
        Console.Error.WriteLine($"# samsa thread-pool work items: {(ThreadPool.CompletedWorkItemCount - workItemsAtStart) / (double)o.Messages * 1000:F1} per 1000 records");
        long allocatedAtEnd = GC.GetTotalAllocatedBytes(precise: false);
        // The first half includes filling buffer.memory with pooled batches, unless the backlog only grows later.
        double steady = (allocatedAtEnd - allocatedAtHalf) / (double)(o.Messages - half);
        Console.Error.WriteLine($"# samsa steady-state allocation (second half of the run, flush included): {steady:F2} bytes/record");
        if (fullAt >= 0)
        {
            double afterFull = (allocatedAtEnd - allocatedAtFull) / (double)(o.Messages - fullAt);
            Console.Error.WriteLine($"# samsa allocation once buffer.memory was full (from record {fullAt}, flush included): {afterFull:F2} bytes/record");
        }
        return result;
    }
}
