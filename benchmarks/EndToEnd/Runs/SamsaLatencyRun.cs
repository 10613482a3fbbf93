using Confluent.Kafka;
using Samsa.Consumer;

namespace Samsa.Benchmarks.EndToEnd.Runs;

/// <summary>
/// Samsa's latency scenario: records are written by a Confluent.Kafka producer exactly as in
/// <see cref="ConfluentRun.LatencyAsync"/> (same pacing, same settings), so only the consuming side differs; the Samsa
/// consumer reads them through the raw path with <c>fetch.max.wait.ms</c> 100 like the Confluent run.
/// </summary>
internal static class SamsaLatencyRun
{
    public static async Task<RunResult> LatencyAsync(BenchOptions o, Measurement m)
    {
        var options = new ConsumerOptions { BootstrapServers = o.Bootstrap!, ClientId = "samsa-latency", EnableAutoCommit = false, FetchMaxWaitMs = 100 };
        await using var consumer = new Samsa.Consumer.ConsumerBuilder<Samsa.Serialization.Ignore, byte[]>(options).Build();
        consumer.Assign(Enumerable.Range(0, o.Partitions).Select(p => new Samsa.TopicPartitionOffset(o.Topic, p, Samsa.Offsets.End)));
        var producerConfig = new ProducerConfig { BootstrapServers = o.Bootstrap, Acks = Acks.All, EnableIdempotence = true, LingerMs = o.LingerMs };
        using var producer = new ProducerBuilder<Null, byte[]>(producerConfig).Build();
        var recorder = new LatencyRecorder(new LatencyProbe(o));
        var consumeTask = Task.Run(async () =>
        {
            while (recorder.Received < o.Messages)
            {
                using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await consumer.ConsumeRawAsync(recorder, 10_000, guard.Token);
            }
        });
        await Task.Delay(2000); // let the consumer's positions settle at the end offset
        m.Start();
        await Pacer.RunAsync(o.Messages, o.RatePerSecond, i => producer.Produce(o.Topic, new Message<Null, byte[]> { Value = LatencyProbe.Stamp(o.Size, i) }));
        producer.Flush(Timeout.InfiniteTimeSpan);
        await consumeTask;
        return m.Stop(o, "samsa", o.Messages, 0, recorder.Probe.Percentiles());
    }

    private sealed class LatencyRecorder(LatencyProbe probe) : IRawRecordHandler
    {
        public LatencyProbe Probe { get; } = probe;

        public long Received => Probe.Received;

        public void OnRecord(in RawRecord record) => Probe.Record(record.Value);
    }
}
