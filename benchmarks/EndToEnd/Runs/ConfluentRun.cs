using System.Buffers.Binary;
using System.Diagnostics;
using Confluent.Kafka;

namespace Samsa.Benchmarks.EndToEnd.Runs;

/// <summary>Confluent.Kafka 1.9.3 over Debian's librdkafka, configured like ours: idempotent, linger and batch.size as given.</summary>
internal static class ConfluentRun
{
    public static Task<RunResult> ProduceAsync(BenchOptions o, Measurement m)
    {
        var config = new ProducerConfig
        {
            BootstrapServers = o.Bootstrap,
            Acks = o.Acks switch { "0" => Acks.None, "1" => Acks.Leader, _ => Acks.All },
            EnableIdempotence = o.Acks is "all" or "-1",
            LingerMs = o.LingerMs,
            BatchSize = o.BatchSize,
        };
        using var producer = new ProducerBuilder<Null, byte[]>(config).Build();
        var message = new Message<Null, byte[]> { Value = new byte[o.Size] };
        long errors = 0;
        Action<DeliveryReport<Null, byte[]>> onDelivery = report => { if (report.Error.IsError) Interlocked.Increment(ref errors); };
        producer.Produce(o.Topic, message, onDelivery); // warm-up: metadata and connection
        for (long i = 0; i < o.ClientWarmupMessages; i++) ProduceBlocking(producer, o.Topic, message, onDelivery);
        producer.Flush(Timeout.InfiniteTimeSpan);
        m.Start();
        for (long i = 0; i < o.Messages; i++) ProduceBlocking(producer, o.Topic, message, onDelivery);
        producer.Flush(Timeout.InfiniteTimeSpan);
        return Task.FromResult(m.Stop(o, "confluent", o.Messages, errors));
    }

    /// <summary>Produces one record, polling while librdkafka's queue is full (its callback API has no blocking mode).</summary>
    private static void ProduceBlocking(IProducer<Null, byte[]> producer, string topic, Message<Null, byte[]> message,
        Action<DeliveryReport<Null, byte[]>> onDelivery)
    {
        while (true)
        {
            try
            {
                producer.Produce(topic, message, onDelivery);
                return;
            }
            catch (ProduceException<Null, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                producer.Poll(TimeSpan.FromMilliseconds(10));
            }
        }
    }

    public static Task<RunResult> ConsumeAsync(BenchOptions o, Measurement m)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = o.Bootstrap,
            GroupId = "bench-unused",
            EnableAutoCommit = false,
            EnablePartitionEof = false,
            // librdkafka < 2.2 stops fetching a partition once queued.min.messages (100000) are queued locally and
            // looks again only after a fixed 1 s backoff (librdkafka #2879; fetch.queue.backoff.ms arrived in 2.2).
            // With 100-byte records that caps 1.9.x at ~200k msgs/s against any broker, so raise the thresholds.
            QueuedMinMessages = 10_000_000,
            QueuedMaxMessagesKbytes = 2_097_151,
        };
        using var consumer = new ConsumerBuilder<Ignore, byte[]>(config).Build();
        consumer.Assign(Enumerable.Range(0, o.Partitions).Select(p => new Confluent.Kafka.TopicPartitionOffset(o.Topic, p, Offset.Beginning)));
        long count = 0;
        m.Start();
        while (count < o.Messages)
        {
            var result = consumer.Consume(TimeSpan.FromSeconds(30)) ?? throw new TimeoutException($"Consumed {count} of {o.Messages}; no record for 30 s.");
            count++;
        }
        return Task.FromResult(m.Stop(o, "confluent", count, 0));
    }

    public static async Task<RunResult> LatencyAsync(BenchOptions o, Measurement m)
    {
        var consumerConfig = new ConsumerConfig { BootstrapServers = o.Bootstrap, GroupId = "bench-latency", EnableAutoCommit = false, FetchWaitMaxMs = 100 };
        using var consumer = new ConsumerBuilder<Ignore, byte[]>(consumerConfig).Build();
        consumer.Assign(Enumerable.Range(0, o.Partitions).Select(p => new Confluent.Kafka.TopicPartitionOffset(o.Topic, p, Offset.End)));
        var producerConfig = new ProducerConfig { BootstrapServers = o.Bootstrap, Acks = Acks.All, EnableIdempotence = true, LingerMs = o.LingerMs };
        using var producer = new ProducerBuilder<Null, byte[]>(producerConfig).Build();
        var probe = new LatencyProbe(o);
        var consumeTask = Task.Run(() =>
        {
            while (probe.Received < o.Messages)
            {
                var r = consumer.Consume(TimeSpan.FromSeconds(30)) ?? throw new TimeoutException("no record for 30 s");
                probe.Record(r.Message.Value);
            }
        });
        await Task.Delay(2000); // let the consumer's assignment settle at the end offset
        m.Start();
        await Pacer.RunAsync(o.Messages, o.RatePerSecond, i => producer.Produce(o.Topic, new Message<Null, byte[]> { Value = LatencyProbe.Stamp(o.Size, i) }));
        producer.Flush(Timeout.InfiniteTimeSpan);
        await consumeTask;
        return m.Stop(o, "confluent", o.Messages, 0, probe.Percentiles());
    }
}
