using Samsa.Consumer;

namespace Samsa.Benchmarks.EndToEnd.Runs;

/// <summary>
/// Samsa's consume scenario: assign every partition from the beginning and read the preloaded records through the
/// raw-bytes path (<see cref="IKafkaConsumer{TKey, TValue}.ConsumeRawAsync"/>), which allocates nothing per record.
/// The handler touches every value, as an application would.
/// </summary>
internal static class SamsaConsumeRun
{
    public static async Task<RunResult> ConsumeAsync(BenchOptions o, Measurement m)
    {
        var options = new ConsumerOptions { BootstrapServers = o.Bootstrap!, ClientId = "samsa-bench", EnableAutoCommit = false };
        await using var consumer = new Samsa.Consumer.ConsumerBuilder<Samsa.Serialization.Ignore, byte[]>(options).Build();
        consumer.Assign(Enumerable.Range(0, o.Partitions).Select(p => new TopicPartitionOffset(o.Topic, p, Samsa.Offsets.Beginning)));
        var handler = new ValueSum();
        m.Start();
        while (handler.Count < o.Messages)
        {
            using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await consumer.ConsumeRawAsync(handler, (int)Math.Min(10_000, o.Messages - handler.Count), guard.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Consumed {handler.Count} of {o.Messages}; no record for 30 s.");
            }
        }
        var result = m.Stop(o, "samsa", handler.Count, 0);
        GC.KeepAlive(handler.Bytes);
        return result;
    }

    private sealed class ValueSum : IRawRecordHandler
    {
        public long Count;
        public long Bytes;

        public void OnRecord(in RawRecord record)
        {
            Count++;
            Bytes += record.Value.Length;
        }
    }
}
